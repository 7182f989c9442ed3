import * as tf from '@tensorflow/tfjs';
import { CHANNEL_MAT_MUL, simdFor } from '../backend/simd/simdKernels';
import { joinQkv, type QkvAttrs, qkvForBackward, qkvForForward } from './kernels/qkvHeads';
import type { GradientFunc } from './layers';

/** Options of {@link causalSelfAttention}. */
export interface AttentionOptions {
  /** Applied to the attention weights, e.g. dropout while training; the identity when absent. */
  dropWeights?: (weights: tf.Tensor) => tf.Tensor;
  /** True to return the scores, masked scores and weights for the views. */
  record?: boolean;
}

/** What {@link causalSelfAttention} returns. */
export interface AttentionResult {
  /** (T, B, C) every head's weighted sum of values, heads side by side (before the output projection). */
  out: tf.Tensor3D;
  /** (B, H, T, T) q·k / sqrt(hs), with `record`. */
  scores?: tf.Tensor4D;
  /** (B, H, T, T) the scores with the future set to -Infinity, with `record`. */
  masked?: tf.Tensor4D;
  /** (B, H, T, T) softmax of the masked scores, with `record`. */
  weights?: tf.Tensor4D;
}

/**
 * Multi-head causal self-attention: every position mixes the values of itself and of the
 * positions before it, weighted by softmax(q·k / sqrt(hs)) over those positions, in every head
 * at once (one batched matmul over B*H).
 *
 * Inputs and output are time-major, (T, B, C), as PyTorch's nn.MultiheadAttention takes them by
 * default: see {@link attentionByConv} for why. On the wasm backend, where tfjs's batched
 * matmul is a plain scalar loop, the same maths runs through {@link attentionByConv}, unless
 * intermediates are recorded.
 * @param q (T, B, C) queries, heads side by side: channel h * hs + d is channel d of head h.
 * @param k (T, B, C) keys.
 * @param v (T, B, C) values.
 * @param nHead number of heads H; each has hs = C / H channels.
 * @param mask (T, T) additive causal mask: 0 where query i may look at key j (j <= i), -Infinity above.
 * @returns `out` (T, B, C): each head's weighted sum of values, heads side by side.
 */
export function causalSelfAttention(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, nHead: number, mask: tf.Tensor2D, options: AttentionOptions = {}): AttentionResult {
  if (!options.record && tf.getBackend() === 'wasm') return { out: attentionByConv(q, k, v, nHead, mask, options.dropWeights) };
  const [time, batch, channels] = q.shape;
  const headSize = channels / nHead;
  const heads = (x: tf.Tensor3D) => x.reshape([time, batch, nHead, headSize]).transpose([1, 2, 0, 3]).reshape([batch * nHead, time, headSize]) as tf.Tensor3D; // (B*H, T, hs)
  const scores = tf.matMul(heads(q), heads(k), false, true).mul(1 / Math.sqrt(headSize)) as tf.Tensor3D; // (B*H, T, T)
  const masked = scores.add(mask); // (B*H, T, T)
  const weights = tf.softmax(masked); // (B*H, T, T)
  const dropped = options.dropWeights ? options.dropWeights(weights) : weights; // (B*H, T, T)
  const y = tf.matMul(dropped, heads(v)); // (B*H, T, hs)
  const out = y.reshape([batch, nHead, time, headSize]).transpose([2, 0, 1, 3]).reshape([time, batch, channels]) as tf.Tensor3D; // (T, B, C)
  if (!options.record) return { out };
  const perHead: [number, number, number, number] = [batch, nHead, time, time];
  return { out, scores: scores.reshape(perHead) as tf.Tensor4D, masked: masked.reshape(perHead) as tf.Tensor4D, weights: weights.reshape(perHead) as tf.Tensor4D }; // (B, H, T, T) each
}

/**
 * The same attention as {@link causalSelfAttention}, with each batched matmul run as a
 * depthwise convolution, and a hand-written backward pass.
 *
 * Why: on tfjs's wasm backend a batched matmul is a slow scalar loop (see the note above
 * `matMul` in layers.ts). A depthwise convolution whose filter spans the whole reduced axis
 * computes a batched matmul with the batch in the channels (see {@link channelMatMul}), and
 * XNNPACK runs it fast. tfjs has no wasm kernels for the convolution's own gradients, hence
 * the custom gradient, made of the same convolutions.
 *
 * The convolution wants the batch of heads N = B*H as the last or middle axis. Time-major
 * inputs already are (T, N, hs), so values go in, and the output comes out, with no transpose.
 * @param q (T, B, C).
 * @param k (T, B, C).
 * @param v (T, B, C).
 * @param nHead number of heads H.
 * @param mask (T, T) additive causal mask.
 * @param dropWeights dropout of the attention weights; it must multiply by a mask, which is
 *   drawn once (applied to ones) so that the backward pass can reuse it.
 * @returns (T, B, C).
 */
export function attentionByConv(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, nHead: number, mask: tf.Tensor2D, dropWeights?: (weights: tf.Tensor) => tf.Tensor): tf.Tensor3D {
  const [time, batch, channels] = q.shape;
  const headSize = channels / nHead;
  const n = batch * nHead;
  const scale = 1 / Math.sqrt(headSize);
  const keep = dropWeights ? (dropWeights(tf.ones([time, n, time])) as tf.Tensor3D) : undefined; // (T, N, T)
  const causal = mask.reshape([time, 1, time]); // (T, 1, T)
  const attend = tf.customGrad(((q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, save: tf.GradSaveFunc) => {
    // q, k, v: (T, N, hs).
    const { y, weights } = convForward(q.transpose([0, 2, 1]).mul(scale), k.transpose([2, 1, 0]), v, causal, keep); // (T, N, hs), (T, N, T)
    save(keep ? [q, k, v, weights, keep] : [q, k, v, weights]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [q, k, v, weights, kept] = saved as tf.Tensor3D[];
        return convBackward(dy, weights!, kept, q!, k!, v!.transpose([2, 1, 0]), scale); // (T, N, hs) each
      },
    };
  }) as GradientFunc);
  const heads = (x: tf.Tensor3D) => x.reshape([time, n, headSize]); // (T, N, hs)
  return attend(heads(q), heads(k), heads(v)).reshape([time, batch, channels]) as tf.Tensor3D; // (T, B, C)
}

/**
 * The same attention as {@link attentionByConv}, straight from the (T*B, 3C) qkv projection, on
 * the backends with the qkv kernels (kernels/qkvHeads.ts: wasm, and cpu for the tests). One
 * kernel writes q, k and v in the orders the convolutions read, and another joins their
 * gradients into dqkv. On wasm tfjs's split of qkv took 3 to 4 ms a block (a slow strided
 * slice), and the split, its gradient (a concat) and the q, k, v transposes were 13 kernel calls
 * a block, against 3 here. Measured in Node (wasm, 1 thread, 60 alternated steps of the
 * Shakespeare GPT): 1.01x a training step; the JavaScript copies cost about what they replace.
 * @param qkv (T*B, 3C) time-major: row t*B + b; q, k, v side by side, head h at channels h*hs of each.
 * @param time T.
 * @param nHead number of heads H.
 * @param mask (T, T) additive causal mask.
 * @param dropWeights as for {@link attentionByConv}.
 * @returns (T, B, C).
 */
export function attentionFromQkv(qkv: tf.Tensor2D, time: number, nHead: number, mask: tf.Tensor2D, dropWeights?: (weights: tf.Tensor) => tf.Tensor): tf.Tensor3D {
  const channels = qkv.shape[1] / 3;
  const batch = qkv.shape[0] / time;
  const n = batch * nHead;
  const scale = 1 / Math.sqrt(channels / nHead);
  const attrs: QkvAttrs = { time, nHead, channels, scale };
  const keep = dropWeights ? (dropWeights(tf.ones([time, n, time])) as tf.Tensor3D) : undefined; // (T, N, T)
  const causal = mask.reshape([time, 1, time]); // (T, 1, T)
  const attend = tf.customGrad(((qkv: tf.Tensor, save: tf.GradSaveFunc) => {
    const [qT, kT, v] = qkvForForward(qkv as tf.Tensor2D, attrs); // (T, hs, N) scaled, (hs, N, T), (T, N, hs)
    const { y, weights } = convForward(qT, kT, v, causal, keep); // (T, N, hs), (T, N, T)
    save(keep ? [qkv, weights, keep] : [qkv, weights]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [qkv, weights, kept] = saved as tf.Tensor3D[];
        const [q, k, vT] = qkvForBackward(qkv!, attrs); // (T, N, hs), (T, N, hs), (hs, N, T)
        const [dQ, dK, dV] = convBackward(dy, weights!, kept, q, k, vT, scale); // (T, N, hs) each
        return joinQkv(dQ!, dK!, dV!, attrs); // (T*B, 3C)
      },
    };
  }) as GradientFunc);
  return attend(qkv).reshape([time, batch, channels]) as tf.Tensor3D; // (T, B, C)
}

/**
 * The forward convolutions: weights = softmax(q k / sqrt(hs) + mask), y = weights (dropped) @ v.
 * Below i indexes queries, j keys, d channels of a head, n the B*H heads.
 * @param qT (T, hs, N) queries already scaled by 1/sqrt(hs).
 * @param kT (hs, N, T) keys.
 * @param v (T, N, hs) values.
 * @param causal (T, 1, T) additive mask.
 * @param keep (T, N, T) dropout multipliers, or undefined.
 */
function convForward(qT: tf.Tensor, kT: tf.Tensor, v: tf.Tensor, causal: tf.Tensor, keep?: tf.Tensor3D): { y: tf.Tensor3D; weights: tf.Tensor3D } {
  const scores = channelMatMul(qT, kT); // (T, N, T) [i, n, j] = q_i · k_j / sqrt(hs)
  const weights = tf.softmax(scores.add(causal)) as tf.Tensor3D; // (T, N, T)
  const dropped = keep ? weights.mul(keep) : weights; // (T, N, T)
  const y = channelMatMul(dropped, v, [0, 2, 1]); // (T, N, hs) [i, n, d] = sum_j w_ij v_jd
  return { y, weights };
}

/**
 * The backward convolutions of {@link convForward}.
 * @param dy (T, N, hs).
 * @param weights (T, N, T) the softmax, before dropout.
 * @param kept (T, N, T) dropout multipliers, or undefined.
 * @param q (T, N, hs) queries, unscaled.
 * @param k (T, N, hs) keys.
 * @param vT (hs, N, T) values.
 * @returns [dq, dk, dv], (T, N, hs) each.
 */
function convBackward(dy: tf.Tensor, weights: tf.Tensor3D, kept: tf.Tensor3D | undefined, q: tf.Tensor, k: tf.Tensor, vT: tf.Tensor, scale: number): tf.Tensor3D[] {
  const dropped = kept ? weights.mul(kept) : weights; // (T, N, T)
  const dDropped = channelMatMul(dy, vT, [0, 2, 1]); // (T, N, T) dy @ v^T
  const dV = channelMatMul(dropped, dy, [2, 0, 1]); // (T, N, hs) w^T @ dy
  const dWeights = kept ? dDropped.mul(kept) : dDropped; // (T, N, T)
  // Softmax backward: dS = w * (dW - sum_j(dW * w)).
  const dScores = weights.mul(dWeights.sub(dWeights.mul(weights).sum(-1, true))).mul(scale) as tf.Tensor3D; // (T, N, T)
  const dQ = channelMatMul(dScores, k, [0, 2, 1]); // (T, N, hs) dS @ k
  const dK = channelMatMul(dScores, q, [2, 0, 1]); // (T, N, hs) dS^T @ q
  return [dQ, dK, dV];
}

/**
 * A batched matmul with the batch in the channels, as one depthwise convolution:
 * out[m, n, p] = sum_k input[m, k, n] * filter[k, n, p], where input = x.transpose(perm). On wasm
 * our SIMD kernel computes it bit for bit as XNNPACK's convolution does, reading x transposed in
 * place, on as many threads as the backend was given (lab/backend/simd); elsewhere the transpose and the
 * convolution.
 * @param x the input before the transpose: (M, K, N) once permuted by `perm`.
 * @param filter (K, N, P).
 * @param perm the axes of x that make the input's (M, K, N).
 * @returns (M, N, P).
 */
function channelMatMul(x: tf.Tensor, filter: tf.Tensor, perm: [number, number, number] = [0, 1, 2]): tf.Tensor3D {
  if (simdFor(x, filter)) return tf.engine().runKernel(CHANNEL_MAT_MUL, { x, filter }, { perm }) as tf.Tensor3D; // (M, N, P)
  const input = perm.every((axis, i) => axis === i) ? x : x.transpose(perm);
  const [m, k, n] = input.shape as [number, number, number];
  const p = filter.shape[2]!;
  // An image of height M and width K with N channels; a 1 x K filter with P outputs per channel.
  const out = tf.depthwiseConv2d(input.reshape([1, m, k, n]) as tf.Tensor4D, filter.reshape([1, k, n, p]) as tf.Tensor4D, 1, 'valid'); // (1, M, 1, N*P)
  return out.reshape([m, n, p]); // (M, N, P)
}
