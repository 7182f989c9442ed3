import { GPT_DEFAULTS } from './gpt';
import { MODEL_KINDS, type ModelKind, type ModelSpec } from './registry';

/**
 * The catalogue of intermediates: every tensor a model of the ladder records for the views, under
 * one naming scheme for all of them (makemore's one contract, transformer-explainer's stable keys).
 * - Keys every model has are bare: `embedding`, `logits`.
 * - Keys of one family carry its prefix: `mlp.*`, `rnn.*` (all three recurrent cells), `lstm.*`,
 *   `gru.*`, `gpt.*`.
 * - Keys of a Transformer block carry the block: `block{i}.attn.weights`, `block{i}.resid`.
 * Heads are an axis, never part of a key: `block0.attn.weights` is (B, H, T, T).
 */

/**
 * Axis names of recorded shapes:
 * B batch, T time (positions), V vocabulary, E rows of the embedding table (V, and V + 1 for the
 * MLP, whose blank row is last), C embedding channels (the residual stream's width in a GPT; V for
 * the bigram, whose table holds logits), K the MLP's context width (blockSize x C), N hidden units
 * (the MLP's tanh layer, a recurrent state), H attention heads, hs channels per head (C / H),
 * L the MLP's hidden layers (its `depth`).
 */
export type Axis = 'B' | 'T' | 'V' | 'E' | 'C' | 'K' | 'N' | 'H' | 'hs' | 'L';

/** One entry of {@link KEY_CATALOGUE}. */
export interface KeyEntry {
  /** The key, with `{i}` standing for a block index in per-block keys. */
  pattern: string;
  /** The models that record it. */
  models: readonly ModelKind[];
  /** Its shape, as axis names. */
  shape: readonly Axis[];
  /** What it is, in one line. */
  doc: string;
  /** Whether the forward pass needs the input's targets to record it (a gradient of the loss). */
  needsTargets?: boolean;
  /** Whether a model of this spec records it, when not every model of `models` does (a GPT without positions has no `gpt.position`). */
  recordedBy?: (spec: ModelSpec) => boolean;
}

const RECURRENT: readonly ModelKind[] = ['rnn', 'lstm', 'gru'];
const SEQUENCE: readonly ModelKind[] = ['mlp', 'rnn', 'lstm', 'gru', 'gpt'];
const BTN: readonly Axis[] = ['B', 'T', 'N'];
const BHTT: readonly Axis[] = ['B', 'H', 'T', 'T'];
const BHTS: readonly Axis[] = ['B', 'H', 'T', 'hs'];

/** Every intermediate key of the ladder, in the order a reader meets them in a forward pass. */
export const KEY_CATALOGUE: readonly KeyEntry[] = [
  { pattern: 'embedding', models: MODEL_KINDS, shape: ['E', 'C'], doc: "the token table, one row per token id (the MLP's blank row last; the bigram's rows are logits)" },
  { pattern: 'embedded', models: SEQUENCE, shape: ['B', 'T', 'C'], doc: "each input token's row of the table" },
  { pattern: 'mlp.context', models: ['mlp'], shape: ['B', 'T', 'K'], doc: "the concatenated embeddings of each position's context, oldest token first" },
  { pattern: 'mlp.preact', models: ['mlp'], shape: BTN, doc: 'what enters the tanh (after the LayerNorm with norm `layer`)' },
  { pattern: 'mlp.hidden', models: ['mlp'], shape: BTN, doc: 'the tanh activations of the hidden layer (the first, when there are several)' },
  { pattern: 'mlp.preacts', models: ['mlp'], shape: ['L', 'B', 'T', 'N'], doc: 'what enters the tanh of every hidden layer, layer first' },
  { pattern: 'mlp.hiddens', models: ['mlp'], shape: ['L', 'B', 'T', 'N'], doc: 'the tanh activations of every hidden layer, layer first (before dropout)' },
  { pattern: 'rnn.state', models: RECURRENT, shape: BTN, doc: 'the hidden state h_t after reading token t' },
  { pattern: 'rnn.state_grad', models: RECURRENT, shape: BTN, doc: '∂ℓ/∂h_t: the gradient, with respect to the hidden state after token t, of ℓ the mean over examples of the cross-entropy at the last position (distance T − 1 − t from the loss); needs targets at the last position', needsTargets: true },
  { pattern: 'lstm.gate.input', models: ['lstm'], shape: BTN, doc: 'input gate i_t in [0, 1]: how much of the candidate is written' },
  { pattern: 'lstm.gate.forget', models: ['lstm'], shape: BTN, doc: 'forget gate f_t in [0, 1]: how much of the old cell is kept' },
  { pattern: 'lstm.gate.output', models: ['lstm'], shape: BTN, doc: 'output gate o_t in [0, 1]: how much of the cell is shown' },
  { pattern: 'lstm.candidate', models: ['lstm'], shape: BTN, doc: 'candidate g_t in [-1, 1]' },
  { pattern: 'lstm.cell', models: ['lstm'], shape: BTN, doc: 'the cell state c_t' },
  { pattern: 'gru.gate.update', models: ['gru'], shape: BTN, doc: 'update gate z_t in [0, 1]: the share of the old state kept' },
  { pattern: 'gru.gate.reset', models: ['gru'], shape: BTN, doc: 'reset gate r_t in [0, 1]: how much of the old state the candidate sees' },
  { pattern: 'gru.candidate', models: ['gru'], shape: BTN, doc: 'candidate n_t in [-1, 1]' },
  { pattern: 'gpt.position', models: ['gpt'], shape: ['T', 'C'], doc: 'the position embeddings of positions 0 .. T - 1 (absent with `positions: false`)', recordedBy: (spec) => spec.kind === 'gpt' && spec.config.positions !== false },
  { pattern: 'gpt.resid', models: ['gpt'], shape: ['B', 'T', 'C'], doc: 'the residual stream entering block 0 (token plus position embedding)' },
  { pattern: 'gpt.resid_norm', models: ['gpt'], shape: ['B', 'T'], doc: 'L2 norm of `gpt.resid` at each position' },
  { pattern: 'block{i}.attn.q', models: ['gpt'], shape: BHTS, doc: 'queries of block i, per head' },
  { pattern: 'block{i}.attn.k', models: ['gpt'], shape: BHTS, doc: 'keys of block i, per head' },
  { pattern: 'block{i}.attn.v', models: ['gpt'], shape: BHTS, doc: 'values of block i, per head' },
  { pattern: 'block{i}.attn.scores', models: ['gpt'], shape: BHTT, doc: 'q·k / sqrt(hs), query rows, key columns' },
  { pattern: 'block{i}.attn.masked', models: ['gpt'], shape: BHTT, doc: 'the scores with the future (key after query) set to -Infinity' },
  { pattern: 'block{i}.attn.weights', models: ['gpt'], shape: BHTT, doc: 'softmax of the masked scores; each row sums to 1' },
  { pattern: 'block{i}.attn.out', models: ['gpt'], shape: BHTS, doc: "each head's weighted sum of the values, Σ_j w_tj v_j, before the heads are joined and projected" },
  { pattern: 'block{i}.resid', models: ['gpt'], shape: ['B', 'T', 'C'], doc: 'the residual stream leaving block i' },
  { pattern: 'block{i}.resid_norm', models: ['gpt'], shape: ['B', 'T'], doc: 'L2 norm of `block{i}.resid` at each position' },
  { pattern: 'logits', models: MODEL_KINDS, shape: ['B', 'T', 'V'], doc: 'next-token logits at every position (the forward result, copied)' },
];

/** A model's axis sizes besides B and T. */
export function axisSizes(spec: ModelSpec, vocabSize: number): Record<Exclude<Axis, 'B' | 'T'>, number> {
  const sizes = { V: vocabSize, E: vocabSize, C: vocabSize, K: 0, N: 0, H: 0, hs: 0, L: 0 };
  switch (spec.kind) {
    case 'bigram':
      return sizes;
    case 'mlp':
      return { ...sizes, E: vocabSize + 1, C: spec.config.embedDim, K: spec.config.blockSize * spec.config.embedDim, N: spec.config.hiddenDim, L: spec.config.depth ?? 1 };
    case 'rnn':
    case 'lstm':
    case 'gru':
      return { ...sizes, C: spec.config.embedDim, N: spec.config.hiddenDim };
    case 'gpt': {
      const { nEmbd, nHead } = { ...GPT_DEFAULTS, ...spec.config };
      return { ...sizes, C: nEmbd, H: nHead, hs: nEmbd / nHead };
    }
  }
}

/**
 * A model's concrete keys with their shapes for a (B, T) input, per-block keys expanded for
 * every block, in catalogue order.
 */
export function keysOf(spec: ModelSpec, vocabSize: number, input: { batch: number; time: number }): Record<string, number[]> {
  const sizes: Record<Axis, number> = { ...axisSizes(spec, vocabSize), B: input.batch, T: input.time };
  const blocks = spec.kind === 'gpt' ? { ...GPT_DEFAULTS, ...spec.config }.nLayer : 0;
  const keys: Record<string, number[]> = {};
  for (const entry of KEY_CATALOGUE) {
    if (!entry.models.includes(spec.kind) || entry.recordedBy?.(spec) === false) continue;
    const shape = entry.shape.map((axis) => sizes[axis]);
    if (!entry.pattern.includes('{i}')) keys[entry.pattern] = shape;
    else for (let i = 0; i < blocks; i++) keys[entry.pattern.replace('{i}', String(i))] = shape;
  }
  return keys;
}

/** The catalogue entry of a concrete key (`block2.attn.q` finds `block{i}.attn.q`), or undefined. */
export function entryOf(key: string): KeyEntry | undefined {
  const pattern = key.replace(/^block\d+\./, 'block{i}.');
  return KEY_CATALOGUE.find((entry) => entry.pattern === pattern);
}

/**
 * Checks that a model records every one of `keys`.
 * @throws an Error naming the first unknown key and listing the model's valid keys, e.g.
 *   "the mlp model has no key 'foo'; valid keys: embedding, embedded, …".
 */
export function validateKeys(spec: ModelSpec, keys: Iterable<string>): void {
  const valid = Object.keys(keysOf(spec, 1, { batch: 1, time: 1 }));
  for (const key of keys) {
    if (!valid.includes(key)) throw new Error(`the ${spec.kind} model has no key '${key}'; valid keys: ${valid.join(', ')}`);
  }
}

/** Whether recording any of `keys` needs the input's targets (`needsTargets` in the catalogue). */
export function needsTargets(keys: Iterable<string>): boolean {
  return [...keys].some((key) => entryOf(key)?.needsTargets === true);
}
