/**
 * Threads for tfjs's wasm backend (XNNPACK) on a machine with `cores` logical cores: half of
 * them, as tfjs does by default (the other half are usually hyper-threads, and the page needs
 * one), but at least 2 where there are 2: on a 2-core machine tfjs's default of 1 thread leaves
 * half the machine idle. There 2 threads train a GPT 1.14-1.16 times faster when the machine is
 * otherwise idle, but 0.48 times as fast while another process holds a core (docs/BENCH.md).
 * At most 8, the size of tfjs's thread pool. Threads exist only in a cross-origin isolated page
 * or worker.
 */
export function wasmThreads(cores: number): number {
  return Math.max(1, Math.min(8, Math.max(Math.min(cores, 2), Math.floor(cores / 2))));
}

/** What {@link chooseWasmThreads} decided, and from what. */
export interface ThreadChoice {
  /** Threads to give tfjs's wasm backend. */
  threads: number;
  /** Logical cores the machine reports. */
  cores: number;
  /** Cores found free by the measurement (equal to `cores` when nothing was measured). */
  freeCores: number;
  /** Milliseconds the measurement took (0 when nothing was measured). */
  measuredMs: number;
  /**
   * Why: `measured`; `policy` (nothing measured, or the measurement failed: the fixed policy of
   * {@link wasmThreads}); `forced` (a setting named the count); `not-isolated` (the page is not
   * cross-origin isolated, so tfjs's wasm backend has no threads: 1).
   */
  reason: 'measured' | 'policy' | 'forced' | 'not-isolated';
  /** The count of the fixed policy on this machine, the most the measurement may give. */
  policy: number;
}

/**
 * The thread settings of registerBackends for a choice: its count, and a pthread pool for the
 * policy's count where the count was measured, so that a later measurement can go back up.
 */
export function poolSettingsFor(choice: { threads: number; reason: string; policy?: number }): { threads: number; maxThreads: number } {
  return { threads: choice.threads, maxThreads: choice.reason === 'measured' && choice.policy ? choice.policy : choice.threads };
}

/** Threads asked for: `auto` measures; a number is used as it is (clamped to 1..8). */
export type ThreadSetting = 'auto' | number;

/** Reads a `threads` setting (`auto`, `1`, `2`, ...); anything else is `auto`. */
export function parseThreadSetting(text: string | null | undefined): ThreadSetting {
  const n = Number(text);
  return Number.isInteger(n) && n >= 1 && n <= 8 ? n : 'auto';
}

/**
 * How fast a busy loop ran in helper threads: one helper alone, then `group` helpers at once
 * (several such rounds: {@link freeCoresOf} keeps the worst). Rates are loop iterations per
 * millisecond; only their ratios matter.
 */
export interface CoreSample {
  /** One helper's rate while it ran alone (per round: a number, or an array of them). */
  solo: number | number[];
  /** Each helper's rate while the whole group ran at the same time (per round: an array of rates, or arrays of them). */
  together: number[] | number[][];
  /** Milliseconds the measurement took, helpers' start-up included. */
  ms: number;
}

/** Measures {@link CoreSample} with `group` helpers (injected in tests). */
export type CoreMeasure = (group: number) => Promise<CoreSample>;

/** Options of {@link chooseWasmThreads}; everything defaults to the real environment. */
export interface ChooseThreadsOptions {
  /** `auto` (the default) measures; a number forces the count. */
  setting?: ThreadSetting;
  /** Whether the scope is cross-origin isolated (`crossOriginIsolated`); threads need it. */
  isolated?: boolean;
  /** The measurement; by default {@link measureWithWorkers} where Web Workers exist, else none (the policy). */
  measure?: CoreMeasure;
}

/**
 * How much of a core a thread must lose, summed over the group, before a thread is dropped:
 * 2 threads need 1.7 cores' worth (each at 85% or more of its solo speed). Another process busy
 * on one of 2 cores leaves each of our 2 threads 2/3 of a core (1.33 in all), where 2 threads
 * train at 0.48 times the speed of 1 (docs/BENCH.md): XNNPACK's threads wait for the slowest.
 * The 15% spare covers turbo clocks, which run one thread alone faster than two together.
 */
const FREE_CORE_MARGIN = 0.3;

/**
 * Cores found free: each helper of the group counts for its speed together relative to alone,
 * at most 1; of several rounds, the worst (the load of a shared machine changes from one
 * scheduler slice to the next, and one lucky round must not give a thread that then waits).
 */
export function freeCoresOf(sample: CoreSample): number {
  const solos = Array.isArray(sample.solo) ? sample.solo : [sample.solo];
  const rounds = (Array.isArray(sample.together[0]) ? sample.together : [sample.together]) as number[][];
  if (rounds.length === 0 || rounds.length !== solos.length) return 0;
  return Math.min(
    ...rounds.map((together, i) => {
      const solo = solos[i]!;
      if (!(solo > 0)) return 0;
      return together.reduce((sum, rate) => sum + Math.min(1, Math.max(0, rate) / solo), 0);
    }),
  );
}

/** Threads for `freeCores` free cores: the policy's count at most, at least 1 (see {@link FREE_CORE_MARGIN}). */
export function threadsFor(policy: number, freeCores: number): number {
  return Math.max(1, Math.min(policy, Math.floor(freeCores + FREE_CORE_MARGIN)));
}

/**
 * The wasm thread count for a run on this machine now: the fixed policy ({@link wasmThreads}),
 * lowered to the cores that a short measurement finds free. Only a group as large as the policy
 * is measured, so on a 2-core machine the answer is 1 or 2; 1 when the page is not cross-origin
 * isolated, or the machine has one core. About 150 ms (four 25 ms busy loops and the helpers'
 * start-up; 150-250 ms on a loaded machine); where no measurement is possible (Node without `measure`) or it fails, the policy.
 * @param cores logical cores (`navigator.hardwareConcurrency`).
 */
export async function chooseWasmThreads(cores: number, options: ChooseThreadsOptions = {}): Promise<ThreadChoice> {
  const policy = wasmThreads(cores);
  const isolated = options.isolated ?? (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated ?? true;
  const unmeasured = { cores, freeCores: cores, measuredMs: 0, policy };
  if (!isolated) return { ...unmeasured, threads: 1, reason: 'not-isolated' };
  const setting = options.setting ?? 'auto';
  if (setting !== 'auto') return { ...unmeasured, threads: Math.max(1, Math.min(8, Math.round(setting))), reason: 'forced' };
  const measure = options.measure ?? (canMeasure() ? measureWithWorkers : undefined);
  if (policy <= 1 || !measure) return { ...unmeasured, threads: policy, reason: 'policy' };
  try {
    const sample = await measure(policy);
    const freeCores = freeCoresOf(sample);
    return { threads: threadsFor(policy, freeCores), cores, freeCores: round2(freeCores), measuredMs: Math.round(sample.ms), reason: 'measured', policy };
  } catch {
    return { ...unmeasured, threads: policy, reason: 'policy' };
  }
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/** Whether this scope can start the helpers of {@link measureWithWorkers}. */
function canMeasure(): boolean {
  return typeof Worker !== 'undefined' && typeof Blob !== 'undefined' && typeof URL.createObjectURL === 'function';
}

/** Milliseconds each busy loop runs: long enough for the scheduler to share a core (a few slices), short enough to start a run quickly. */
const SPIN_MS = 25;
/** Rounds of solo, then together: on a 2-core machine shared with busy processes one round said 2 free cores in 3 of 5 tries, too often. */
const ROUNDS = 2;
/** Most milliseconds the whole measurement may take before it is given up (helpers that never start). */
const MEASURE_TIMEOUT_MS = 2000;

/**
 * A helper's script: told `{ ms }`, it spins a busy loop for that long and answers with its rate
 * (iterations per ms). It first spins 5 ms so that the loop is compiled before it is timed.
 */
const SPIN_SOURCE = `
function spin(ms) {
  const start = performance.now();
  const end = start + ms;
  let x = 1, n = 0, now = start;
  while ((now = performance.now()) < end) {
    for (let i = 0; i < 1000; i++) x = (Math.imul(x, 1103515245) + 12345) | 0;
    n += 1;
  }
  return { rate: n / (now - start), x };
}
spin(5);
onmessage = (e) => postMessage(spin(e.data.ms));
postMessage('ready');
`;

/**
 * Measures free cores with `group` tiny Web Workers made from a Blob URL (which a
 * cross-origin isolated page may start: a blob inherits its creator's policy, and nothing is
 * fetched, so it works offline): the first spins alone, then all spin at once. The helpers are
 * terminated before it returns, whatever happens.
 */
export async function measureWithWorkers(group: number): Promise<CoreSample> {
  const started = performance.now();
  const url = URL.createObjectURL(new Blob([SPIN_SOURCE], { type: 'text/javascript' }));
  const helpers: Worker[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('the core measurement took too long')), MEASURE_TIMEOUT_MS)));
    const answer = (worker: Worker) =>
      new Promise<unknown>((resolve, reject) => {
        worker.onmessage = (e: MessageEvent) => resolve(e.data);
        worker.onerror = (e) => {
          e.preventDefault();
          reject(new Error(e.message || 'a core-measuring helper failed'));
        };
      });
    const ready: Promise<unknown>[] = [];
    for (let i = 0; i < group; i++) {
      const worker = new Worker(url);
      helpers.push(worker);
      ready.push(answer(worker));
    }
    await Promise.race([Promise.all(ready), timeout]);
    const run = async (workers: Worker[]) => {
      const rates = workers.map(answer);
      for (const worker of workers) worker.postMessage({ ms: SPIN_MS });
      return ((await Promise.race([Promise.all(rates), timeout])) as { rate: number }[]).map((r) => r.rate);
    };
    const solo: number[] = [];
    const together: number[][] = [];
    for (let round = 0; round < ROUNDS; round++) {
      solo.push((await run(helpers.slice(0, 1)))[0]!);
      together.push(await run(helpers));
    }
    return { solo, together, ms: performance.now() - started };
  } finally {
    clearTimeout(timer);
    for (const worker of helpers) worker.terminate();
    URL.revokeObjectURL(url);
  }
}

/** Options of a {@link SlowdownWatch}. */
export interface SlowdownOptions {
  /** Steps whose median is compared. */
  window: number;
  /** A median this many times the run's best median (at this thread count) is a slow-down. */
  factor: number;
}

/** The watch's defaults: 16 steps (about 4 s of the Shakespeare GPT on wasm), 1.4 times. */
export const SLOWDOWN_DEFAULTS: SlowdownOptions = { window: 16, factor: 1.4 };

/**
 * Notices when a run's steps slow down, which on a multi-threaded wasm backend usually means
 * that another process took a core. Feed it each step's time; `add` answers true when the
 * median of the last `window` steps is `factor` times the best median seen at the current
 * thread count: time to measure the free cores again. After each such answer it waits for a
 * fresh window, and after a measurement that changed nothing ({@link checked} with false)
 * twice as long as before, so that a run that is slow for another reason is not measured on
 * every step.
 */
export class SlowdownWatch {
  readonly #options: SlowdownOptions;
  #recent: number[] = [];
  #best = Infinity;
  /** Steps to wait before the next answer can be true. */
  #wait = 0;
  #backoff = 1;

  constructor(options: Partial<SlowdownOptions> = {}) {
    this.#options = { ...SLOWDOWN_DEFAULTS, ...options };
  }

  /** The best median so far (ms), Infinity before the first full window. */
  get best(): number {
    return this.#best;
  }

  /** Adds one step's time in ms; true when the run has slowed down (see the class comment). */
  add(ms: number): boolean {
    const { window, factor } = this.#options;
    this.#recent.push(ms);
    if (this.#recent.length > window) this.#recent.shift();
    if (this.#wait > 0) this.#wait -= 1;
    if (this.#recent.length < window) return false;
    const median = medianOf(this.#recent);
    this.#best = Math.min(this.#best, median);
    if (this.#wait > 0 || median <= factor * this.#best) return false;
    this.#wait = window * this.#backoff;
    return true;
  }

  /**
   * Says what the measurement after a true `add` did: `switched` (the thread count changed) starts
   * afresh, as the new count has its own pace; otherwise the next measurement waits twice as long.
   */
  checked(switched: boolean): void {
    if (!switched) {
      this.#backoff *= 2;
      this.#wait = this.#options.window * this.#backoff;
      return;
    }
    this.#recent = [];
    this.#best = Infinity;
    this.#wait = 0;
    this.#backoff = 1;
  }
}

function medianOf(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
