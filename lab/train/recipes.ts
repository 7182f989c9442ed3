import type { DatasetId } from '../data/datasets';
import type { TrainingPlan } from './run';

/**
 * One row of the course's reference table: a model trained on a data set with a fixed plan,
 * the loss it must reach, and where that target comes from. `npm run lab -- reference` trains
 * every recipe; pages show the resulting checkpoints before a reader trains their own.
 */
export interface Recipe {
  /** Stable id, also the checkpoint's file name: `names-gpt`. */
  id: string;
  dataset: DatasetId;
  plan: TrainingPlan;
  /** The dev loss to reach, when a reference sets one. */
  target?: number;
  /** Where the target or the configuration comes from. */
  source: string;
}

/** makemore's optimizer settings for names (AdamW, betas 0.9/0.99, weight decay 0.01), batch 32. */
const NAMES_TRAINING = { batchSize: 32, steps: 8000, learningRate: 2e-3, minLearningRate: 1e-4, warmupSteps: 100, weightDecay: 0.01, beta2: 0.99, evalEvery: 500, seed: 3407 } as const;

/**
 * makemore's Transformer as makemore builds it (`--type transformer`): biases, its own lm head and
 * PyTorch's default init, which on names ends 0.05 lower than nanoGPT's N(0, 0.02).
 */
const MAKEMORE_TRANSFORMER = { blockSize: 16, nLayer: 4, nHead: 4, nEmbd: 64, dropout: 0, bias: true, tieWeights: false, init: 'pytorch', seed: 3407 } as const;

/** Every model of the ladder on names at about 0.2M parameters and the same token budget. */
const NAMES_RECIPES: Recipe[] = [
  {
    id: 'names-mlp',
    dataset: 'names',
    plan: { ...NAMES_TRAINING, model: { kind: 'mlp', config: { blockSize: 8, embedDim: 32, hiddenDim: 640, norm: 'layer', seed: 3407 } } },
    target: 2.17,
    source: "makemore's MLP lecture: dev 2.17 (block 3, 200 hidden units)",
  },
  {
    // Chapter 2's trainer takes its defaults from this plan, and its reference curve
    // (public/checkpoints/names-mlp-lecture.curve.json) is this run's evaluations.
    id: 'names-mlp-lecture',
    dataset: 'names',
    plan: {
      batchSize: 32, // names per step; every position of each name is a target
      steps: 6000, // dev 2.157, past the lecture's 2.17, in about 1.5 minutes of Node wasm (3,000 steps: 2.187)
      learningRate: 1e-2, // the lecture's 0.1 is for plain SGD; AdamW's step is about lr per weight
      minLearningRate: 1e-3, // cosine decay, as the lecture's drop from 0.1 to 0.01
      warmupSteps: 0,
      weightDecay: 0,
      beta2: 0.99,
      evalEvery: 150, // 41 points on the page's curve, step 0 included
      seed: 2147483647,
      model: { kind: 'mlp', config: { blockSize: 3, embedDim: 10, hiddenDim: 200, norm: 'none', seed: 2147483647 } },
    },
    target: 2.17,
    source: "makemore's MLP lecture (block 3, 10-dim embeddings, 200 hidden units): dev 2.17",
  },
  {
    id: 'names-rnn',
    dataset: 'names',
    plan: { ...NAMES_TRAINING, model: { kind: 'rnn', config: { blockSize: 16, embedDim: 64, hiddenDim: 400, seed: 3407 } } },
    source: 'same parameters and tokens as the GPT',
  },
  {
    id: 'names-lstm',
    dataset: 'names',
    plan: { ...NAMES_TRAINING, model: { kind: 'lstm', config: { blockSize: 16, embedDim: 64, hiddenDim: 200, seed: 3407 } } },
    source: 'same parameters and tokens as the GPT',
  },
  {
    id: 'names-gru',
    dataset: 'names',
    plan: { ...NAMES_TRAINING, model: { kind: 'gru', config: { blockSize: 16, embedDim: 64, hiddenDim: 230, seed: 3407 } } },
    source: 'same parameters and tokens as the GPT',
  },
  {
    id: 'names-gpt',
    dataset: 'names',
    plan: { ...NAMES_TRAINING, model: { kind: 'gpt', config: MAKEMORE_TRANSFORMER } },
    target: 1.95,
    source: "makemore's Transformer (4 layers, 4 heads, 64 dims, PyTorch's default init) reaches about 1.92",
  },
  {
    // makemore trains until it is stopped and reports its best loss "eventually": this row gives the
    // same Transformer 4 times the ladder's tokens, with dropout, as it starts to overfit by 8,000 steps.
    id: 'names-gpt-long',
    dataset: 'names',
    plan: { ...NAMES_TRAINING, steps: 32000, evalEvery: 2000, model: { kind: 'gpt', config: { ...MAKEMORE_TRANSFORMER, dropout: 0.1 } } },
    target: 1.95,
    source: "makemore's Transformer, trained 4 times as long as the ladder's rows, dropout 0.1: about 1.92",
  },
];

/**
 * Chapters 4 and 5's trainers: the three cells at the same state size (128 units) and the same
 * budget (3,000 steps of 32 names), small enough to train in a tab in a few minutes. The LSTM and
 * GRU have 4 and 3 times the RNN's cell weights: the chapters compare cells of one state size,
 * as their gradient chart does. Clipping at 1 as nanoGPT's; chapter 4 turns it off.
 */
const RECURRENT_CHAPTER_TRAINING = { batchSize: 32, steps: 3000, learningRate: 3e-3, minLearningRate: 3e-4, warmupSteps: 100, weightDecay: 0.01, beta2: 0.99, clipNorm: 1, evalEvery: 150, seed: 3407 } as const;
const RECURRENT_CHAPTER_MODEL = { blockSize: 16, embedDim: 32, hiddenDim: 128, seed: 3407 } as const;

const RECURRENT_CHAPTER_RECIPES: Recipe[] = (['rnn', 'lstm', 'gru'] as const).map((kind) => ({
  id: `names-${kind}-chapter`,
  dataset: 'names',
  plan: { ...RECURRENT_CHAPTER_TRAINING, model: { kind, config: RECURRENT_CHAPTER_MODEL } },
  source: `chapters 4 and 5's ${kind.toUpperCase()} trainer: 128 units, 3,000 steps`,
}));

/** nanoGPT's shakespeare_char config scaled for a CPU (its README): 2,000 iterations, lr 1e-3 to 1e-4. */
const SHAKESPEARE_TRAINING = { batchSize: 12, steps: 2000, learningRate: 1e-3, minLearningRate: 1e-4, warmupSteps: 100, weightDecay: 0.1, beta2: 0.99, clipNorm: 1, evalEvery: 250, seed: 1337 } as const;

const SHAKESPEARE_RECIPES: Recipe[] = [
  {
    id: 'tinyshakespeare-gpt',
    dataset: 'tinyshakespeare',
    plan: { ...SHAKESPEARE_TRAINING, model: { kind: 'gpt', config: { blockSize: 64, nLayer: 4, nHead: 4, nEmbd: 128, dropout: 0, bias: false, tieWeights: true, seed: 1337 } } },
    // nanoGPT's README gives val 1.88: one run, 20 random batches of val. Its own code on the whole
    // of val, 20 seeds, averages 1.907 (sd 0.009; docs/FIDELITY.md): the target is that mean + 2 sd.
    target: 1.924,
    source: "nanoGPT's CPU config (4 layers, 4 heads, 128 dims, block 64, batch 12): its own code, whole val split, 20 seeds: 1.907, sd 0.009",
  },
  {
    id: 'tinyshakespeare-lstm',
    dataset: 'tinyshakespeare',
    plan: { ...SHAKESPEARE_TRAINING, model: { kind: 'lstm', config: { blockSize: 64, embedDim: 128, hiddenDim: 384, seed: 1337 } } },
    source: 'same parameters and tokens as the GPT',
  },
];

/**
 * Chapter 2's Tang model: an MLP on the five-character quatrains, small enough to ship (2.4 MB),
 * whose embedding table the page projects and searches for each character's nearest neighbours.
 * Most of the 3,622 characters are rare, so their rows would keep their random N(0, 1) start and
 * crowd every neighbour list by chance (32-dim random vectors reach cosine 0.6 among 3,622);
 * strong weight decay wipes that start (to about 6% by the last step), and it also narrows the
 * gap between train and dev: weight decay 0.1 gave train 3.47, dev 5.59 in 1,200 steps; 0.5
 * gives train 4.44, dev 5.28 in 1,000.
 */
const TANG_RECIPES: Recipe[] = [
  {
    id: 'tang-wujue-mlp',
    dataset: 'tang-wujue',
    plan: {
      batchSize: 16, // poems per step, 25 targets each (3,112 training poems: about 5 passes)
      steps: 1000,
      learningRate: 1e-2,
      minLearningRate: 1e-3,
      warmupSteps: 0,
      weightDecay: 0.5, // on the embeddings and matrices (AdamW's default), see above
      beta2: 0.99,
      evalEvery: 100,
      seed: 3407,
      model: { kind: 'mlp', config: { blockSize: 5, embedDim: 32, hiddenDim: 128, norm: 'none', seed: 3407 } }, // a whole line of five characters
    },
    source: "chapter 2's embedding view; chapter 1's best Tang n-gram (Witten-Bell trigram) scores dev 5.48",
  },
  {
    // Chapter 5's poet: an LSTM that writes a whole quatrain, sampled in the page (lm-model-sampler).
    // Sized to ship (666k parameters, 2.7 MB): most weights are the 3,622-character embedding
    // (32 columns) and head (128 rows), as for the MLP above; the cell itself is 82k.
    id: 'tang-wujue-lstm',
    dataset: 'tang-wujue',
    plan: {
      batchSize: 16, // poems per step, 25 targets each (3,112 training poems: about 4 passes)
      steps: 800,
      learningRate: 1e-2,
      minLearningRate: 1e-3,
      warmupSteps: 50,
      weightDecay: 0.1,
      beta2: 0.99,
      clipNorm: 1,
      evalEvery: 100,
      seed: 3407,
      model: { kind: 'lstm', config: { blockSize: 26, embedDim: 32, hiddenDim: 128, seed: 3407 } }, // a whole poem (24 characters) and its two boundaries: the sampler reads back to its start
    },
    source: "chapter 5's Tang poet; the MLP above scores dev 5.28, the Witten-Bell trigram 5.48",
  },
];

/**
 * Chapter 7's GPT: nanoGPT's CPU model at half the width (4 layers, 4 heads of 16 channels, block
 * 64), so that a reader trains it in a tab in minutes and watches its 16 heads form.
 */
const SHAKESPEARE_CHAPTER_RECIPES: Recipe[] = [
  {
    id: 'tinyshakespeare-gpt-chapter',
    dataset: 'tinyshakespeare',
    plan: {
      ...SHAKESPEARE_TRAINING,
      batchSize: 16,
      steps: 1500,
      learningRate: 2e-3,
      minLearningRate: 2e-4,
      evalEvery: 100,
      model: { kind: 'gpt', config: { blockSize: 64, nLayer: 4, nHead: 4, nEmbd: 64, dropout: 0, bias: false, tieWeights: true, seed: 1337 } },
    },
    source: "chapter 7's trainer: nanoGPT's CPU config at 64 channels, 1,500 steps of 16",
  },
  {
    // Chapter 7's Tang poet: a GPT that reads a whole poem (24 characters and its boundary) at once;
    // its lines are exactly 6 characters apart, so a head that looks back one line attends 6 back.
    id: 'tang-wujue-gpt',
    dataset: 'tang-wujue',
    plan: {
      batchSize: 32,
      steps: 1000,
      learningRate: 3e-3,
      minLearningRate: 3e-4,
      warmupSteps: 100,
      weightDecay: 0.1,
      beta2: 0.99,
      clipNorm: 1,
      evalEvery: 100,
      seed: 3407,
      model: { kind: 'gpt', config: { blockSize: 26, nLayer: 4, nHead: 4, nEmbd: 64, dropout: 0.1, bias: false, tieWeights: true, seed: 3407 } },
    },
    source: "chapter 7's Tang poet; the LSTM scores dev 5.30, the MLP 5.28",
  },
];

/**
 * Chapter 6's single head: one block with one head of 32 channels on the copy task
 * (`abcdefgh>abcdefgh`), with and without position embeddings. The second half of a line is
 * certain to a head that looks back exactly 9 positions, which needs the positions.
 */
const COPY_TRAINING = { batchSize: 32, steps: 1000, learningRate: 3e-3, minLearningRate: 3e-4, warmupSteps: 50, weightDecay: 0.01, beta2: 0.99, clipNorm: 1, evalEvery: 50, seed: 1337 } as const;
const COPY_MODEL = { blockSize: 18, nLayer: 1, nHead: 1, nEmbd: 32, dropout: 0, bias: false, tieWeights: true, seed: 1337 } as const;

const COPY_RECIPES: Recipe[] = [
  {
    id: 'copy-attention',
    dataset: 'copy',
    plan: { ...COPY_TRAINING, model: { kind: 'gpt', config: COPY_MODEL } },
    source: "chapter 6's head: the first half costs ln 26 a letter, the rest nothing: 8 ln 26 / 18 = 1.448 at best",
  },
  {
    id: 'copy-attention-nopos',
    dataset: 'copy',
    plan: { ...COPY_TRAINING, model: { kind: 'gpt', config: { ...COPY_MODEL, positions: false } } },
    source: 'the same head without position embeddings',
  },
];

/** The reference table, row by row. */
export const RECIPES: readonly Recipe[] = [
  ...NAMES_RECIPES,
  ...RECURRENT_CHAPTER_RECIPES,
  ...SHAKESPEARE_RECIPES,
  ...SHAKESPEARE_CHAPTER_RECIPES,
  ...TANG_RECIPES,
  ...COPY_RECIPES,
];

/** The recipe called `id`. */
export function recipe(id: string): Recipe {
  const found = RECIPES.find((r) => r.id === id);
  if (!found) throw new Error(`no recipe called ${id}; there are ${RECIPES.map((r) => r.id).join(', ')}`);
  return found;
}
