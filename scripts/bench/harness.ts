/**
 * Page-side helpers shared by the two benchmark pages (ours.ts, peer.ts): reporting to the
 * driver, describing the browser, the matmul probe and the step clock. No model code here.
 */
import type * as tfType from '@tensorflow/tfjs-core';
import type { BenchMessage, KernelTime, PageOptions, WasmInfo } from './protocol';

declare global {
  interface Window {
    /** Exposed by scripts/bench-gpt.mjs (Playwright's exposeFunction) before the page loads. */
    benchReport?: (message: BenchMessage) => Promise<void>;
  }
}

/** Sends one message to the driver; a no-op when the page is opened by hand. */
export function report(message: BenchMessage): Promise<void> {
  if (!window.benchReport) {
    console.log('[bench]', JSON.stringify(message));
    return Promise.resolve();
  }
  return window.benchReport(message);
}

/** The first line of an error's message. */
export function errorMessage(err: unknown): string {
  const text = err instanceof Error ? err.message : typeof err === 'object' && err && 'message' in err ? String(err.message) : String(err);
  return text.split('\n')[0] ?? text;
}

/** Minimal typing of navigator.gpu, which TypeScript's DOM library lacks. */
interface GpuNavigator {
  gpu?: { requestAdapter(): Promise<{ info?: { vendor?: string; architecture?: string; isFallbackAdapter?: boolean } } | null> };
}

/** What the browser offers besides the backend itself: WebGL2's renderer and WebGPU's adapter. */
export async function describeBrowser(): Promise<{ webgl2Renderer: string | null; webgpuAdapter: string | null }> {
  let webgl2Renderer: string | null = null;
  const gl = document.createElement('canvas').getContext('webgl2');
  if (gl) {
    const debug = gl.getExtension('WEBGL_debug_renderer_info');
    webgl2Renderer = String(gl.getParameter(debug ? debug.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
    gl.getExtension('WEBGL_lose_context')?.loseContext(); // free the context: tfjs makes its own
  }
  let webgpuAdapter: string | null = null;
  const gpu = (navigator as unknown as GpuNavigator).gpu;
  const adapter = gpu ? await gpu.requestAdapter().catch(() => null) : null;
  if (adapter) webgpuAdapter = `${adapter.info?.vendor || '?'}/${adapter.info?.architecture || '?'}${adapter.info?.isFallbackAdapter ? ' (fallback)' : ''}`;
  return { webgl2Renderer, webgpuAdapter };
}

/** How tfjs's wasm backend came up; call once the backend is ready. */
export async function wasmInfo(tf: typeof tfType, getThreadsCount: () => number): Promise<WasmInfo> {
  return {
    threads: getThreadsCount(),
    multithread: Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')),
    simd: Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')),
  };
}

/**
 * The backend's float32 matmul rate, the ceiling a model made of matmuls can approach:
 * (N, N) x (N, N) after a warm-up (shader compilation), repeated for about a second and read
 * back once at the end. GFLOP/s = 2N³ / time per matmul.
 */
export async function matmulProbe(tf: typeof tfType, n: number): Promise<Extract<BenchMessage, { type: 'matmul' }>> {
  const a = tf.randomNormal([n, n], 0, 1, 'float32', 1); // (N, N)
  const b = tf.randomNormal([n, n], 0, 1, 'float32', 2); // (N, N)
  const once = async () => {
    const c = tf.matMul(a, b); // (N, N)
    await c.data();
    c.dispose();
  };
  try {
    await once();
    let start = performance.now();
    await once();
    let ms = performance.now() - start;
    const iters = Math.max(1, Math.min(50, Math.ceil(1000 / ms)));
    if (iters > 1) {
      start = performance.now();
      let c: tfType.Tensor | undefined;
      for (let i = 0; i < iters; i++) {
        c?.dispose();
        c = tf.matMul(a, b); // (N, N)
      }
      await c!.data();
      c!.dispose();
      ms = (performance.now() - start) / iters;
    }
    return { type: 'matmul', n, iters, msPerMatmul: round(ms, 3), gflops: round((2 * n ** 3) / (ms * 1e6), 3) };
  } finally {
    a.dispose();
    b.dispose();
  }
}

/**
 * Runs `fn` under tf.profile and sums the time of each kernel name, slowest first. On a GPU
 * backend profiling times every kernel separately, so the sum is not the step's usual time.
 * tf.customGrad blocks show up as `unnamed scope` around kernels that are also listed on their
 * own; they are left out so that no time counts twice.
 */
export async function profileKernels(tf: typeof tfType, fn: () => Promise<void>): Promise<Extract<BenchMessage, { type: 'profile' }>> {
  const start = performance.now();
  const info = await tf.profile(fn);
  const wallMs = performance.now() - start;
  const byName = new Map<string, KernelTime>();
  for (const kernel of info.kernels) {
    if (kernel.name === 'unnamed scope') continue;
    const time = await kernel.kernelTimeMs;
    const entry = byName.get(kernel.name) ?? { name: kernel.name, calls: 0, ms: 0 };
    entry.calls += 1;
    entry.ms = typeof time === 'number' && entry.ms !== null ? entry.ms + time : null;
    byName.set(kernel.name, entry);
  }
  const kernels = [...byName.values()].map((k) => ({ ...k, ms: k.ms === null ? null : round(k.ms, 2) }));
  kernels.sort((a, b) => (b.ms ?? 0) - (a.ms ?? 0) || b.calls - a.calls);
  return { type: 'profile', wallMs: round(wallMs, 1), kernels };
}

/**
 * The step clock: call `tick(loss)` after every optimizer step (loss already read back); it
 * reports the step with the time since the previous one and returns whether to go on, i.e.
 * false once `steps + 1` steps are done (the first is the warm-up) or the time limit is reached.
 */
export function stepClock(options: Pick<PageOptions, 'steps' | 'limitMs'>): { tick(loss: number): boolean; stoppedByLimit(): boolean } {
  let last = performance.now();
  let step = 0;
  let byLimit = false;
  return {
    tick(loss) {
      const now = performance.now();
      step += 1;
      void report({ type: 'step', step, loss, ms: round(now - last, 2) });
      last = now;
      if (step >= options.steps + 1) return false;
      if (now >= options.limitMs) {
        byLimit = true;
        return false;
      }
      return true;
    },
    stoppedByLimit: () => byLimit,
  };
}

/** `x` rounded to `digits` decimals. */
export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
