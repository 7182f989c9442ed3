/**
 * What a benchmark page reads from its URL and what it reports to scripts/bench-gpt.mjs, which
 * receives every message through a function it exposes to the page (`window.benchReport`).
 * A page reports as it goes, so that a run cut short by its time limit still says how far it got.
 */
import type { ThreadChoice } from '../../lab/backend/threads';

/** The settings of one run, all in the page's URL (`?backend=wasm&steps=20&...`). */
export interface PageOptions {
  /** tfjs backend to train on: webgpu, webgl, wasm or cpu. */
  backend: string;
  /** Timed optimizer steps, after one untimed warm-up step. */
  steps: number;
  /** Milliseconds after page start after which no new training step starts. */
  limitMs: number;
  /** Side of the N x N float32 matmul probe; 0 skips it. */
  matmul: number;
  /** Sequences per batch (B). */
  batch: number;
  /** Tokens per sequence and the model's context (T). */
  block: number;
  /** Transformer blocks. */
  layers: number;
  /** Attention heads per block. */
  heads: number;
  /** Width of the residual stream (C). */
  embd: number;
  /** Learning rate of the optimizer. */
  lr: number;
  /** Profile one more training step after the timed ones (tf.profile) and report its kernels. */
  profile: boolean;
  /**
   * wasm threads for ours: `auto` asks `chooseWasmThreads` (lab/backend/threads.ts), as the
   * site's worker does; a number asks for that many. A page without cross-origin isolation has
   * 1 thread whatever is asked. The peer's page ignores it.
   */
  threads: 'auto' | number;
}

/** Reads {@link PageOptions} from a query string; throws on a missing or non-numeric field. */
export function parsePageOptions(search: string): PageOptions {
  const params = new URLSearchParams(search);
  const num = (key: string): number => {
    const value = Number(params.get(key));
    if (!params.has(key) || !Number.isFinite(value)) throw new Error(`the page URL needs a numeric ${key}`);
    return value;
  };
  return {
    backend: params.get('backend') ?? 'cpu',
    steps: num('steps'),
    limitMs: num('limitMs'),
    matmul: num('matmul'),
    batch: num('batch'),
    block: num('block'),
    layers: num('layers'),
    heads: num('heads'),
    embd: num('embd'),
    lr: num('lr'),
    profile: params.get('profile') === '1',
    threads: parseThreads(params.get('threads')),
  };
}

/** `threads=auto` (the default) or a whole number from 1 to 8 (tfjs's pool holds at most 8). */
function parseThreads(value: string | null): 'auto' | number {
  if (value === null || value === 'auto') return 'auto';
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 8) throw new Error(`threads must be auto or 1 to 8, not ${value}`);
  return n;
}

/** How ours sized its wasm thread pool: what was asked, what was chosen, and why. */
export interface ThreadReport {
  /** The page's `threads` setting. */
  requested: 'auto' | number;
  /** Threads registered with tfjs (the page runs 1 all the same without cross-origin isolation). */
  threads: number;
  /** Logical cores the page saw (`navigator.hardwareConcurrency`). */
  cores: number;
  /** Cores `chooseWasmThreads` found free (`cores` where it measured nothing or was not asked). */
  freeCores: number;
  /** Milliseconds `chooseWasmThreads` took (0 where it measured nothing or was not asked). */
  measuredMs: number;
  /** Why that count: `chooseWasmThreads`'s reason, or `fixed` (a number in the URL). */
  reason: ThreadChoice['reason'] | 'fixed';
  /** The most threads the policy allows (`chooseWasmThreads`'s), where it measured. */
  policy?: number;
}

/** How the wasm backend came up. */
export interface WasmInfo {
  /**
   * Threads XNNPACK uses: 1 without SharedArrayBuffer (without cross-origin isolation), else
   * tfjs's default of half the logical cores, at most 8 (setThreadsCount cannot go higher).
   */
  threads: number;
  /** tfjs's WASM_HAS_MULTITHREAD_SUPPORT: SharedArrayBuffer and wasm threads available. */
  multithread: boolean;
  /** tfjs's WASM_HAS_SIMD_SUPPORT. */
  simd: boolean;
}

/** Time a kernel took over one profiled step, all its calls together. */
export interface KernelTime {
  /** tfjs kernel name, e.g. `BatchMatMul`, `Conv2D`. */
  name: string;
  /** Calls in the step. */
  calls: number;
  /** Milliseconds in total; null where the backend cannot time kernels (WebGL without timer queries). */
  ms: number | null;
}

/** One message from a page; `type` tells which. */
export type BenchMessage =
  /** The backend is up; what the page runs on. */
  | {
      type: 'env';
      backend: string;
      crossOriginIsolated: boolean;
      hardwareConcurrency: number;
      userAgent: string;
      /** Unmasked WebGL2 renderer string, or null without WebGL2. */
      webgl2Renderer: string | null;
      /** WebGPU adapter vendor/architecture, or null without one. */
      webgpuAdapter: string | null;
      wasm?: WasmInfo;
      /** Ours on wasm only: how the thread count was chosen. */
      threadChoice?: ThreadReport;
    }
  /** The matmul probe: float32 (N, N) x (N, N) on the page's backend; GFLOP/s = 2N³ / time. */
  | { type: 'matmul'; n: number; iters: number; msPerMatmul: number; gflops: number }
  /** The model is built and about to train. */
  | { type: 'ready'; backend: string; params: number; vocabSize: number; setupMs: number; note?: string; threadChoice?: ThreadReport }
  /** Time per kernel name over one profiled training step, slowest first. */
  | { type: 'profile'; wallMs: number; kernels: KernelTime[] }
  /** One optimizer step, its loss read back; `ms` since the end of the previous step (or the start). */
  | { type: 'step'; step: number; loss: number; ms: number }
  /** Training ended (steps done or time limit reached). */
  | { type: 'trained'; stoppedByLimit: boolean }
  /** The page has nothing more to report; always the last message. */
  | { type: 'done' }
  /** Something failed; `phase` says where. The page goes on to what does not depend on it. */
  | { type: 'error'; phase: 'backend' | 'probe' | 'setup' | 'train'; message: string };

/** The element types of {@link BenchMessage}'s `type`. */
export type BenchMessageType = BenchMessage['type'];
