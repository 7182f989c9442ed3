import type { HeadsFrame } from './headsProbes';

/**
 * The frames of the heads timeline (lm-heads-timeline): every snapshot of a reader's run, kept
 * in memory so the reader can scrub back. Each frame's attention weights take L·H·T² floats
 * (4 layers × 4 heads × 64² = 256 KB), so a long run at a fine cadence would grow without
 * bound; the store keeps the weights of at most {@link FRAME_BUDGET_BYTES}: it keeps every
 * `stride`-th snapshot (and always the newest), and when a new frame would pass the budget it
 * doubles the stride and drops the frames off it, so the frames stay evenly spread over the whole
 * run (a 1,500-step run watched every 10 steps keeps every 2nd of its 150 snapshots). The pattern scores (L·H·P numbers a frame) are
 * small and kept for every snapshot, so the chart of scores over steps is never thinned.
 */

/** Most bytes of attention weights the timeline holds: 32 MiB, 128 frames of the chapter's GPT (4 × 4 heads, block 64). */
export const FRAME_BUDGET_BYTES = 32 * 1024 * 1024;
/** Frames always kept, however large each is. */
export const MIN_FRAMES = 4;

/** One snapshot's pattern scores: per block, (H, P) row-major, as the frame had them. */
export interface ScorePoint {
  step: number;
  scores: Float32Array[];
}

/** The frames and scores of one run. */
export class HeadsFrames {
  readonly #budget: number;
  /** The frames held, each with its snapshot's index in the run. */
  #held: { index: number; frame: HeadsFrame }[] = [];
  #scores: ScorePoint[] = [];
  /** Frames kept: every `stride`-th snapshot, and the newest. */
  #stride = 1;

  constructor(budgetBytes = FRAME_BUDGET_BYTES) {
    this.#budget = budgetBytes;
  }

  /** The frames held, in step order. */
  get frames(): readonly HeadsFrame[] {
    return this.#held.map((h) => h.frame);
  }

  /** Every snapshot's scores, in step order. */
  get scores(): readonly ScorePoint[] {
    return this.#scores;
  }

  /** Snapshots taken since the run began. */
  get taken(): number {
    return this.#scores.length;
  }

  /** Every how many snapshots a frame is kept (1 until the budget is reached). */
  get stride(): number {
    return this.#stride;
  }

  /** The most frames of this run's size the budget holds. */
  get capacity(): number {
    const first = this.#held[0];
    return first ? capacityFor(first.frame, this.#budget) : Infinity;
  }

  /**
   * Keeps a snapshot. One of a step already held replaces it (a watch's snapshot after an
   * inspect of the same weights); one of another shape than the run's frames is refused (false).
   */
  add(frame: HeadsFrame): boolean {
    const first = this.#held[0]?.frame;
    if (first && (first.layers !== frame.layers || first.heads !== frame.heads || first.size !== frame.size)) return false;
    const last = this.#held.at(-1);
    if (last && last.frame.step === frame.step) {
      last.frame = frame;
      this.#scores[this.#scores.length - 1] = { step: frame.step, scores: frame.scores };
      return true;
    }
    if (last && frame.step < last.frame.step) return false;
    const index = this.#scores.length;
    this.#scores.push({ step: frame.step, scores: frame.scores });
    // The newest frame was held only as the newest: the new one takes its place unless it is on the stride.
    if (last && last.index % this.#stride !== 0) this.#held.pop();
    this.#held.push({ index, frame });
    if (this.#held.length > capacityFor(frame, this.#budget)) {
      this.#stride *= 2;
      this.#held = this.#held.filter((h, i, all) => h.index % this.#stride === 0 || i === all.length - 1);
    }
    return true;
  }

  /** Drops the frames and scores after `step` (a run resumed from there keeps what came before). */
  keepThrough(step: number): void {
    this.#held = this.#held.filter((h) => h.frame.step <= step);
    this.#scores = this.#scores.filter((s) => s.step <= step);
  }

  /** Empties the store for a new run. */
  clear(): void {
    this.#held = [];
    this.#scores = [];
    this.#stride = 1;
  }
}

/** The bytes of a frame's weights. */
export function frameBytes(frame: Pick<HeadsFrame, 'layers' | 'heads' | 'size'>): number {
  return frame.layers * frame.heads * frame.size * frame.size * Float32Array.BYTES_PER_ELEMENT;
}

function capacityFor(frame: HeadsFrame, budget: number): number {
  return Math.max(MIN_FRAMES, Math.floor(budget / frameBytes(frame)));
}
