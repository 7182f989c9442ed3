import { describe, expect, it } from 'vitest';
import { recurrentFootprint } from '../../../lab/models/footprint';
import { createModel } from '../../../lab/models/registry';
import { recipe } from '../../../lab/train/recipes';
import rnnCurve from '../../../public/checkpoints/names-rnn-chapter.curve.json';
import { planCost } from '../../../src/widgets/planCost';
import { presetPlan, presetValues, RECURRENT_PRESETS } from '../../../src/widgets/recurrentPresets';
import { cutShare, RECURRENT_SCHEMA, recurrentPlan, type RecurrentValues, WHOLE_NAME } from '../../../src/widgets/recurrentSchema';
import { type ReferenceCurve, referenceFor } from '../../../src/widgets/runPlan';
import { defaults } from '../../../src/widgets/urlState';

const plain = defaults(RECURRENT_SCHEMA) as RecurrentValues;
const planOf = (changes: Partial<RecurrentValues>) => recurrentPlan({ ...plain, ...changes });

describe('the recurrent trainer’s plan', () => {
  it.each(['rnn', 'lstm', 'gru'] as const)('is names-%s-chapter’s plan, exactly, for its preset', (cell) => {
    expect(presetPlan(RECURRENT_PRESETS[cell])).toEqual(recipe(`names-${cell}-chapter`).plan);
  });

  it('draws the shipped RNN curve for the RNN’s defaults only', () => {
    const shipped: ReferenceCurve[] = [{ plan: rnnCurve.plan as ReferenceCurve['plan'], points: rnnCurve.points }];
    expect(referenceFor(shipped, presetPlan(RECURRENT_PRESETS.rnn))).toBe(shipped[0]);
    expect(referenceFor(shipped, presetPlan(RECURRENT_PRESETS.lstm))).toBeUndefined();
    expect(referenceFor(shipped, planOf({ seed: 1 }))).toBeUndefined();
    expect(referenceFor(shipped, planOf({ scale: 2 }))).toBeUndefined();
  });

  it('carries every setting into the model and the optimizer', () => {
    const plan = planOf({ cell: 'gru', hidden: '64', embed: '16', lr: 0.01, norm: 0.5, batch: '64', steps: '300', seed: 7, scale: 2 });
    expect(plan.model).toEqual({ kind: 'gru', config: { blockSize: WHOLE_NAME, embedDim: 16, hiddenDim: 64, seed: 7, recurrentScale: 2 } });
    expect(plan.minLearningRate).toBeCloseTo(0.001, 12);
    expect(plan).toMatchObject({ learningRate: 0.01, clipNorm: 0.5, batchSize: 64, steps: 300, seed: 7, evalEvery: 15 });
  });

  it('leaves clipping out when it is off, and trains a shorter block on the first tokens of each name', () => {
    expect(planOf({ clip: 'off' })).not.toHaveProperty('clipNorm');
    const short = planOf({ seq: '8' });
    expect(short.sequenceLength).toBe(8);
    expect(short.model.config).toMatchObject({ blockSize: 8 });
    expect(planOf({})).not.toHaveProperty('sequenceLength');
  });

  it('has an explode preset that differs from the RNN’s by the scale, the rate, clipping and steps only', () => {
    const explode = presetValues(RECURRENT_PRESETS.explode);
    expect(explode.cell).toBe('rnn');
    expect(explode.clip).toBe('off');
    expect(explode.scale).toBeGreaterThan(1);
    expect(explode.lr).toBeGreaterThan(plain.lr);
    expect(Number(explode.steps)).toBeLessThanOrEqual(1000);
    expect(recurrentPlan({ ...explode, clip: 'on' }).clipNorm).toBe(1);
  });
});

describe('what a shorter block cuts', () => {
  // 10 names of 3 letters, 5 of 7, 1 of 12.
  const lengths = Object.assign(new Array<number>(13).fill(0), { 3: 10, 7: 5, 12: 1 });
  it('is the share of names with at least as many letters as the block has tokens', () => {
    expect(cutShare(lengths, WHOLE_NAME)).toBe(0);
    expect(cutShare(lengths, 12)).toBeCloseTo(1 / 16);
    expect(cutShare(lengths, 7)).toBeCloseTo(6 / 16);
    expect(cutShare(lengths, 8)).toBeCloseTo(1 / 16);
    expect(cutShare([], 4)).toBe(0);
  });
});

describe('what a recurrent run costs', () => {
  it.each(['rnn', 'lstm', 'gru'] as const)('counts the %s’s parameters as the model has them', (cell) => {
    const config = { blockSize: 16, embedDim: 32, hiddenDim: 128, seed: 1 };
    const model = createModel({ kind: cell, config }, 27);
    const params = model.namedVariables().reduce((n, [, v]) => n + v.size, 0);
    model.dispose();
    expect(recurrentFootprint(cell, config, 27, 32, 16).params).toBe(params);
  });

  it('grows with the state, and a huge configuration does not fit', () => {
    const cost = (changes: Partial<RecurrentValues>) => planCost(planOf(changes), 27, 16, 'wasm');
    expect(cost({ cell: 'lstm' }).params).toBeGreaterThan(cost({ cell: 'rnn' }).params);
    expect(cost({ hidden: '512' }).seconds).toBeGreaterThan(cost({ hidden: '128' }).seconds);
    expect(cost({}).fits).toBe(true);
  });
});
