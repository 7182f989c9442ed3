import { describe, expect, it } from 'vitest';
import { gptFootprint } from '../../../lab/models/footprint';
import { recipe } from '../../../lab/train/recipes';
import chapterCurve from '../../../public/checkpoints/tinyshakespeare-gpt-chapter.curve.json';
import copyCurve from '../../../public/checkpoints/copy-attention.curve.json';
import tangCurve from '../../../public/checkpoints/tang-wujue-gpt.curve.json';
import { GPT_PRESETS, type GptPresetName, presetPlan, presetValues } from '../../../src/widgets/gptPresets';
import { blockFor, GPT_SCHEMA, gptPlan, gptProblem, type GptValues } from '../../../src/widgets/gptSchema';
import { planCost } from '../../../src/widgets/planCost';
import { type ReferenceCurve, referenceFor } from '../../../src/widgets/runPlan';
import { defaults, readState, writeState } from '../../../src/widgets/urlState';

const RECIPE_OF: Record<GptPresetName, string> = {
  chapter: 'tinyshakespeare-gpt-chapter',
  nanogpt: 'tinyshakespeare-gpt',
  tang: 'tang-wujue-gpt',
  copy: 'copy-attention',
  'copy-nopos': 'copy-attention-nopos',
};
const plain = defaults(GPT_SCHEMA) as GptValues;
const copy = presetValues('copy');
/** The data sets' shapes as the page's build finds them (lines: longest line and its boundaries). */
const FACTS = { tinyshakespeare: { vocabSize: 65 }, copy: { vocabSize: 28, lineLength: 18 }, 'tang-wujue': { vocabSize: 3622, lineLength: 25 }, names: { vocabSize: 27, lineLength: 16 } };

describe('the GPT trainer’s plan', () => {
  it.each(Object.keys(GPT_PRESETS) as GptPresetName[])('is its recipe’s plan, exactly, for the preset %s', (preset) => {
    expect(presetPlan(preset)).toEqual(recipe(RECIPE_OF[preset]).plan);
  });

  it('has chapter 7’s recipe as the schema’s defaults', () => {
    expect(gptPlan(plain)).toEqual(recipe('tinyshakespeare-gpt-chapter').plan);
  });

  it('draws the shipped chapter curve for chapter 7’s preset, and not once a setting changes', () => {
    const shipped: ReferenceCurve[] = [{ plan: chapterCurve.plan as ReferenceCurve['plan'], points: chapterCurve.points }];
    expect(referenceFor(shipped, presetPlan('chapter'))).toBe(shipped[0]);
    expect(referenceFor(shipped, gptPlan({ ...plain, lr: 0.003 }))).toBeUndefined();
    expect(referenceFor(shipped, presetPlan('nanogpt'))).toBeUndefined();
  });

  it('draws the shipped Tang curve for the Tang preset', () => {
    const shipped: ReferenceCurve[] = [{ plan: tangCurve.plan as ReferenceCurve['plan'], points: tangCurve.points }];
    expect(referenceFor(shipped, presetPlan('tang'))).toBe(shipped[0]);
    expect(referenceFor(shipped, gptPlan({ ...presetValues('tang'), dropout: 0 }))).toBeUndefined();
  });

  it('draws the shipped copy curve for the copy preset only', () => {
    const shipped: ReferenceCurve[] = [{ plan: copyCurve.plan as ReferenceCurve['plan'], points: copyCurve.points }];
    expect(referenceFor(shipped, presetPlan('copy'))).toBe(shipped[0]);
    expect(referenceFor(shipped, presetPlan('copy-nopos'))).toBeUndefined();
    expect(referenceFor(shipped, gptPlan({ ...copy, steps: 30 }))).toBeUndefined();
    expect(referenceFor(shipped, gptPlan({ ...copy, heads: '2' }))).toBeUndefined();
  });

  it('carries every setting into the model and the optimizer, on the data set’s recipe', () => {
    const plan = gptPlan({ ...plain, data: 'tang-wujue', layers: '2', heads: '8', embd: '128', block: '26', dropout: 0.2, pos: 'off', lr: 0.01, batch: '8', steps: 200, seed: 7 });
    expect(plan.model).toEqual({ kind: 'gpt', config: { blockSize: 26, nLayer: 2, nHead: 8, nEmbd: 128, dropout: 0.2, bias: false, tieWeights: true, seed: 7, positions: false } });
    const tang = recipe('tang-wujue-gpt').plan;
    expect(plan).toMatchObject({ learningRate: 0.01, batchSize: 8, steps: 200, seed: 7, evalEvery: 20, warmupSteps: tang.warmupSteps, weightDecay: tang.weightDecay, clipNorm: tang.clipNorm });
    expect(plan.minLearningRate).toBeCloseTo(0.001, 12);
    // Names keep makemore's biases, untied head and PyTorch init.
    expect(gptPlan({ ...plain, data: 'names', block: '16', steps: 100 }).model.config).toMatchObject({ bias: true, tieWeights: false, init: 'pytorch' });
  });

  it('evaluates a shortened run at most every 10 steps, and the full recipe at its own cadence', () => {
    expect(gptPlan({ ...plain, steps: 40 }).evalEvery).toBe(10);
    expect(gptPlan({ ...plain, steps: 3000 }).evalEvery).toBe(200);
    expect(gptPlan(copy).evalEvery).toBe(recipe('copy-attention').plan.evalEvery);
  });

  it('round-trips every setting through the URL', () => {
    const values: GptValues = { ...plain, data: 'copy', layers: '2', heads: '2', embd: '48', block: '18', dropout: 0.1, pos: 'off', lr: 0.0005, batch: '64', steps: 30, seed: 42, backend: 'wasm' };
    const params = new URLSearchParams();
    writeState(GPT_SCHEMA, values, params, 'gpt');
    expect(readState(GPT_SCHEMA, params, 'gpt')).toEqual({ values, notices: [] });
  });

  it('clamps or refuses an impossible URL value, and says so', () => {
    const { values, notices } = readState(GPT_SCHEMA, new URLSearchParams('gpt.heads=5&gpt.embd=100000&gpt.steps=0&gpt.dropout=1.5&gpt.data=wikipedia'), 'gpt');
    expect(values).toMatchObject({ heads: plain.heads, embd: plain.embd, steps: 10, dropout: 0.9, data: plain.data });
    expect(notices.map((n) => [n.param, n.reason])).toEqual([
      ['gpt.data', 'invalid'],
      ['gpt.heads', 'invalid'],
      ['gpt.embd', 'invalid'],
      ['gpt.dropout', 'range'],
      ['gpt.steps', 'range'],
    ]);
  });
});

describe('what the GPT trainer refuses', () => {
  it('accepts every preset', () => {
    for (const preset of Object.keys(GPT_PRESETS) as GptPresetName[]) expect(gptProblem(presetValues(preset), FACTS), preset).toBeUndefined();
  });

  it('refuses heads that do not divide the embedding', () => {
    expect(gptProblem({ ...plain, heads: '3', embd: '64' }, FACTS)).toEqual({ problem: 'heads', heads: 3, embd: 64 });
    expect(gptProblem({ ...plain, heads: '3', embd: '48' }, FACTS)).toBeUndefined();
  });

  it('refuses a block that does not hold a line data set’s longest example, or is longer than the block that does; running text takes any', () => {
    expect(gptProblem({ ...copy, block: '16' }, FACTS)).toEqual({ problem: 'blockShort', block: 16, line: 18, need: 18 });
    expect(gptProblem({ ...copy, block: '64' }, FACTS)).toEqual({ problem: 'blockLong', block: 64, line: 18, need: 18 });
    // Tang's 25 tokens take the block of 26 (its recipe's), not 32.
    const tang = presetValues('tang');
    expect(gptProblem(tang, FACTS)).toBeUndefined();
    expect(gptProblem({ ...tang, block: '32' }, FACTS)).toEqual({ problem: 'blockLong', block: 32, line: 25, need: 26 });
    expect(blockFor(25)).toBe(26);
    expect(gptProblem({ ...plain, block: '512' }, FACTS)).toBeUndefined();
  });

  it('estimates the memory of the chapter’s GPT well under the limit, and refuses a huge one', () => {
    const cost = (values: GptValues) => planCost(gptPlan(values), 65, Number(values.block), 'wasm');
    const chapter = cost(plain);
    expect(chapter.fits).toBe(true);
    const model = presetPlan('chapter').model;
    if (model.kind !== 'gpt') throw new Error('the chapter preset is a GPT');
    expect(chapter.params).toBe(gptFootprint(model.config, 65, 16, 64).params);
    expect(chapter.seconds).toBeGreaterThan(0);
    const huge = cost({ ...plain, layers: '8', heads: '8', embd: '512', block: '512', batch: '128' });
    expect(huge.fits).toBe(false);
    expect(cost({ ...plain, embd: '128' }).seconds).toBeGreaterThan(chapter.seconds);
  });
});
