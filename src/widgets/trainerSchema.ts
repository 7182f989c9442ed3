import { BACKEND_NAMES } from '../../lab/backend/names';
import type { DatasetId } from '../../lab/data/datasets';
import type { TrainJob } from '../../lab/worker/protocol';
import { TRAINABLE_DATASET_FIELD } from './datasetField';

/** The values the trainer's selects offer; the URL may only pick among them. */
export const TRAINER_CHOICES = {
  opt: ['adam', 'sgd'],
  lr: ['0.01', '0.03', '0.1', '0.3', '1', '10', '50'],
  batch: ['256', '1024', '4096', '16384'],
  steps: ['100', '300', '1000', '3000'],
} as const;

/** The neural-bigram trainer's settings, seed included, as they appear in the URL. */
export const TRAINER_SCHEMA = {
  data: TRAINABLE_DATASET_FIELD,
  opt: { kind: 'enum', default: 'adam', options: TRAINER_CHOICES.opt },
  lr: { kind: 'enum', default: '0.1', options: TRAINER_CHOICES.lr },
  batch: { kind: 'enum', default: '4096', options: TRAINER_CHOICES.batch },
  steps: { kind: 'enum', default: '300', options: TRAINER_CHOICES.steps },
  seed: { kind: 'int', default: 1, min: 0, max: 999_999 },
  backend: { kind: 'enum', default: 'auto', options: ['auto', ...BACKEND_NAMES] },
} as const;

/** The neural bigram trainer's evaluations: the full train and dev splits every this many steps. */
export const BIGRAM_EVAL_EVERY = 10;

/** The job chapter 1's trainer runs for its settings (scripts/bigram-curve.ts runs the defaults' in Node). */
export function bigramJob(values: { [K in keyof typeof TRAINER_SCHEMA]: string | number }): TrainJob {
  return {
    kind: 'train',
    model: 'bigram',
    dataset: values.data as DatasetId,
    optimizer: values.opt as 'adam' | 'sgd',
    learningRate: Number(values.lr),
    batchSize: Number(values.batch),
    steps: Number(values.steps),
    seed: Number(values.seed),
    evalEvery: BIGRAM_EVAL_EVERY,
  };
}
