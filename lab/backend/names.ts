/**
 * The names of the course's tfjs backends, and what a probe of one reports: plain data that a
 * page can import without loading tfjs (the page's own code never does; only workers do).
 */

/** The tfjs backends the course can train on, fastest-first on typical hardware. */
export const BACKEND_NAMES = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/** Whether `name` is a backend of the course (for untrusted input such as URLs). */
export function isBackendName(name: string): name is BackendName {
  return (BACKEND_NAMES as readonly string[]).includes(name);
}

/** What probing one backend found. */
export interface ProbeResult {
  name: BackendName;
  /** Whether the backend initialized and ran the workload. */
  ok: boolean;
  /** Milliseconds per run of the workload, after a warm-up run (when ok). */
  ms?: number;
  /** Why it failed (when not ok). */
  error?: string;
}
