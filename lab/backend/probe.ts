import * as tf from '@tensorflow/tfjs';
import { BACKEND_NAMES, type BackendName, type ProbeResult } from './names';

export { BACKEND_NAMES, type BackendName, isBackendName, type ProbeResult } from './names';

/** Side of the square matrices the probe multiplies: the size of a small model's layers. */
const PROBE_SIZE = 192;

/**
 * A small piece of training-like work: a matmul, a softmax and their gradient, read back so the
 * time includes the device round trip. Returns milliseconds per run after one warm-up run
 * (which absorbs shader compilation).
 */
async function timeWorkload(runs = 3): Promise<number> {
  const a = tf.randomNormal([PROBE_SIZE, PROBE_SIZE], 0, 1, 'float32', 1); // (N, N)
  const b = tf.variable(tf.randomNormal([PROBE_SIZE, PROBE_SIZE], 0, 1, 'float32', 2)); // (N, N)
  const once = async () => {
    const grad = tf.tidy(() => tf.grad((w: tf.Tensor) => tf.logSoftmax(a.matMul(w)).mean())(b)); // (N, N)
    await grad.data();
    grad.dispose();
  };
  try {
    await once();
    const start = performance.now();
    for (let i = 0; i < runs; i++) await once();
    return (performance.now() - start) / runs;
  } finally {
    a.dispose();
    b.dispose();
  }
}

/**
 * Tries each candidate backend in turn and times the same workload on it.
 * Leaves the last candidate tried active; call {@link selectBackend} to choose.
 */
export async function probeBackends(candidates: readonly BackendName[] = BACKEND_NAMES): Promise<ProbeResult[]> {
  const results: ProbeResult[] = [];
  for (const name of candidates) {
    try {
      if (!(await tf.setBackend(name))) throw new Error('not available in this browser');
      await tf.ready();
      results.push({ name, ok: true, ms: await timeWorkload() });
    } catch (err) {
      results.push({ name, ok: false, error: err instanceof Error ? err.message : String(err) });
    }
  }
  return results;
}

/** The fastest backend that worked, or undefined when none did. */
export function pickFastest(results: readonly ProbeResult[]): BackendName | undefined {
  const ok = results.filter((r) => r.ok && r.ms !== undefined);
  ok.sort((x, y) => x.ms! - y.ms!);
  return ok[0]?.name;
}

/** The backend chosen and the probe behind the choice. */
export interface BackendChoice {
  backend: BackendName;
  probe: ProbeResult[];
}

/**
 * Makes a backend active: `auto` probes every backend and picks the fastest that works on this
 * device (not just the first that loads); a named backend is used when it initializes, and
 * otherwise the probe decides. Falls back to cpu, which always works.
 */
export async function selectBackend(choice: BackendName | 'auto' = 'auto'): Promise<BackendChoice> {
  if (choice !== 'auto') {
    const probe = await probeBackends([choice]);
    if (probe[0]?.ok) return { backend: choice, probe };
  }
  const probe = await probeBackends();
  const backend = pickFastest(probe) ?? 'cpu';
  await tf.setBackend(backend);
  await tf.ready();
  return { backend, probe };
}
