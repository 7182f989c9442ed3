import { wasmThreads } from './register';

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
  /** Why: `measured` or `policy` (no measurement possible, the fixed policy of {@link wasmThreads}). */
  reason: 'measured' | 'policy';
}

/**
 * The wasm thread count for a run on this machine now. Placeholder of issue 15's contract: the
 * fixed policy until the measurement lands.
 * @param cores logical cores (`navigator.hardwareConcurrency`).
 */
export async function chooseWasmThreads(cores: number): Promise<ThreadChoice> {
  return { threads: wasmThreads(cores), cores, freeCores: cores, measuredMs: 0, reason: 'policy' };
}
