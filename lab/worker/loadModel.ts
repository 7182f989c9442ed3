import { type DatasetId, isDatasetId } from '../data/datasets';
import type { LanguageModel } from '../models/model';
import { createModel, isModelKind, type ModelSpec } from '../models/registry';
import { type Checkpoint, type CheckpointConfig, decodeCheckpoint, restoreWeights } from '../train/checkpoint';
import type { TrainingPlan } from '../train/run';

/** A model rebuilt from checkpoint bytes, with what the checkpoint says of it. */
export interface LoadedModel {
  model: LanguageModel;
  spec: ModelSpec;
  plan: TrainingPlan;
  /** The data set it was trained on, when the checkpoint names one the course knows. */
  datasetId?: CheckpointConfig['dataset'];
  vocab: string[];
  step: number;
  metrics?: Record<string, number>;
}

/**
 * Rebuilds the model a checkpoint holds (its `config` is a {@link CheckpointConfig}) and loads
 * its weights.
 * @param label how the error messages name the file, e.g. `the checkpoint names-mlp`.
 * @throws an Error with a sentence a reader can act on for bytes that are not a checkpoint,
 *   one that does not say which model it holds, and weights that do not fit that model.
 */
export function modelFromCheckpoint(bytes: Uint8Array, label: string): LoadedModel {
  let checkpoint: Checkpoint;
  try {
    checkpoint = decodeCheckpoint(bytes);
  } catch (err) {
    throw new Error(`${label} is not a checkpoint of this course (${err instanceof Error ? err.message : String(err)})`);
  }
  const config = checkpoint.config as Partial<CheckpointConfig> | undefined;
  const spec = config?.plan?.model;
  if (!spec || typeof spec.kind !== 'string' || !isModelKind(spec.kind) || !Array.isArray(checkpoint.vocab)) {
    throw new Error(`${label} does not say which model it holds: it was not written by this course's lab`);
  }
  if (checkpoint.model !== spec.kind) throw new Error(`${label} is inconsistent: its weights are a ${checkpoint.model} model's, its plan builds a ${spec.kind}`);
  let model: LanguageModel;
  try {
    model = createModel(spec, checkpoint.vocab.length);
  } catch (err) {
    throw new Error(`${label} describes a ${spec.kind} model that cannot be built (${err instanceof Error ? err.message : String(err)})`);
  }
  try {
    restoreWeights(model, checkpoint);
  } catch (err) {
    model.dispose();
    throw new Error(`${label}'s weights do not fit the ${spec.kind} model it describes (${err instanceof Error ? err.message : String(err)})`);
  }
  const datasetId = config?.dataset !== undefined && isDatasetId(config.dataset) ? config.dataset : undefined;
  return { model, spec, plan: config!.plan!, datasetId, vocab: checkpoint.vocab, step: checkpoint.step, metrics: checkpoint.metrics };
}

/**
 * A freshly initialised model of `spec` (step 0, never trained) for a data set's vocabulary, with a
 * plan of no steps: what a `{ fresh }` source holds, e.g. chapter 4's RNN at its initial weights.
 * @throws an Error a reader can act on for a spec that names no model of the course, or one that
 *   cannot be built.
 */
export function freshModel(spec: ModelSpec, datasetId: DatasetId, vocab: readonly string[]): LoadedModel {
  if (!spec || typeof spec.kind !== 'string' || !isModelKind(spec.kind)) throw new Error(`there is no model kind ${JSON.stringify(spec?.kind)} to build`);
  let model: LanguageModel;
  try {
    model = createModel(spec, vocab.length);
  } catch (err) {
    throw new Error(`a fresh ${spec.kind} model cannot be built (${err instanceof Error ? err.message : String(err)})`);
  }
  const plan: TrainingPlan = { model: spec, steps: 0, batchSize: 1, learningRate: 0, weightDecay: 0, beta2: 0.999, evalEvery: 1, seed: 0 };
  return { model, spec, plan, datasetId, vocab: [...vocab], step: 0 };
}
