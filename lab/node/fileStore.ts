import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type Checkpoint, type CheckpointStore, decodeCheckpoint, encodeCheckpoint } from '../train/checkpoint';

/** Checkpoints as files `<folder>/<key>.ckpt` (Node only: the command line and tests). */
export class FileStore implements CheckpointStore {
  constructor(readonly folder: string) {}

  async save(key: string, checkpoint: Checkpoint): Promise<void> {
    const path = this.#path(key);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, encodeCheckpoint(checkpoint));
  }

  async load(key: string): Promise<Checkpoint | undefined> {
    try {
      return decodeCheckpoint(new Uint8Array(await readFile(this.#path(key))));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  #path(key: string): string {
    if (!/^[\w.-]+$/.test(key)) throw new Error(`a checkpoint key is letters, digits, '.', '_' and '-' only: ${key}`);
    return join(this.folder, `${key}.ckpt`);
  }
}
