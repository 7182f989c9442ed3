import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

/**
 * Registers the wasm and webgpu backends beside tfjs's built-in webgl and cpu.
 * @param wasmDirectory URL (in a page or worker) or file path (in Node) of the folder that
 *   holds tfjs's `.wasm` binaries, with a trailing slash; the site serves them itself, so
 *   nothing is fetched from another host.
 */
export function registerBackends(wasmDirectory: string): void {
  setWasmPaths(wasmDirectory);
}
