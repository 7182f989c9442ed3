import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { loadDataset } from '../../../lab/data/datasets';
import type { InspectedModel } from '../../../lab/worker/inspect';
import { modelFromCheckpoint } from '../../../lab/worker/loadModel';
import { readData } from './helpers';

/** The repository's `public/` folder, which the site serves checkpoints from. */
export const PUBLIC_DIR = fileURLToPath(new URL('../../../public/', import.meta.url));

/** Reads a file under `public/` as bytes. */
export const readPublic = async (path: string) => new Uint8Array(await readFile(`${PUBLIC_DIR}${path}`));

/** A shipped checkpoint as the worker inspects it, with its data set (the caller disposes `model`). */
export async function checkpointTarget(name: string): Promise<InspectedModel> {
  const loaded = modelFromCheckpoint(await readPublic(`checkpoints/${name}.ckpt`), name);
  const dataset = await loadDataset(loaded.datasetId!, readData);
  return { model: loaded.model, spec: loaded.spec, plan: loaded.plan, vocab: loaded.vocab, dataset, datasetKind: dataset.info.kind };
}
