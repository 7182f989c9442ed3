import { describe, expect, it } from 'vitest';
import { recipe } from '../../../lab/train/recipes';
import curve from '../../../public/checkpoints/names-mlp-lecture.curve.json';
import { DYNAMICS_SCHEMA, type DynamicsValues, dynamicsPlan, overfits, startVerdict } from '../../../src/widgets/dynamicsSchema';
import { MLP_SCHEMA, mlpPlan, type MlpValues } from '../../../src/widgets/mlpSchema';
import { planCost } from '../../../src/widgets/planCost';
import { type ReferenceCurve, referenceFor } from '../../../src/widgets/runPlan';
import { defaults, withDefaults } from '../../../src/widgets/urlState';

const lecture = recipe('names-mlp-lecture').plan;
const plain = defaults(DYNAMICS_SCHEMA) as DynamicsValues;
const planOf = (changes: Partial<DynamicsValues>) => dynamicsPlan({ ...plain, ...changes });

describe('chapter 3’s trainer plan', () => {
  it('is the lecture’s plan with Kaiming’s initialization by default', () => {
    const { model, ...rest } = dynamicsPlan(plain);
    const { model: lectureModel, ...lectureRest } = lecture;
    expect(rest).toEqual(lectureRest);
    expect(model).toEqual({ ...lectureModel, config: { ...lectureModel.config, init: 'kaiming' } });
  });

  it('carries every setting into the model and the optimizer', () => {
    const plan = planOf({ init: 'naive', norm: 'layer', depth: 3, hidden: '400', dropout: 0.2, wd: '0.1', subset: '500', lr: 0.003, batch: '64', steps: '300', seed: 7 });
    expect(plan.model).toEqual({ kind: 'mlp', config: { blockSize: 3, embedDim: 10, hiddenDim: 400, norm: 'layer', init: 'naive', depth: 3, dropout: 0.2, seed: 7 } });
    expect(plan.minLearningRate).toBeCloseTo(0.0003, 12);
    expect(plan).toMatchObject({ learningRate: 0.003, weightDecay: 0.1, trainSubset: 500, batchSize: 64, steps: 300, seed: 7 });
  });

  it('evaluates as often relative to its length as the lecture does', () => {
    const evaluations = lecture.steps / lecture.evalEvery;
    expect(300 / planOf({ steps: '300' }).evalEvery).toBeCloseTo(evaluations, -1);
    expect(planOf({ steps: '100' }).evalEvery).toBeGreaterThanOrEqual(1);
  });

  it('writes a model option only where it differs from the model’s default, as a Node run’s plan does', () => {
    const { config } = planOf({ depth: 1, dropout: 0 }).model as { config: Record<string, unknown> };
    expect(config).not.toHaveProperty('depth');
    expect(config).not.toHaveProperty('dropout');
    expect(planOf({ subset: 'all' })).not.toHaveProperty('trainSubset');
  });

  it('costs more with more layers, and a huge configuration does not fit', () => {
    const cost = (changes: Partial<DynamicsValues>) => planCost(planOf(changes), 27, 17, 'wasm');
    expect(cost({ depth: 3 }).params).toBeGreaterThan(cost({ depth: 1 }).params);
    expect(cost({ hidden: '6400', depth: 5, batch: '16384' }).fits).toBe(false);
    expect(cost({}).fits).toBe(true);
  });

  it('takes an instance’s defaults as the page gives them', () => {
    const mine = defaults(withDefaults(DYNAMICS_SCHEMA, { init: 'large', norm: 'layer', depth: 3, subset: 500, steps: 3000 })) as DynamicsValues;
    expect(dynamicsPlan(mine)).toMatchObject({ steps: 3000, trainSubset: 500, model: { config: { init: 'large', norm: 'layer', depth: 3 } } });
  });

  it('leaves chapter 2’s plan as it was', () => {
    expect(mlpPlan(defaults(MLP_SCHEMA) as MlpValues)).toEqual({ ...lecture, model: { ...lecture.model, config: { ...lecture.model.config, initScale: 1 } } });
  });
});

describe('the reference curve of a run', () => {
  const shipped: ReferenceCurve[] = [{ plan: curve.plan as ReferenceCurve['plan'], points: curve.points }];

  it('is the Node run of exactly the same plan, whatever the order of its fields', () => {
    const same = JSON.parse(JSON.stringify(lecture, Object.keys(lecture).sort())) as typeof lecture;
    expect(referenceFor(shipped, { ...same, model: lecture.model })).toBe(shipped[0]);
  });

  it('is none when any setting differs, the initialization included', () => {
    expect(referenceFor(shipped, dynamicsPlan(plain))).toBeUndefined();
    expect(referenceFor(shipped, { ...lecture, learningRate: 0.02 })).toBeUndefined();
    expect(referenceFor(shipped, { ...lecture, trainSubset: 500 })).toBeUndefined();
  });
});

describe('the step-0 loss in words', () => {
  const uniform = Math.log(27);
  it('is near a uniform guess within a fifth of a nat, far above it from twice ln 27', () => {
    expect(startVerdict(3.3, uniform)).toBe('near');
    expect(startVerdict(3.2, uniform)).toBe('near');
    expect(startVerdict(3.7, uniform)).toBe('above');
    expect(startVerdict(27, uniform)).toBe('far');
  });
});

describe('the train/dev gap in words', () => {
  it('calls a gap overfitting from a twentieth of the dev loss', () => {
    expect(overfits(2.1, 2.17)).toBe(false);
    expect(overfits(1.8, 2.3)).toBe(true);
    // Early in a naive run the train estimate is noisy: 0.12 nats at 7.4 is not overfitting.
    expect(overfits(7.27, 7.4)).toBe(false);
  });
});
