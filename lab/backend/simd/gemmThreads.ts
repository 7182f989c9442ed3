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
 * Helpers that run bands of the SIMD matmuls on tfjs's shared memory. Made once per wasm backend
 * (see {@link gemmThreadsFor}); helpers start in the background and join once their kernels are
 * instantiated; until then, and after any of them fails, the caller computes alone.
 */
export class GemmThreads {
  readonly #helpers: Helper[] = [];
  readonly #module: WebAssembly.Module;
  readonly #memory: WebAssembly.Memory;
  /** Atomics.wait is refused on a page's main thread: there the caller spins instead. */
  readonly #canBlock = typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== 'undefined';
  #url: string | undefined;
  #broken = false;

  /**
   * @param module our kernels, compiled for a shared memory.
   * @param memory tfjs's shared WebAssembly.Memory.
   */
  constructor(module: WebAssembly.Module, memory: WebAssembly.Memory) {
    this.#module = module;
    this.#memory = memory;
  }

  /** Whether this scope can run helpers on a shared memory at all. */
  static supported(memory: WebAssembly.Memory): boolean {
    return typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer && typeof Worker !== 'undefined' && typeof Blob !== 'undefined' && typeof URL.createObjectURL === 'function';
  }

  /**
   * C = A B on up to `threads` threads (the caller and threads - 1 helpers), split into bands of
   * rows (multiples of 4, the kernel's tile).
   */
  gemm(kernels: SimdExports, p: GemmArgs, threads: number): void {
    const parts = this.#parts(threads, p.m >= 8 ? p.m * p.k * p.n : 0);
    const band = Math.ceil(p.m / parts / 4) * 4;
    const bands = [...Array(parts).keys()].map((part): Band => {
      const first = Math.min(p.m, part * band);
      const rows = Math.min(p.m, first + band) - first;
      return { kind: GEMM, args: [p.a + first * p.aRow, p.aRow, p.aCol, p.b, p.c + first * p.n * 4, rows, p.k, p.n] };
    });
    this.#run(kernels, bands);
  }

  /** The channel matmul on up to `threads` threads, split into bands of channels. */
  channelMatMul(kernels: SimdExports, p: ChannelArgs, threads: number): void {
    const parts = this.#parts(threads, p.channels >= 2 ? p.channels * p.m * p.k * p.n : 0);
    const band = Math.ceil(p.channels / parts);
    const bands = [...Array(parts).keys()].map((part): Band => {
      const first = Math.min(p.channels, part * band);
      const count = Math.min(p.channels, first + band) - first;
      const at = first * p.n * 4;
      return { kind: CHANNELS, args: [p.a + first * p.aChannel, p.aRow, p.aCol, p.aChannel, p.filter + at, p.out + at, count, p.channels, p.m, p.k, p.n] };
    });
    this.#run(kernels, bands);
  }

  /** How many bands: 1 when the work (multiply-adds) is small, `threads` is 1 or the helpers are out of order. */
  #parts(threads: number, work: number): number {
    if (threads <= 1 || this.#broken || work < MIN_WORK) return 1;
    return 1 + this.#ready(threads - 1).length;
  }

  /** Runs the first band here and the others on ready helpers, then waits for them; a late helper's band is computed here. */
  #run(kernels: SimdExports, bands: Band[]): void {
    const helpers = this.#ready(bands.length - 1);
    const running = bands.slice(1).map((band, i) => this.#start(helpers[i]!, band));
    runBand(kernels, bands[0]!);
    running.forEach((h, i) => {
      if (h && !this.#finish(h)) runBand(kernels, bands[i + 1]!);
    });
  }

  /** Up to `count` helpers whose kernels are ready; starts the missing ones (they join later). */
  #ready(count: number): Helper[] {
    if (count <= 0) return [];
    while (!this.#broken && this.#helpers.length < count) this.#spawn();
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
      worker.postMessage({ module: this.#module, memory: this.#memory, control });
      this.#helpers.push({ worker, flags: new Int32Array(control, 0, 4), args: new Uint32Array(control, ARGS_AT, ARGS), job: 0 });
    } catch {
      this.#fail();
    }
  }

  /** Hands a band to a helper and wakes it; null for an empty band (no rows or no channels: nothing to do). */
  #start(h: Helper, band: Band): Helper | null {
    const count = band.kind === GEMM ? band.args[5]! : band.args[6]!;
    if (count <= 0) return null;
    h.args.set([band.kind, ...band.args]);
    h.job += 1;
    Atomics.store(h.flags, JOB, h.job);
    Atomics.notify(h.flags, JOB);
    return h;
  }

  /** Waits for a helper's band; false when it did not come in time (then every helper is dropped). */
  #finish(h: Helper): boolean {
    const deadline = performance.now() + HELPER_TIMEOUT_MS;
    while (Atomics.load(h.flags, DONE) !== h.job) {
      if (performance.now() > deadline) {
        this.#fail();
        return false;
      }
      if (this.#canBlock) Atomics.wait(h.flags, DONE, h.job - 1, 50);
    }
    return true;
  }

  /** Stops every helper; from now on the caller computes alone. */
  #fail(): void {
    this.#broken = true;
    for (const h of this.#helpers) {
      Atomics.store(h.flags, JOB, -1);
      Atomics.notify(h.flags, JOB);
      h.worker.terminate();
    }
    this.#helpers.length = 0;
  }
}
