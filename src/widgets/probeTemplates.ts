import type { ModelInfo, Probe } from '../../lab/worker/protocol';

/**
 * Probes a view declares before it knows the model (in its markup, see modelBus.ts) may stand
 * for one probe per layer or per parameter matrix, through two placeholders in their names and
 * in their strings (`key`, `relativeTo`) or `index` entries:
 * - `{layer}`: 0 .. L − 1 for the L hidden layers of the model (an MLP's `depth`, counted by its
 *   `hidden.w`, `hidden2.w`… parameters), e.g. `mlp.hiddens` at `index: ["{layer}"]`;
 * - `{matrix}`: each parameter with two axes (the embedding table and every weight matrix, in
 *   ModelInfo's order; not biases or norm gains), e.g. `grad.{matrix}`;
 * - `{block}`: 0 .. N − 1 for the N Transformer blocks of a GPT (counted by its `block{i}.`
 *   parameters), e.g. `block{block}.attn.weights`: the reader may train a GPT of any depth.
 * A probe with none is kept as it is.
 */

/** A probe as a view declares it: an `index` entry may be the `{layer}` placeholder. */
export type ProbeTemplate = Probe extends infer P ? (P extends { index?: number[] } ? Omit<P, 'index'> & { index?: (number | string)[] } : P) : never;

/** The placeholders {@link expandProbes} knows. */
const LAYER = '{layer}';
const MATRIX = '{matrix}';
const BLOCK = '{block}';

/** A hidden layer's weight matrix: `hidden.w` (layer 0), `hidden2.w`, `hidden3.w`… */
const HIDDEN_WEIGHT = /^hidden\d*\.w$/;

/** The model's hidden layers. */
export function hiddenLayers(info: ModelInfo): number {
  return info.parameters.filter((p) => HIDDEN_WEIGHT.test(p.name)).length;
}

/** A GPT's Transformer blocks: one more than the highest `block{i}.` of its parameters (0 for other models). */
export function transformerBlocks(info: ModelInfo): number {
  let blocks = 0;
  for (const p of info.parameters) {
    const match = /^block(\d+)\./.exec(p.name);
    if (match) blocks = Math.max(blocks, Number(match[1]) + 1);
  }
  return blocks;
}

/** The model's parameter matrices, in its order. */
export function matrices(info: ModelInfo): string[] {
  return info.parameters.filter((p) => p.shape.length === 2).map((p) => p.name);
}

/** `probes` for the model `info` describes, every placeholder replaced (see above). */
export function expandProbes(probes: Readonly<Record<string, ProbeTemplate>>, info: ModelInfo): Record<string, Probe> {
  const out: Record<string, Probe> = {};
  const count = (n: number) => Array.from({ length: n }, (_, l) => String(l));
  for (const [name, probe] of Object.entries(probes)) {
    const text = `${name} ${JSON.stringify(probe)}`;
    const placeholder = [LAYER, MATRIX, BLOCK].find((p) => text.includes(p));
    if (!placeholder) {
      out[name] = probe as Probe;
      continue;
    }
    const values = placeholder === LAYER ? count(hiddenLayers(info)) : placeholder === BLOCK ? count(transformerBlocks(info)) : matrices(info);
    for (const value of values) out[name.replaceAll(placeholder, value)] = fill(probe, placeholder, value);
  }
  return out;
}

/** Whether a probe can be taken by `inspect` too: `update.` keys exist only while a watch follows training. */
export function inspectable(probe: Probe): boolean {
  const keys = [probe.key, 'relativeTo' in probe ? probe.relativeTo : undefined];
  return !keys.some((k) => k?.startsWith('update.'));
}

/** `probe` with `placeholder` replaced by `value` in its strings, and by the number in an `index` entry that is only the placeholder. */
function fill(probe: ProbeTemplate, placeholder: string, value: string): Probe {
  return JSON.parse(JSON.stringify(probe), (_, v: unknown) => {
    if (v === placeholder && placeholder === LAYER) return Number(value);
    return typeof v === 'string' ? v.replaceAll(placeholder, value) : v;
  }) as Probe;
}
