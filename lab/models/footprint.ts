import type { GptConfig } from './gpt';
import type { MlpConfig } from './mlp';
import type { RecurrentConfig } from './recurrent';

/**
 * What a configuration costs before it is built: parameters, memory while training, and
 * arithmetic per step, from the shapes alone (no tfjs, so a page can say it before Start).
 * Estimates, not measurements: tfjs keeps a few more temporaries than counted here.
 */
export interface Footprint {
  /** Trainable parameters. */
  params: number;
  /** Bytes held while training: weights, gradients, AdamW's two moments, and one step's activations and their gradients. */
  trainingBytes: number;
  /** Floating-point operations of one training step (forward and backward: about 3 times the forward's multiply-adds times 2). */
  flopsPerStep: number;
}

/** Bytes of a float32. */
const FLOAT_BYTES = 4;
/** Copies of every parameter while training with AdamW: the weight, its gradient, two moments. */
const PARAM_COPIES = 4;

/**
 * The footprint of an MLP ({@link MLP}) on `vocabSize` tokens, trained on batches of `batchSize`
 * sequences of `length` positions. Parameters: (V + 1)·C + block·C·H + H, plus (depth − 1)·(H·H + H)
 * for the layers after the first, 2H per layer with LayerNorm, and H·V + V. Activations per
 * position: the context (block·C), each layer's pre-activation and tanh (2H per layer, a dropout
 * mask's H more with dropout), the logits and their softmax (2V), each with a gradient.
 */
export function mlpFootprint(config: Pick<MlpConfig, 'blockSize' | 'embedDim' | 'hiddenDim' | 'norm' | 'depth' | 'dropout'>, vocabSize: number, batchSize: number, length: number): Footprint {
  const { blockSize, embedDim: c, hiddenDim: h, norm } = config;
  const depth = config.depth ?? 1;
  const v = vocabSize;
  const perLayerNorm = norm === 'layer' ? 2 * h : 0;
  const params = (v + 1) * c + blockSize * c * h + h + (depth - 1) * (h * h + h) + depth * perLayerNorm + h * v + v;
  const positions = batchSize * length;
  const perLayerActivations = (config.dropout ?? 0) > 0 ? 3 * h : 2 * h;
  const activationsPerPosition = 2 * (blockSize * c + depth * perLayerActivations + 2 * v);
  const multiplyAddsPerPosition = blockSize * c * h + (depth - 1) * h * h + h * v;
  return {
    params,
    trainingBytes: FLOAT_BYTES * (PARAM_COPIES * params + positions * activationsPerPosition),
    flopsPerStep: 3 * 2 * positions * multiplyAddsPerPosition,
  };
}

/** Column blocks of a recurrent cell's weights: one per gate or candidate (recurrent.ts). */
const CELL_BLOCKS = { rnn: 1, lstm: 4, gru: 3 } as const;

/**
 * The footprint of a recurrent model (recurrent.ts's RecurrentLM: RNN, LSTM or GRU, G = 1, 4 or 3
 * blocks) on `vocabSize` tokens, trained on batches of `batchSize` sequences of `length` steps.
 * Parameters: V·C + C·G·H + H·G·H + G·H (+ H for the GRU's `cell.bhn`) + the start state (H, 2H
 * for the LSTM) + H·V + V. Activations per position: the embedding (C), the input's share (G·H),
 * the gates and state (G·H + H, and the LSTM's cell and its tanh, 2H), the logits and their
 * softmax (2V), each with a gradient. The products are the same per position as a feed-forward
 * layer's, but the recurrent one runs T times in a row on (B, H): see `RECURRENT_SLOWDOWN` where
 * a page estimates time.
 */
export function recurrentFootprint(cell: keyof typeof CELL_BLOCKS, config: Pick<RecurrentConfig, 'embedDim' | 'hiddenDim'>, vocabSize: number, batchSize: number, length: number): Footprint {
  const { embedDim: c, hiddenDim: h } = config;
  const g = CELL_BLOCKS[cell];
  const v = vocabSize;
  const params = v * c + c * g * h + h * g * h + g * h + (cell === 'gru' ? h : 0) + (cell === 'lstm' ? 2 * h : h) + h * v + v;
  const positions = batchSize * length;
  const activationsPerPosition = 2 * (c + g * h + g * h + h + (cell === 'lstm' ? 2 * h : 0) + 2 * v);
  const multiplyAddsPerPosition = c * g * h + h * g * h + h * v;
  return {
    params,
    trainingBytes: FLOAT_BYTES * (PARAM_COPIES * params + positions * activationsPerPosition),
    flopsPerStep: 3 * 2 * positions * multiplyAddsPerPosition,
  };
}

/**
 * The footprint of a GPT (gpt.ts) on `vocabSize` tokens, trained on batches of `batchSize`
 * sequences of `length` positions (T; at most the block). With C = nEmbd, L = nLayer, H = nHead:
 * parameters V·C (`wte`) + blockSize·C (`wpe`, unless `positions` is false) + L·12C² (the
 * attention's qkv and projection, the MLP's C→4C→C) + (2L + 1)·C LayerNorm gains, with `bias`
 * another (11L + 1)·C (the linear layers' biases and the norms'), and without tied weights the
 * head's C·V. Activations per position: the embedding (C); per block its input, LayerNorms,
 * q, k, v, the heads' output, projection and residual (10C), the MLP's 4C and GELU 4C, and the
 * attention's scores and weights, H·T each (so that a batch holds 2·B·H·T² per block: what grows
 * fastest with the block), a dropout mask on the weights and 3 residual branches (H·T + 3C) with
 * dropout; the final norm (C), the logits and their softmax (2V); each with a gradient.
 * Multiply-adds per position: L·(12C² + 2T·C) (every key and value is read, the masked ones
 * too) + C·V for the head.
 */
export function gptFootprint(config: Pick<GptConfig, 'blockSize' | 'nLayer' | 'nHead' | 'nEmbd' | 'dropout' | 'bias' | 'tieWeights' | 'positions'>, vocabSize: number, batchSize: number, length: number): Footprint {
  const { blockSize, nLayer: l, nHead: h, nEmbd: c, bias, tieWeights } = config;
  const v = vocabSize;
  const t = length;
  const positions = config.positions === false ? 0 : blockSize * c;
  const params = v * c + positions + l * 12 * c * c + (2 * l + 1) * c + (bias ? (11 * l + 1) * c : 0) + (tieWeights ? 0 : c * v);
  const dropout = config.dropout > 0 ? h * t + 3 * c : 0;
  const perBlock = 10 * c + 8 * c + 2 * h * t + dropout;
  const activationsPerPosition = 2 * (c + l * perBlock + c + 2 * v);
  const multiplyAddsPerPosition = l * (12 * c * c + 2 * t * c) + c * v;
  const tokens = batchSize * t;
  return {
    params,
    trainingBytes: FLOAT_BYTES * (PARAM_COPIES * params + tokens * activationsPerPosition),
    flopsPerStep: 3 * 2 * tokens * multiplyAddsPerPosition,
  };
}
