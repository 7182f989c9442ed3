/** A one-line progress bar for a terminal (stderr), redrawn in place; a line every few seconds when not a TTY (a log). */
export class ProgressBar {
  readonly #total: number;
  readonly #stream: NodeJS.WriteStream;
  readonly #started = performance.now();
  #lastDraw = 0;

  constructor(total: number, stream: NodeJS.WriteStream = process.stderr) {
    this.#total = total;
    this.#stream = stream;
  }

  /** Shows `done` of the total with a status text, throttled (always drawn at the end). */
  update(done: number, status: string): void {
    const now = performance.now();
    const interval = this.#stream.isTTY ? 100 : 5000;
    if (now - this.#lastDraw < interval && done < this.#total) return;
    this.#lastDraw = now;
    const fraction = Math.min(1, done / this.#total);
    const elapsed = (now - this.#started) / 1000;
    const eta = fraction > 0 ? elapsed * (1 / fraction - 1) : NaN;
    const width = 24;
    const bar = '#'.repeat(Math.round(fraction * width)).padEnd(width, '.');
    const line = `[${bar}] ${done}/${this.#total} ${status} ${formatSeconds(elapsed)} elapsed, ${formatSeconds(eta)} left`;
    if (this.#stream.isTTY) this.#stream.write(`\r${line.slice(0, (this.#stream.columns ?? 120) - 1).padEnd((this.#stream.columns ?? 120) - 1)}`);
    else this.#stream.write(`${line}\n`);
  }

  /** Ends the bar's line. */
  finish(): void {
    if (this.#stream.isTTY) this.#stream.write('\n');
  }
}

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  return s < 90 ? `${s.toFixed(0)}s` : `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
}
