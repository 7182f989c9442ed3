import * as tf from '@tensorflow/tfjs';
import { MLP } from '../models/mlp';
import { Rng } from '../rng';
import { AdamW } from '../train/optim';
import { BACKEND_NAMES, type BackendName, PROBE_WORKLOAD, type ProbeResult } from './names';
import { gpuRenderer, isSoftwareRenderer } from './renderer';

export { BACKEND_NAMES, type BackendName, isBackendName, type ProbeResult } from './names';

/** How long the probe trains on each backend, and when it stops early. */
export interface ProbeOptions {
  /** Timed training steps per backend, after one untimed warm-up step. */
  steps: number;
  /**
   * Most milliseconds a backend's warm-up step (its first, which compiles the GPU's shaders) may
   * take. A backend past it is recorded as slow and left unfinished: WebGPU emulated in software
   * (SwiftShader) needs seconds for a first step that wasm takes milliseconds over.
   */
  warmupLimitMs: number;
  /**
   * A backend stops being timed once its mean step is this many times the fastest one's so far:
   * it can no longer win, and each further step of a slow backend is costly.
   */
  giveUpFactor: number;
  /**
   * Once wasm has worked, leave untimed the backends that run on the CPU without its SIMD
   * kernels: cpu, and WebGL or WebGPU emulated in software (SwiftShader, llvmpipe). On the same
   * cores they train slower than wasm (a GPT: cpu 40 times, WebGL 11, WebGPU 107; docs/BENCH.md),
   * and their warm-up alone takes seconds (WebGL compiles its shaders synchronously, so no limit
   * can cut it short). False times them anyway, to measure the probe itself.
   */
  skipCpuBound: boolean;
}

/** The probe's defaults: about 1 s in all on a 2-core machine whose GPU backends are SwiftShader. */
export const PROBE_DEFAULTS: ProbeOptions = { steps: 3, warmupLimitMs: 1000, giveUpFactor: 2, skipCpuBound: true };

const { model: PROBE_MODEL, batch: PROBE_BATCH } = PROBE_WORKLOAD;

/**
 * The probe in an order that keeps it short: wasm first, as it works almost everywhere and is
 * quick to time, so that its step sets the bar the others must beat; cpu last.
 */
const PROBE_ORDER: readonly BackendName[] = ['wasm', 'webgpu', 'webgl', 'cpu'];

/**
 * A few real training steps on the active backend: the probe's MLP, AdamW, and one fixed batch
 * of tokens whose targets follow from the inputs (each token's successor), so the loss falls.
 */
class ProbeWorkload {
  readonly #model = new MLP(PROBE_MODEL);
  readonly #optimizer = new AdamW({ learningRate: 1e-2 });
  readonly #x: tf.Tensor2D;
  readonly #y: tf.Tensor2D;

  constructor() {
    const rng = new Rng(PROBE_MODEL.seed);
    const { batchSize, length } = PROBE_BATCH;
    const ids = Int32Array.from({ length: batchSize * length }, () => rng.int(PROBE_MODEL.vocabSize));
    this.#x = tf.tensor2d(ids, [batchSize, length], 'int32'); // (B, T)
    this.#y = tf.tensor2d(ids.map((id) => (id + 1) % PROBE_MODEL.vocabSize), [batchSize, length], 'int32'); // (B, T)
  }

  /** One optimizer step; resolves to its loss, read back from the device as the trainer does. */
  async step(): Promise<number> {
    const loss = tf.tidy(() => this.#optimizer.minimize(() => this.#model.forward(this.#x, this.#y, { training: true }).loss!, true)!); // scalar
    try {
      return (await loss.data())[0]!;
    } finally {
      loss.dispose();
    }
  }

  dispose(): void {
    this.#model.dispose();
    this.#optimizer.dispose();
    tf.dispose([this.#x, this.#y]);
  }
}

/** Resolves to true when `work` settles within `ms`, false otherwise (work then goes on unwatched). */
function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), Math.max(0, ms))));
  return Promise.race([work.then(() => true, () => true), late]).finally(() => clearTimeout(timer));
}

/** What the probe knows when it comes to a backend: the best step so far, and whether wasm worked. */
interface ProbeSoFar {
  bestMs?: number;
  wasmWorked: boolean;
}

/** Probes one backend, against what the backends before it found. */
async function probeOne(name: BackendName, soFar: ProbeSoFar, options: ProbeOptions): Promise<ProbeResult> {
  const started = performance.now();
  const since = () => performance.now() - started;
  const skipCpuBound = options.skipCpuBound && soFar.wasmWorked;
  if (skipCpuBound && name === 'cpu') return { name, ok: false, slow: true, error: 'not timed: wasm is faster on the same cores', totalMs: since() };
  if (!(await tf.setBackend(name))) throw new Error('not available in this browser');
  await tf.ready();
  const renderer = gpuRenderer();
  const device = renderer === undefined ? {} : { renderer };
  if (skipCpuBound && isSoftwareRenderer(renderer)) return { name, ok: false, slow: true, ...device, error: `not timed: emulated on the CPU (${renderer}), where wasm is faster`, totalMs: since() };
  const warmUpStarted = performance.now();
  const warmUpMs = () => performance.now() - warmUpStarted;
  const slow = (): ProbeResult => ({ name, ok: false, slow: true, ...device, error: `slow: no training step within ${options.warmupLimitMs} ms`, totalMs: since() });
  const workload = new ProbeWorkload();
  const warmUp = workload.step();
  if (!(await settlesWithin(warmUp, options.warmupLimitMs))) {
    // The device is still busy with the warm-up step: free the workload once it is done, not under it.
    warmUp.catch(() => undefined).finally(() => workload.dispose());
    return slow();
  }
  try {
    const losses = [await warmUp];
    // A step that blocks the thread (WebGL compiles its shaders synchronously) ends before any timer fires.
    if (warmUpMs() > options.warmupLimitMs) return slow();
    let timed = 0;
    let steps = 0;
    while (steps < options.steps) {
      const stepStart = performance.now();
      losses.push(await workload.step());
      timed += performance.now() - stepStart;
      steps += 1;
      if (soFar.bestMs !== undefined && timed / steps > options.giveUpFactor * soFar.bestMs) break;
    }
    return { name, ok: true, ...device, ms: timed / steps, steps, losses, totalMs: since() };
  } finally {
    workload.dispose();
  }
}

/**
 * Times a few steps of real training (the course's MLP, AdamW, the loss read back every step,
 * which makes GPU backends pay their round trip) on each candidate backend, wasm first. Leaves
 * the last candidate tried active; call {@link selectBackend} to choose.
 * @returns one result per candidate, in the order probed.
 */
export async function probeBackends(candidates: readonly BackendName[] = BACKEND_NAMES, options: Partial<ProbeOptions> = {}): Promise<ProbeResult[]> {
  const settings = { ...PROBE_DEFAULTS, ...options };
  const results: ProbeResult[] = [];
  for (const name of PROBE_ORDER.filter((n) => candidates.includes(n))) {
    const started = performance.now();
    try {
      const soFar = { bestMs: fastest(results)?.ms, wasmWorked: results.some((r) => r.name === 'wasm' && r.ok) };
      results.push(await probeOne(name, soFar, settings));
    } catch (err) {
      results.push({ name, ok: false, error: messageOf(err), totalMs: performance.now() - started });
    }
  }
  return results;
}

/** What went wrong, as text for the widget. */
function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The result with the shortest step among those that worked. */
function fastest(results: readonly ProbeResult[]): ProbeResult | undefined {
  return results.filter((r) => r.ok && r.ms !== undefined).sort((x, y) => x.ms! - y.ms!)[0];
}

/** The fastest backend that worked, or undefined when none did. */
export function pickFastest(results: readonly ProbeResult[]): BackendName | undefined {
  return fastest(results)?.name;
}

/** The backend chosen and the probe behind the choice. */
export interface BackendChoice {
  backend: BackendName;
  /** The probe's results; empty when a named backend was asked for and started (it is not probed). */
  probe: ProbeResult[];
}

/**
 * Makes a backend active: `auto` probes every backend and picks the fastest that works on this
 * device (not just the first that loads); a named backend is only started, not probed, and when
 * it does not start the probe picks among the others. Falls back to cpu, which always works.
 */
export async function selectBackend(choice: BackendName | 'auto' = 'auto'): Promise<BackendChoice> {
  const failed: ProbeResult[] = [];
  if (choice !== 'auto') {
    try {
      if (await tf.setBackend(choice)) {
        await tf.ready();
        return { backend: choice, probe: [] };
      }
      failed.push({ name: choice, ok: false, error: 'not available in this browser' });
    } catch (err) {
      failed.push({ name: choice, ok: false, error: messageOf(err) });
    }
  }
  const probe = [...failed, ...(await probeBackends(BACKEND_NAMES.filter((n) => n !== choice)))];
  // With no step timed anywhere, the first backend that started but was slow (wasm, by the probe's order).
  const backend = pickFastest(probe) ?? probe.find((r) => r.slow)?.name ?? 'cpu';
  await tf.setBackend(backend);
  await tf.ready();
  return { backend, probe };
}
