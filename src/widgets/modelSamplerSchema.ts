import type { WorkerRequest } from '../../lab/worker/protocol';
import type { Values } from './urlState';

/**
 * The model sampler's settings besides its prompt (kept in the URL by urlText.ts), as they
 * appear in the URL (`sample.temp=0.8`): what {@link drawRequest} asks the worker for; the
 * element only shows what comes back.
 */
export const MODEL_SAMPLER_SCHEMA = {
  /** Divides the logits: 0 always picks the most likely character, 1 is the model's own distribution. */
  temp: { kind: 'float', default: 1, min: 0, max: 2 },
  /** Seed of the draws: the same seed and settings give the same samples. */
  seed: { kind: 'int', default: 1, min: 0, max: 999_999 },
  /** Samples per draw. */
  count: { kind: 'int', default: 10, min: 1, max: 30 },
  /** Top-k: draw only among the k most likely characters (0: all of them). */
  topk: { kind: 'int', default: 0, min: 0, max: 500 },
  /** Top-p (nucleus): draw only among the fewest most likely characters whose probabilities reach p (1: all). */
  topp: { kind: 'float', default: 1, min: 0.05, max: 1 },
} as const;

/** Characters of each drawn character's distribution the sampler lists (the rest as one row). */
export const DISTRIBUTION_TOP = 10;

export type ModelSamplerValues = Values<typeof MODEL_SAMPLER_SCHEMA>;

/** Most characters of a prompt: a name's start, or a poem's first line or two. */
export const MAX_PROMPT = 12;

/** The boundary token a line model reads first (a name or a poem starts after it): CharTokenizer.BOUNDARY. */
const BOUNDARY = '\n';

/** A prompt as the model can read it: the characters it knows, and those left out. */
export interface ReadPrompt {
  /** The characters the model knows, in order. */
  known: string;
  /** The characters left out, in order, each once. */
  skipped: string[];
}

/** Splits a typed prompt into what a model of `vocab` reads and what it does not know (the boundary is never typed). */
export function readPrompt(prompt: string, vocab: readonly string[]): ReadPrompt {
  const known = new Set(vocab.filter((c) => c !== BOUNDARY));
  const chars = [...prompt];
  return { known: chars.filter((c) => known.has(c)).join(''), skipped: [...new Set(chars.filter((c) => !known.has(c)))] };
}

/**
 * The sample request of a sampler's settings (count, temperature, seed; top-k and top-p when
 * given and not "all"), for the model of job `jobId`: samples start at the boundary, as every
 * name and poem does, then the prompt's known characters. With `distributions` n > 0 the worker
 * answers each drawn character's n most likely characters too. Both samplers' requests (the
 * n-gram's, samplerSchema.ts, has no prompt).
 */
export function drawRequest(
  jobId: number,
  values: Pick<ModelSamplerValues, 'count' | 'temp' | 'seed'> & Partial<Pick<ModelSamplerValues, 'topk' | 'topp'>>,
  prompt: string,
  maxLength: number,
  distributions = 0,
): Extract<WorkerRequest, { type: 'sample' }> {
  return {
    type: 'sample',
    jobId,
    count: values.count,
    temperature: values.temp,
    seed: values.seed,
    maxLength,
    ...(prompt ? { prompt: `${BOUNDARY}${prompt}` } : {}),
    ...(values.topk ? { topK: values.topk } : {}),
    ...(values.topp !== undefined && values.topp < 1 ? { topP: values.topp } : {}),
    ...(distributions > 0 ? { distributions } : {}),
  };
}

/** Punctuation that ends a line of a Tang poem as the model writes it. */
const LINE_END = /(?<=[，。！？；、])/u;

/** A sampled poem's lines: broken after each punctuation mark the model wrote, wherever it wrote them. */
export function poemLines(poem: string): string[] {
  return poem.split(LINE_END).filter((line) => line.length > 0);
}

/** A drawn character of the shown samples: the sample's index and the character's among those drawn. */
export interface SamplePick {
  sample: number;
  char: number;
}

/**
 * Where a key moves the picked character among samples of `lengths` drawn characters: ← and →
 * along a sample (on to the next or previous sample at its ends), ↑ and ↓ to the same place of
 * the previous or next sample that has one (its last character if shorter), Home and End to a
 * sample's ends. Samples with no drawn character are passed over.
 * @returns the new pick, or undefined for another key or no move.
 */
export function pickAfterKey(at: SamplePick, key: string, lengths: readonly number[]): SamplePick | undefined {
  const last = (sample: number) => (lengths[sample] ?? 0) - 1;
  const nextSample = (from: number, step: 1 | -1) => {
    for (let s = from + step; s >= 0 && s < lengths.length; s += step) if ((lengths[s] ?? 0) > 0) return s;
    return undefined;
  };
  let to: SamplePick | undefined;
  switch (key) {
    case 'ArrowRight': {
      const s = at.char < last(at.sample) ? at.sample : nextSample(at.sample, 1);
      to = s === undefined ? undefined : { sample: s, char: s === at.sample ? at.char + 1 : 0 };
      break;
    }
    case 'ArrowLeft': {
      const s = at.char > 0 ? at.sample : nextSample(at.sample, -1);
      to = s === undefined ? undefined : { sample: s, char: s === at.sample ? at.char - 1 : last(s) };
      break;
    }
    case 'ArrowDown':
    case 'ArrowUp': {
      const s = nextSample(at.sample, key === 'ArrowDown' ? 1 : -1);
      to = s === undefined ? undefined : { sample: s, char: Math.min(at.char, last(s)) };
      break;
    }
    case 'Home':
      to = { sample: at.sample, char: 0 };
      break;
    case 'End':
      to = { sample: at.sample, char: Math.max(0, last(at.sample)) };
      break;
  }
  return to && (to.sample !== at.sample || to.char !== at.char) ? to : undefined;
}
