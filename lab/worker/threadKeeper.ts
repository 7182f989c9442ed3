import { activeWasmThreads, switchWasmThreads } from '../backend/register';
import { chooseWasmThreads, type ChooseThreadsOptions, SlowdownWatch, type ThreadChoice, type ThreadSetting } from '../backend/threads';

/** What a {@link ThreadKeeper} needs from where it runs; real tfjs and Web Workers by default. */
export interface ThreadKeeperEnvironment {
  /** Measures and chooses (chooseWasmThreads). */
  choose(cores: number, options: ChooseThreadsOptions): Promise<ThreadChoice>;
  /** Threads of the active wasm backend now; undefined when wasm is not active. */
  active(): number | undefined;
  /** Switches the active wasm backend to `threads`; the count after, or undefined when refused. */
  switchTo(threads: number): number | undefined;
  /** Milliseconds now. */
  now(): number;
}

/** The real environment: {@link chooseWasmThreads}, {@link activeWasmThreads}, {@link switchWasmThreads}. */
export const WASM_THREAD_ENVIRONMENT: ThreadKeeperEnvironment = {
  choose: chooseWasmThreads,
  active: activeWasmThreads,
  switchTo: switchWasmThreads,
  now: () => performance.now(),
};

/** A measurement younger than this is trusted when a run starts (runs often start in bursts: a reader trying settings). */
const FRESH_MS = 10_000;
/**
 * While a run trains, it is measured again at least this often: on more than one thread, slow
 * or not (a run that began under load it was not measured under, a lucky measurement, never
 * slows down against its own start); on fewer threads than the policy's, to go back up once the
 * cores are free. About 150 ms every 30 s, 0.5% of the run.
 */
const RECHECK_MS = 30_000;

/**
 * The worker's wasm thread count over its life: chosen by a measurement of the free cores when
 * the worker starts ({@link start}), checked again when a run starts if that measurement is
 * older than {@link FRESH_MS} ({@link beforeRun}: the count may go down or up), and while a run
 * trains, measured again when its steps slow down, or every {@link RECHECK_MS} ({@link stepTook},
 * then {@link betweenSteps}). During a run the count goes down when cores are taken, and back up
 * when a measurement below the policy finds them free again; a raise that a slow-down undoes
 * within two rechecks doubles the wait before the next one (a machine whose load comes and
 * goes). A count forced by a setting, or one that no measurement chose, is never changed.
 * Switching keeps every tensor (see switchWasmThreads); each change is reported through `onChange`.
 */
export class ThreadKeeper {
  readonly #env: ThreadKeeperEnvironment;
  readonly #onChange: (choice: ThreadChoice) => void;
  #cores = 0;
  #choice: ThreadChoice | undefined;
  #measuredAt = -Infinity;
  #watch = new SlowdownWatch();
  /** Whether {@link betweenSteps} should measure: `slow` (the watch spoke), `time` ({@link RECHECK_MS}), `up` (below the policy, {@link #upEvery}), or not. */
  #due: 'slow' | 'time' | 'up' | false = false;
  /** While a run is below the policy's count, how long after a measurement it measures to go back up. */
  #upEvery = RECHECK_MS;
  /** When this run last went up; -Infinity when it has not. */
  #raisedAt = -Infinity;

  constructor(onChange: (choice: ThreadChoice) => void, env: ThreadKeeperEnvironment = WASM_THREAD_ENVIRONMENT) {
    this.#onChange = onChange;
    this.#env = env;
  }

  /** The last choice; undefined before {@link start}. */
  get choice(): ThreadChoice | undefined {
    return this.#choice;
  }

  /** Chooses the count the wasm backend will start with (before it starts). */
  async start(cores: number, setting: ThreadSetting = 'auto'): Promise<ThreadChoice> {
    this.#cores = cores;
    this.#measuredAt = this.#env.now();
    this.#choice = await this.#env.choose(cores, { setting });
    return this.#choice;
  }

  /** Threads the active wasm backend runs on now (1 when it says nothing). */
  get #threadsNow(): number {
    return this.#env.active() ?? 1;
  }

  /** Whether the count now is below the policy's, the most a measurement may give. */
  get #belowPolicy(): boolean {
    return this.#threadsNow < (this.#choice?.policy ?? 1);
  }

  /** Whether the count follows measurements: it was measured, and wasm is active with threads. */
  get #adaptive(): boolean {
    return this.#choice?.reason === 'measured' && this.#env.active() !== undefined;
  }

  /**
   * Before a run on wasm: measures again when the last measurement is stale, or when it left
   * fewer threads than the policy's (the first one is taken while the page and tfjs's module are
   * still starting, and finds a core busy with them more often than not); switches either way.
   */
  async beforeRun(): Promise<void> {
    this.#watch = new SlowdownWatch();
    this.#due = false;
    this.#upEvery = RECHECK_MS;
    this.#raisedAt = -Infinity;
    if (!this.#adaptive) return;
    if (!this.#belowPolicy && this.#env.now() - this.#measuredAt < FRESH_MS) return;
    await this.#remeasure(true);
  }

  /**
   * A step of the running job took `ms`. On more than one thread, a slow-down or a stale
   * measurement makes {@link betweenSteps} measure; below the policy's count, a measurement
   * older than {@link #upEvery}.
   */
  stepTook(ms: number): void {
    if (!this.#adaptive) return;
    const sinceMeasured = this.#env.now() - this.#measuredAt;
    if (this.#belowPolicy) {
      if (!this.#due && sinceMeasured > this.#upEvery) this.#due = 'up';
      if (this.#threadsNow <= 1) return;
    }
    if (this.#watch.add(ms)) this.#due = 'slow';
    else if (!this.#due && sinceMeasured > RECHECK_MS) this.#due = 'time';
  }

  /** Between two steps: measures when {@link stepTook} asked; drops threads if cores were taken, raises them if `up` found cores free. */
  async betweenSteps(): Promise<void> {
    const due = this.#due;
    if (!due) return;
    this.#due = false;
    const before = this.#threadsNow;
    const switched = await this.#remeasure(due === 'up');
    if (due === 'slow' || switched) this.#watch.checked(switched);
    if (!switched) return;
    const now = this.#env.now();
    if (this.#threadsNow > before) this.#raisedAt = now;
    else if (now - this.#raisedAt < 2 * RECHECK_MS) this.#upEvery *= 2;
  }

  /** Measures and switches (up only when `up`); true when the count changed. */
  async #remeasure(up: boolean): Promise<boolean> {
    const before = this.#env.active();
    if (before === undefined) return false;
    const choice = await this.#env.choose(this.#cores, { setting: 'auto' });
    this.#measuredAt = this.#env.now();
    if (choice.reason !== 'measured') return false;
    const wanted = up ? choice.threads : Math.min(before, choice.threads);
    const now = wanted === before ? before : this.#env.switchTo(wanted);
    this.#choice = { ...choice, threads: now ?? before };
    if (now === undefined || now === before) return false;
    this.#onChange(this.#choice);
    return true;
  }
}
