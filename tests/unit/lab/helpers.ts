import * as tf from '@tensorflow/tfjs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { registerBackends } from '../../../lab/backend/register';
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
