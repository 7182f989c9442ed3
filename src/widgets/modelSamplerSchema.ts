import type { WorkerRequest } from '../../lab/worker/protocol';
import type { Values } from './urlState';

/**
 * The model sampler's settings besides its prompt (kept in the URL by urlText.ts), as they
 * appear in the URL (`sample.temp=0.8`). Issue 12's top-k, top-p and per-step distribution join
 * this table and {@link sampleRequest}; the element only shows what comes back.
 */
export const MODEL_SAMPLER_SCHEMA = {
  /** Divides the logits: 0 always picks the most likely character, 1 is the model's own distribution. */
  temp: { kind: 'float', default: 1, min: 0, max: 2 },
  /** Seed of the draws: the same seed and settings give the same samples. */
  seed: { kind: 'int', default: 1, min: 0, max: 999_999 },
  /** Samples per draw. */
  count: { kind: 'int', default: 10, min: 1, max: 30 },
} as const;

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
 * The sample request for the sampler's settings, for the model of job `jobId`: samples start at
 * the boundary, as every name and poem does, then the prompt's known characters.
 */
export function sampleRequest(jobId: number, values: ModelSamplerValues, prompt: string, maxLength: number): Extract<WorkerRequest, { type: 'sample' }> {
  return {
    type: 'sample',
    jobId,
    count: values.count,
    temperature: values.temp,
    seed: values.seed,
    maxLength,
    ...(prompt ? { prompt: `${BOUNDARY}${prompt}` } : {}),
  };
}

/** Punctuation that ends a line of a Tang poem as the model writes it. */
const LINE_END = /(?<=[，。！？；、])/u;

/** A sampled poem's lines: broken after each punctuation mark the model wrote, wherever it wrote them. */
export function poemLines(poem: string): string[] {
  return poem.split(LINE_END).filter((line) => line.length > 0);
}
