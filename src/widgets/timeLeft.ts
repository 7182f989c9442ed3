/**
 * How long a training run has run and has left, for the trainers' "about 40 s left". Pure
 * (the clock is injected), so that tests/unit/widgets/timeLeft.test.ts runs it without a page.
 */

/** Progress reports after the first before an estimate is given: the first includes start-up (loading, compiling kernels), the next settle the rate. */
const MIN_REPORTS = 3;
/** Weight of the newest report in the smoothed time per step: steps with an evaluation take longer, and one must not make the estimate jump. */
const SMOOTHING = 0.3;

/** Running time, pauses excluded. */
export class Stopwatch {
  #ms = 0;
  #since: number | undefined;
  readonly #now: () => number;

  constructor(now: () => number = () => performance.now()) {
    this.#now = now;
  }

  /** Starts (or keeps) running. */
  start(): void {
    this.#since ??= this.#now();
  }

  /** Stops running; the time so far is kept. */
  stop(): void {
    if (this.#since === undefined) return;
    this.#ms += this.#now() - this.#since;
    this.#since = undefined;
  }

  /** Back to zero, stopped. */
  reset(): void {
    this.#ms = 0;
    this.#since = undefined;
  }

  /** Milliseconds run so far. */
  get ms(): number {
    return this.#ms + (this.#since === undefined ? 0 : this.#now() - this.#since);
  }
}

/**
 * The time a run has left, from its progress: a smoothed time per step measured between
 * progress reports (the first report only anchors, as it includes start-up), times the steps
 * left. No estimate until {@link MIN_REPORTS} reports have come after the first.
 */
export class TimeLeftEstimate {
  #last: { step: number; ms: number } | undefined;
  #msPerStep: number | undefined;
  #reports = 0;

  /** Forgets the run: the next report anchors a new one. */
  reset(): void {
    this.#last = undefined;
    this.#msPerStep = undefined;
    this.#reports = 0;
  }

  /**
   * Records that the run reached `step` of `totalSteps` after `ms` of running time; returns the
   * seconds left, or undefined while it is too early to say. A step lower than the last (a run
   * continued from an earlier step) starts the estimate over.
   */
  update(step: number, totalSteps: number, ms: number): number | undefined {
    const last = this.#last;
    if (!last || step < last.step) {
      this.reset();
      this.#last = { step, ms };
      return undefined;
    }
    if (step > last.step) {
      const perStep = (ms - last.ms) / (step - last.step);
      this.#msPerStep = this.#msPerStep === undefined ? perStep : this.#msPerStep + SMOOTHING * (perStep - this.#msPerStep);
      this.#reports += 1;
      this.#last = { step, ms };
    }
    if (this.#reports < MIN_REPORTS || this.#msPerStep === undefined) return undefined;
    return (Math.max(0, totalSteps - step) * this.#msPerStep) / 1000;
  }
}

/**
 * Seconds rounded as a reader would say them: whole seconds under 10, then to 5 s under a
 * minute, to 10 s under an hour, then to the minute; never 0 while something is left.
 */
export function roundSeconds(seconds: number): number {
  const unit = seconds < 10 ? 1 : seconds < 60 ? 5 : seconds < 3600 ? 10 : 60;
  return Math.max(seconds > 0 ? 1 : 0, Math.round(seconds / unit) * unit);
}

/** A duration in words through `t` (the common table's `time.*`): `40 s`, `3 min 20 s`, `1 h 5 min`; `–` when unknown. */
export function durationText(seconds: number, t: (key: 'time.s' | 'time.min' | 'time.h', vars: Record<string, number>) => string): string {
  if (!Number.isFinite(seconds)) return '–';
  const s = Math.round(seconds);
  if (s < 60) return t('time.s', { s });
  if (s < 3600) return t('time.min', { m: Math.floor(s / 60), s: s % 60 });
  return t('time.h', { h: Math.floor(s / 3600), m: Math.floor((s % 3600) / 60) });
}
