// The SIMD matmuls on more than one core. tfjs's threaded wasm build keeps its heap in a shared
// WebAssembly.Memory; a helper Web Worker instantiates our kernels on that same memory and
// computes a band of C's rows while the calling thread computes the rest. Each output is summed
// by the same kernel in the same order wherever it is computed, so the result does not depend on
// how many threads ran it (nor on whether a helper was ready yet).
import type { SimdExports } from './simdKernels';

/** The gemm's arguments, as {@link SimdExports.gemm} takes them: byte offsets and counts. */
export interface GemmArgs {
  a: number;
  aRow: number;
  aCol: number;
  b: number;
  c: number;
  m: number;
  k: number;
  n: number;
}

/** The channel matmul's arguments, as {@link SimdExports.channelMatMul} takes them (all channels: channels = total). */
export interface ChannelArgs {
  a: number;
  aRow: number;
  aCol: number;
  aChannel: number;
  filter: number;
  out: number;
  channels: number;
  m: number;
  k: number;
  n: number;
}

/** One band of work: which kernel, and its arguments in the order it takes them. */
type Band = { kind: typeof GEMM | typeof CHANNELS; args: number[] };
const GEMM = 0;
const CHANNELS = 1;

/** Runs one band on this thread. */
function runBand(kernels: SimdExports, { kind, args }: Band): void {
  if (kind === GEMM) kernels.gemm(...(args as Parameters<SimdExports['gemm']>));
  else kernels.channelMatMul(...(args as Parameters<SimdExports['channelMatMul']>));
}

/** `total` items cut into `parts` runs of a multiple of `multiple` items: [first, count] of each run that is not empty. */
function cut(total: number, parts: number, multiple: number): [number, number][] {
  const size = Math.ceil(total / parts / multiple) * multiple;
  const runs: [number, number][] = [];
  for (let first = 0; first < total; first += size) runs.push([first, Math.min(size, total - first)]);
  return runs;
}

/** Multiply-adds below which one thread does it all: waking a helper costs tens of microseconds. */
const MIN_WORK = 1 << 18;
/** Longest a caller waits for a helper's band before it computes that band itself and drops the helper. */
const HELPER_TIMEOUT_MS = 5000;

// The control block each helper shares with its caller: Int32 flags, then the job's arguments.
const JOB = 0; // the job's number, raised by the caller (-1: stop)
const DONE = 1; // the number of the last job the helper finished
const READY = 2; // 1 once the helper's kernels are instantiated
const ARGS_AT = 16; // bytes: the band's kind then its arguments (Uint32) follow the flags
const ARGS = 12;

/**
 * A helper's script: given tfjs's memory, our compiled kernels and its control block, it
 * instantiates the kernels on that memory, says it is ready, then sleeps on JOB and runs each
 * job it is woken for (Atomics.wait is allowed in a worker).
 */
const HELPER_SOURCE = `
onmessage = (e) => {
  const { module, memory, control } = e.data;
  const k = new WebAssembly.Instance(module, { env: { memory } }).exports;
  const flags = new Int32Array(control, 0, 4);
  const args = new Uint32Array(control, ${ARGS_AT}, ${ARGS});
  Atomics.store(flags, ${READY}, 1);
  let seen = 0;
  for (;;) {
    Atomics.wait(flags, ${JOB}, seen);
    seen = Atomics.load(flags, ${JOB});
    if (seen < 0) return close();
    const a = Array.from(args.subarray(1));
    if (args[0] === ${GEMM}) k.gemm(...a.slice(0, 8));
    else k.channelMatMul(...a.slice(0, 11));
    Atomics.store(flags, ${DONE}, seen);
    Atomics.notify(flags, ${DONE});
  }
};
`;

/** One helper worker and the views of its control block. */
interface Helper {
  worker: Worker;
  flags: Int32Array;
  args: Uint32Array;
  job: number;
}

/**
 * Runs the SIMD matmuls, in bands on helper threads sharing tfjs's memory where it is shared (the
 * threaded build, in a cross-origin isolated page or worker), else on the calling thread alone.
 * Made once per wasm backend (simdKernels.ts); helpers start in the background and join once
 * their kernels are instantiated; until then, and after any of them fails, the caller computes
 * alone.
 */
export class GemmThreads {
  readonly #helpers: Helper[] = [];
  readonly #memory: WebAssembly.Memory;
  readonly #compile: () => WebAssembly.Module;
  #module: WebAssembly.Module | undefined;
  /** Atomics.wait is refused on a page's main thread: there the caller spins instead. */
  readonly #canBlock = typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== 'undefined';
  #url: string | undefined;
  /** False where helpers cannot run (memory not shared, no Worker), or once one failed. */
  #helpersAllowed: boolean;

  /**
   * @param memory tfjs's WebAssembly.Memory.
   * @param compile our kernels, compiled for a shared memory (called when the first helper starts).
   */
  constructor(memory: WebAssembly.Memory, compile: () => WebAssembly.Module) {
    this.#memory = memory;
    this.#compile = compile;
    this.#helpersAllowed = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer && typeof Worker !== 'undefined' && typeof Blob !== 'undefined' && typeof URL.createObjectURL === 'function';
  }

  /**
   * C = A B on up to `threads` threads (the caller and threads - 1 helpers), split into bands of
   * rows (multiples of 4, the kernel's tile).
   */
  gemm(kernels: SimdExports, p: GemmArgs, threads: number): void {
    const helpers = this.#helpersFor(threads, p.m >= 8 ? p.m * p.k * p.n : 0);
    const bands = cut(p.m, helpers.length + 1, 4).map(([first, rows]): Band => ({
      kind: GEMM,
      args: [p.a + first * p.aRow, p.aRow, p.aCol, p.b, p.c + first * p.n * 4, rows, p.k, p.n],
    }));
    this.#run(kernels, bands, helpers);
  }

  /** The channel matmul on up to `threads` threads, split into bands of channels. */
  channelMatMul(kernels: SimdExports, p: ChannelArgs, threads: number): void {
    const helpers = this.#helpersFor(threads, p.channels >= 2 ? p.channels * p.m * p.k * p.n : 0);
    const bands = cut(p.channels, helpers.length + 1, 1).map(([first, count]): Band => ({
      kind: CHANNELS,
      args: [p.a + first * p.aChannel, p.aRow, p.aCol, p.aChannel, p.filter + first * p.n * 4, p.out + first * p.n * 4, count, p.channels, p.m, p.k, p.n],
    }));
    this.#run(kernels, bands, helpers);
  }

  /** The ready helpers for work of `threads` threads: none when the work (multiply-adds) is small or `threads` is 1. */
  #helpersFor(threads: number, work: number): Helper[] {
    return threads > 1 && work >= MIN_WORK ? this.#ready(threads - 1) : [];
  }

  /** Runs the first band here and the others on `helpers`, then waits for them; a late helper's band is computed here. */
  #run(kernels: SimdExports, bands: Band[], helpers: Helper[]): void {
    const running = bands.slice(1).map((band, i) => this.#start(helpers[i]!, band));
    runBand(kernels, bands[0]!);
    running.forEach((h, i) => {
      if (!this.#finish(h)) runBand(kernels, bands[i + 1]!);
    });
  }

  /** Up to `count` helpers whose kernels are ready; starts the missing ones (they join later). */
  #ready(count: number): Helper[] {
    while (this.#helpersAllowed && this.#helpers.length < count) this.#spawn();
    return this.#helpers.slice(0, count).filter((h) => Atomics.load(h.flags, READY) === 1);
  }

  #spawn(): void {
    try {
      this.#url ??= URL.createObjectURL(new Blob([HELPER_SOURCE], { type: 'text/javascript' }));
      const control = new SharedArrayBuffer(ARGS_AT + ARGS * 4);
      const worker = new Worker(this.#url);
      worker.onerror = (e) => {
        e.preventDefault();
        this.#fail();
      };
      this.#module ??= this.#compile();
      worker.postMessage({ module: this.#module, memory: this.#memory, control });
      this.#helpers.push({ worker, flags: new Int32Array(control, 0, 4), args: new Uint32Array(control, ARGS_AT, ARGS), job: 0 });
    } catch {
      this.#fail();
    }
  }

  /** Hands a band to a helper and wakes it. */
  #start(h: Helper, band: Band): Helper {
    h.args.set([band.kind, ...band.args]);
    h.job += 1;
    Atomics.store(h.flags, JOB, h.job);
    Atomics.notify(h.flags, JOB);
    return h;
  }

  /** Waits for a helper's band; false when it did not come in time, or the helpers were dropped meanwhile (then every helper is dropped). */
  #finish(h: Helper): boolean {
    const deadline = performance.now() + HELPER_TIMEOUT_MS;
    while (Atomics.load(h.flags, DONE) !== h.job) {
      if (!this.#helpersAllowed || performance.now() > deadline) {
        this.#fail();
        return false;
      }
      if (this.#canBlock) Atomics.wait(h.flags, DONE, h.job - 1, 50);
    }
    return true;
  }

  /** Stops every helper; from now on the caller computes alone. */
  #fail(): void {
    this.#helpersAllowed = false;
    for (const h of this.#helpers) {
      Atomics.store(h.flags, JOB, -1);
      Atomics.notify(h.flags, JOB);
      h.worker.terminate();
    }
    this.#helpers.length = 0;
  }
}
