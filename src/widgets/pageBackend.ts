import type { BackendName } from '../../lab/backend/names';

/**
 * One backend choice per page visit, shared by every widget's worker: the first worker asked
 * for `auto` probes the backends; workers started meanwhile wait for its answer, and later
 * ones are told the chosen backend by name, which is not probed again. A named backend (from
 * the URL or a menu) is used as it is.
 */
export class BackendChoice {
  #chosen: BackendName | undefined;
  /** Resolves when the worker that probes has answered, or died without answering. */
  #probing: Promise<void> | undefined;
  #settle: (() => void) | undefined;

  /** The backend chosen by a probe on this page, if one has answered. */
  get chosen(): BackendName | undefined {
    return this.#chosen;
  }

  /**
   * What a new worker should be initialized with. When it returns `auto` with `probes: true`,
   * that worker is the one that probes: report its answer with {@link settle}, or with
   * {@link abandon} if it died first.
   */
  async forNewWorker(requested: BackendName | 'auto'): Promise<{ backend: BackendName | 'auto'; probes: boolean }> {
    if (requested !== 'auto') return { backend: requested, probes: false };
    while (!this.#chosen && this.#probing) await this.#probing;
    if (this.#chosen) return { backend: this.#chosen, probes: false };
    this.#probing = new Promise<void>((resolve) => (this.#settle = resolve));
    return { backend: 'auto', probes: true };
  }

  /** The probing worker chose `backend`. */
  settle(backend: BackendName): void {
    this.#chosen = backend;
    this.#release();
  }

  /** The probing worker died before it chose: the next worker probes instead. */
  abandon(): void {
    this.#release();
  }

  #release(): void {
    this.#settle?.();
    this.#settle = undefined;
    this.#probing = undefined;
  }
}

/** The choice of this page. */
export const pageBackend = new BackendChoice();
