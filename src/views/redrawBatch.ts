/**
 * Redraws batched to one per animation frame: a view that takes points as a run sends them
 * (dozens of messages a second) draws once per frame, not once per message. Where there are no
 * animation frames (Node tests) it draws at once.
 */
export class RedrawBatch {
  readonly #draw: () => void;
  #frame: number | undefined;
  #dirty = false;

  /** `draw` redraws the whole view. */
  constructor(draw: () => void) {
    this.#draw = draw;
  }

  /** Asks for a redraw at the next animation frame (one however often it is asked). */
  schedule(): void {
    this.#dirty = true;
    if (this.#frame !== undefined) return;
    if (typeof requestAnimationFrame !== 'function') {
      this.now();
      return;
    }
    this.#frame = requestAnimationFrame(() => {
      this.#frame = undefined;
      this.flush();
    });
  }

  /** Draws now what is waiting for the next frame, if anything (tests, or before a screenshot). */
  flush(): void {
    if (this.#dirty) this.now();
  }

  /** Draws now, whether or not anything is waiting. */
  now(): void {
    this.#dirty = false;
    this.#draw();
  }

  /** Drops a pending frame: the view is going away. */
  cancel(): void {
    if (this.#frame !== undefined && typeof cancelAnimationFrame === 'function') cancelAnimationFrame(this.#frame);
    this.#frame = undefined;
  }
}
