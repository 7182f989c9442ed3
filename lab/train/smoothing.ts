/**
 * A loss curve smoothed as fastai's learning-rate finder and the trainer's divergence rule read
 * it: an exponential moving average with Adam's bias correction (so that the first values are
 * the losses' own scale, not pulled towards 0), and its lowest value so far.
 */
export class SmoothedLoss {
  /** Weight of the past, 0.9: about the last ten losses count. */
  readonly beta: number;
  #average = 0;
  #count = 0;
  #lowest = Infinity;

  constructor(beta = 0.9) {
    this.beta = beta;
  }

  /** Adds one loss; returns the smoothed value after it. */
  add(loss: number): number {
    this.#count += 1;
    this.#average = this.beta * this.#average + (1 - this.beta) * loss;
    const smoothed = this.value;
    if (smoothed < this.#lowest) this.#lowest = smoothed;
    return smoothed;
  }

  /** The bias-corrected average of the losses so far; NaN before the first. */
  get value(): number {
    return this.#count === 0 ? NaN : this.#average / (1 - this.beta ** this.#count);
  }

  /** The lowest smoothed value so far; Infinity before the first loss. */
  get lowest(): number {
    return this.#lowest;
  }

  /** Losses added. */
  get count(): number {
    return this.#count;
  }
}

/** How many times its lowest the smoothed loss may grow before a run counts as diverged (fastai's lr_find stops at 4). */
export const BLOW_UP_FACTOR = 4;
