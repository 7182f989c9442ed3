import * as tf from '@tensorflow/tfjs';
import type { GpuBackendFields } from './renderer';

/** The active backend's internals, when it is a GPU backend. */
function gpuInternals(): GpuBackendFields | undefined {
  const name = tf.getBackend();
  return name === 'webgl' || name === 'webgpu' ? (tf.backend() as unknown as GpuBackendFields) : undefined;
}

/**
 * Calls `onLost` once if the active backend's GPU goes away: the WebGL context is lost (a driver
 * reset, too many contexts, a laptop switching GPUs) or the WebGPU device is lost. Why this is
 * needed: tfjs notices neither; its next readback then never settles, and training hangs
 * without a word. Does nothing on wasm and cpu. Returns a function that stops watching.
 */
export function watchDeviceLoss(onLost: (reason: string) => void): () => void {
  const gpu = gpuInternals();
  let watching = true;
  const lost = (reason: string) => {
    if (watching) onLost(reason);
    watching = false;
  };
  const canvas = gpu?.gpgpu?.gl?.canvas;
  const onContextLost = () => lost('the WebGL context was lost');
  canvas?.addEventListener('webglcontextlost', onContextLost as EventListener);
  void gpu?.device?.lost?.then((info) => lost(`the WebGPU device was lost${info.message ? ` (${info.message})` : ''}`));
  return () => {
    watching = false;
    canvas?.removeEventListener('webglcontextlost', onContextLost as EventListener);
  };
}

/**
 * Loses the active backend's GPU on purpose, as a driver would (WEBGL_lose_context, or
 * destroying the WebGPU device), so that tests exercise the real path. Throws on a backend
 * without a GPU.
 */
export function loseDevice(): void {
  const gpu = gpuInternals();
  const gl = gpu?.gpgpu?.gl;
  if (gl) {
    const extension = gl.getExtension('WEBGL_lose_context');
    if (!extension) throw new Error('this WebGL context cannot be lost on purpose');
    extension.loseContext();
    return;
  }
  if (gpu?.device?.destroy) return gpu.device.destroy();
  throw new Error(`the ${tf.getBackend()} backend has no GPU to lose`);
}

/** Thrown into a run whose GPU went away; the run may continue elsewhere from its last good step. */
export class DeviceLostError extends Error {
  override readonly name = 'DeviceLostError';
}
