import * as tf from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { isBackendName } from '../backend/names';
import { registerBackends } from '../backend/register';
import { type Dataset, type DatasetId, loadDataset } from '../data/datasets';
import { type LoadedModel, modelFromCheckpoint } from '../worker/loadModel';

/** The repository's root folder. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Makes tfjs run on `name` in Node: wasm (tfjs's own binaries from node_modules, no native
 * download) or cpu.
 * @returns the backend now active.
 */
export async function useNodeBackend(name: string): Promise<string> {
  if (!isBackendName(name) || (name !== 'wasm' && name !== 'cpu')) throw new Error(`--backend must be wasm or cpu in Node, not ${name}`);
  registerBackends(`${REPO_ROOT}node_modules/@tensorflow/tfjs-backend-wasm/dist/`);
  if (!(await tf.setBackend(name))) throw new Error(`the ${name} backend did not start`);
  await tf.ready();
  return tf.getBackend();
}

/** Loads a data set from the files the site serves (`public/data/`). */
export function loadLocalDataset(id: DatasetId): Promise<Dataset> {
  return loadDataset(id, (file) => readFile(`${REPO_ROOT}public/data/${file}`, 'utf8'));
}

/**
 * A shipped checkpoint (`public/checkpoints/<id>.ckpt`) as a model, or undefined, said on stderr,
 * when its file is not there yet: a figures script then skips what needs it.
 */
export async function shippedCheckpoint(id: string): Promise<LoadedModel | undefined> {
  const path = `${REPO_ROOT}public/checkpoints/${id}.ckpt`;
  if (!existsSync(path)) {
    process.stderr.write(`no ${id}.ckpt: its figures are skipped\n`);
    return undefined;
  }
  return modelFromCheckpoint(new Uint8Array(await readFile(path)), `the checkpoint ${id}`);
}
