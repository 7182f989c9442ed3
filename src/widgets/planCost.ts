import type { BackendName } from '../../lab/backend/names';
import { PROBE_WORKLOAD } from '../../lab/backend/names';
import { type Footprint, gptFootprint, mlpFootprint, recurrentFootprint } from '../../lab/models/footprint';
import type { TrainingPlan } from '../../lab/train/run';

/** Most bytes a run may hold while training: beyond, a browser tab runs out of memory (wasm32 stops at 4 GiB, phones far sooner). */
export const MEMORY_LIMIT_BYTES = 1024 ** 3;

/**
 * Floating-point operations per second assumed where no probe has timed the backend, kept low
 * on purpose (a slow laptop's): an estimate the reader beats rather than one that disappoints.
 */
const ASSUMED_FLOPS: Record<BackendName, number> = { webgpu: 5e9, webgl: 2e9, wasm: 1e9, cpu: 1e8 };

/**
 * How many times slower a recurrent model trains than an MLP of the same arithmetic: its cell
 * runs T small (B, H) products one after another, forward and back, where the MLP does one large
 * product, and each costs a kernel launch. Measured in Node on wasm: names-rnn-chapter's step
 * ran 2.8 times fewer operations per second than the backend probe's MLP (PROBE_WORKLOAD) on
 * names (`scripts/explode-preset.ts --timing`, 2026-11-30).
 */
export const RECURRENT_SLOWDOWN = 3;

/**
 * How many times slower a GPT trains than an MLP of the same arithmetic: its step is many
 * small kernels (per block two LayerNorms, the attention's reshapes, transposes, masked softmax
 * and its hand-written backward, GELU, dropout) around products far smaller than the probe's.
 * Measured in Node on wasm (`scripts/gpt-timing.ts`, SLOWDOWN_NOTE): MEASURED_SLOWDOWNS.
 */
export const GPT_SLOWDOWN = 3;

/** What a configuration costs, and whether it may run. */
export interface PlanCost extends Footprint {
  /** Estimated seconds of training, evaluations aside. */
  seconds: number;
  /** Whether the estimate comes from this page's probe of the backend (else an assumed rate). */
  measured: boolean;
  /** Whether it fits in {@link MEMORY_LIMIT_BYTES}. */
  fits: boolean;
}

/** The footprint of a plan's model (an MLP, a recurrent model or a GPT) on batches of `length` tokens, and how much slower than an MLP its arithmetic runs. */
function footprintOf(plan: TrainingPlan, vocabSize: number, length: number): { footprint: Footprint; slowdown: number } {
  const { model } = plan;
  switch (model.kind) {
    case 'mlp':
      return { footprint: mlpFootprint(model.config, vocabSize, plan.batchSize, length), slowdown: 1 };
    case 'rnn':
    case 'lstm':
    case 'gru':
      return { footprint: recurrentFootprint(model.kind, model.config, vocabSize, plan.batchSize, length), slowdown: RECURRENT_SLOWDOWN };
    case 'gpt':
      return { footprint: gptFootprint(model.config, vocabSize, plan.batchSize, length), slowdown: GPT_SLOWDOWN };
    default:
      throw new Error(`no cost estimate for a ${model.kind} plan`);
  }
}

/**
 * The cost of training `plan` on `vocabSize` tokens and sequences of `length`, on `backend`
 * whose probe (an MLP's step) took `probeMs` when one was timed.
 */
export function planCost(plan: TrainingPlan, vocabSize: number, length: number, backend: BackendName, probeMs?: number): PlanCost {
  const { footprint, slowdown } = footprintOf(plan, vocabSize, length);
  const { model, batch } = PROBE_WORKLOAD;
  const probeFlops = mlpFootprint(model, model.vocabSize, batch.batchSize, batch.length).flopsPerStep;
  const measured = probeMs !== undefined && probeMs > 0;
  const rate = measured ? probeFlops / (probeMs / 1000) : ASSUMED_FLOPS[backend];
  return { ...footprint, seconds: (plan.steps * footprint.flopsPerStep * slowdown) / rate, measured, fits: footprint.trainingBytes <= MEMORY_LIMIT_BYTES };
}
