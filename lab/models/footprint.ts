import type { MlpConfig } from './mlp';

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
