import type { DatasetId } from '../../lab/data/datasets';
import { NGRAM_ORDER_RANGE } from '../../lab/models/ngramCounts';
import type { NGramJob, WorkerRequest } from '../../lab/worker/protocol';
import { DATASET_FIELD } from './datasetField';
import { drawRequest } from './modelSamplerSchema';
import type { Values } from './urlState';

/** The sampler's settings, seed included, as they appear in the URL (`sample.n=…`). */
export const SAMPLER_SCHEMA = {
  data: DATASET_FIELD,
  /** Order of the sampled n-gram. */
  n: { kind: 'int', default: 3, ...NGRAM_ORDER_RANGE },
  /** Temperature of the draws: 0 is greedy, 1 the model's own distribution. */
  temp: { kind: 'float', default: 1, min: 0, max: 2 },
  seed: { kind: 'int', default: 42, min: 0, max: 999_999 },
  /** Samples per draw. */
  count: { kind: 'int', default: 12, min: 1, max: 40 },
} as const;

/** Characters drawn per sample: a name or a poem ends by itself, running text stops here. */
export const SAMPLE_LENGTH: Record<DatasetId, number> = { names: 30, 'tang-wujue': 40, tinyshakespeare: 300, copy: 20 };

/**
 * The n-gram the sampler draws from: interpolated Witten–Bell down to an add-one unigram. Add-k
 * with a fixed k would drown a rare context of the Tang poems' 3,622 characters in pseudo-counts
 * (add-0.1 gives 362 of them to every context), and its samples would be nearly uniform noise.
 */
export function samplerJob(dataset: DatasetId, order: number): NGramJob {
  return { kind: 'ngram', dataset, order, smoothing: 1, estimator: 'witten-bell' };
}

/** The sample request for the sampler's settings, for the model of job `jobId`. */
export function sampleRequest(jobId: number, values: Values<typeof SAMPLER_SCHEMA>): Extract<WorkerRequest, { type: 'sample' }> {
  return drawRequest(jobId, values, '', SAMPLE_LENGTH[values.data as DatasetId]);
}
