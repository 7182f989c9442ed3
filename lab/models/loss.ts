import * as tf from '@tensorflow/tfjs';

/**
 * Mean cross-entropy of `logits` against `targets`, skipping targets of -1 (makemore's
 * `ignore_index=-1`), computed as a log-softmax so it stays finite for large logits.
 * @param logits (B, T, V) float32.
 * @param targets (B, T) int32.
 * @returns a scalar: mean negative log-likelihood in nats.
 */
export function crossEntropy(logits: tf.Tensor3D, targets: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const vocab = logits.shape[2];
    const flat = logits.reshape([-1, vocab]); // (B*T, V)
    const y = targets.reshape([-1]); // (B*T)
    const valid = y.greaterEqual(0); // (B*T) bool
    const safeY = tf.where(valid, y, tf.zerosLike(y)); // (B*T)
    const logProbs = tf.logSoftmax(flat); // (B*T, V)
    const picked = logProbs.mul(tf.oneHot(safeY.toInt(), vocab)).sum(1); // (B*T)
    const mask = valid.toFloat(); // (B*T)
    return picked.mul(mask).sum().neg().div(mask.sum().maximum(1)) as tf.Scalar;
  });
}
