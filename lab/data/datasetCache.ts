import { type Dataset, type DatasetId, loadDataset, type TextReader } from './datasets';

/**
 * The data sets a worker has loaded, by id, each loaded once however many jobs ask for it; a
 * load that failed is forgotten, so that the next job tries again. No tfjs: counting hosts use it.
 */
export class DatasetCache {
  readonly #read: TextReader;
  readonly #datasets = new Map<DatasetId, Promise<Dataset>>();

  /** @param read how the files are read: `fetch` in a worker, the file system in Node. */
  constructor(read: TextReader) {
    this.#read = read;
  }

  /** The data set `id`, loaded, tokenized and split. */
  get(id: DatasetId): Promise<Dataset> {
    let dataset = this.#datasets.get(id);
    if (!dataset) {
      dataset = loadDataset(id, this.#read);
      dataset.catch(() => this.#datasets.delete(id)); // a failed load may succeed on a retry
      this.#datasets.set(id, dataset);
    }
    return dataset;
  }
}
