/**
 * The names of the course's tfjs backends, and what a probe of one reports: plain data that a
 * page can import without loading tfjs (the page's own code never does; only workers do).
 */

/** The tfjs backends the course can train on, fastest-first on typical hardware. */
export const BACKEND_NAMES = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/** Whether `name` is a backend of the course (for untrusted input such as URLs). */
export function isBackendName(name: string): name is BackendName {
  return (BACKEND_NAMES as readonly string[]).includes(name);
}

/** What probing one backend found. */
export interface ProbeResult {
  name: BackendName;
  /** Whether the backend initialized and ran the workload. */
  ok: boolean;
  /** Milliseconds per run of the workload, after a warm-up run (when ok). */
  ms?: number;
  /** Why it failed (when not ok). */
  error?: string;
  /** Timed steps behind `ms`: fewer than planned once the backend could no longer be the fastest. */
  steps?: number;
  /** The loss read back at each step, warm-up first: it falls, since the probe really trains. */
  losses?: number[];
  /** Milliseconds the whole probe of this backend took: start-up, warm-up (shader compilation) and timed steps. */
  totalMs?: number;
  /**
   * Set (with ok false) on a backend that started but was left untimed as too slow to train on:
   * its warm-up step ran past the probe's limit, or it runs on the CPU, where wasm is faster.
   */
  slow?: boolean;
  /** The device behind a GPU backend, as the browser names it (WebGL renderer, WebGPU adapter). */
  renderer?: string;
}

/**
 * The global through which the lab sizes the pthread pool of tfjs's threaded wasm module, whose
 * compiled glue otherwise starts 8 workers: astro.config.mjs rewrites the glue to read it, and
 * lab/backend/register.ts sets it before the module starts.
 */
export const WASM_POOL_SIZE_GLOBAL = '__labWasmPthreadPoolSize';

/**
 * What the backend probe trains: the course's MLP (embedding, tanh hidden layer, logits), with
 * the same kernels as real training and half the names MLP recipe's arithmetic per step, on one
 * batch of `batch.batchSize` sequences of `batch.length` tokens. Sized by measurement
 * (scripts/probe-backends.ts): an MLP 16 times smaller is all per-kernel overhead and rates
 * SwiftShader's WebGL as fast as wasm, where training is 5 to 11 times slower. Here rather than
 * in probe.ts so that a page can turn a probe's milliseconds into a rate without loading tfjs.
 */
export const PROBE_WORKLOAD = {
  model: { vocabSize: 32, blockSize: 4, embedDim: 32, hiddenDim: 512, norm: 'none', seed: 1 },
  batch: { batchSize: 32, length: 16 },
} as const;
