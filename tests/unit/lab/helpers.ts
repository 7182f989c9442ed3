import * as tf from '@tensorflow/tfjs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { registerBackends } from '../../../lab/backend/register';
import { tfjsMemory } from '../../../lab/backend/simd/simdKernels';
import type { TextReader } from '../../../lab/data/datasets';

/** The repository's `public/data/` folder, where the site serves its data sets from. */
export const DATA_DIR = fileURLToPath(new URL('../../../public/data/', import.meta.url));

/** tfjs's wasm binaries in node_modules, as a folder path with a trailing slash. */
export const WASM_DIR = fileURLToPath(new URL('../../../node_modules/@tensorflow/tfjs-backend-wasm/dist/', import.meta.url));

/** Reads data-set files from `public/data/` (the Node side of a {@link TextReader}). */
export const readData: TextReader = (file) => readFile(`${DATA_DIR}${file}`, 'utf8');

/** Makes `name` the active tfjs backend, registering wasm first. */
export async function useBackend(name: 'cpu' | 'wasm'): Promise<void> {
  registerBackends(WASM_DIR);
  if (!(await tf.setBackend(name))) throw new Error(`backend ${name} did not initialize`);
  await tf.ready();
}

/** How many elements of two float32 tensors of the same size differ in their bits. */
export function bitsDiffering(a: tf.Tensor, b: tf.Tensor): number {
  const [u, v] = [new Uint32Array(a.dataSync().slice().buffer), new Uint32Array(b.dataSync().slice().buffer)];
  if (u.length !== v.length) throw new Error(`sizes differ: ${u.length} and ${v.length}`);
  return u.reduce((n, bits, i) => n + (bits === v[i] ? 0 : 1), 0);
}

/**
 * Runs `check` on the wasm backend, grows tfjs's heap (the buffer its views were made on
 * detaches; kernels on that memory must follow), and runs it again.
 */
export function beforeAndAfterHeapGrowth(check: () => void): void {
  check();
  const memory = tfjsMemory(tf.backend() as BackendWasm);
  const before = memory.buffer.byteLength;
  const big = tf.zeros([before / 2]); // 2x the heap in bytes: it must grow
  if (memory.buffer.byteLength <= before) throw new Error("tfjs's heap did not grow");
  check();
  big.dispose();
}
