import { describe, expect, it } from 'vitest';
import { parseConfig, planFromOptions, rangeFromOptions } from '../../../lab/cli/options';
import { machinesOf, referenceMarkdown } from '../../../lab/cli/referenceTable';
import { recipe } from '../../../lab/train/recipes';

describe('command-line options', () => {
  it('starts from a recipe and lets options override it', () => {
    const { dataset, plan } = planFromOptions({ recipe: 'names-gpt', steps: '10', lr: '3e-4', config: 'nLayer=2,bias=true' });
    expect(dataset).toBe('names');
    expect(plan.steps).toBe(10);
    expect(plan.learningRate).toBe(3e-4);
    expect(plan.model).toMatchObject({ kind: 'gpt', config: { nLayer: 2, bias: true, nEmbd: 64 } });
    expect(plan.batchSize).toBe(recipe('names-gpt').plan.batchSize);
  });

  it('finds a recipe for a model and a data set, and sets the seed of weights and batches together', () => {
    const { dataset, plan } = planFromOptions({ model: 'lstm', data: 'names', seed: '5' });
    expect(dataset).toBe('names');
    expect(plan.model.kind).toBe('lstm');
    expect(plan.seed).toBe(5);
    expect((plan.model.config as { seed: number }).seed).toBe(5);
  });

  it('rejects what it cannot use, saying which option is wrong', () => {
    expect(() => planFromOptions({ model: 'transformer', data: 'names' })).toThrow(/--model/);
    expect(() => planFromOptions({ model: 'gpt', data: 'wiki' })).toThrow(/--data/);
    expect(() => planFromOptions({ recipe: 'names-gpt', steps: 'many' })).toThrow(/--steps must be a number/);
    expect(() => planFromOptions({ recipe: 'names-gpt', steps: '0' })).toThrow(/positive integer/);
    expect(() => planFromOptions({ recipe: 'nope' })).toThrow(/no recipe called nope/);
    expect(() => parseConfig('nLayer')).toThrow(/key=value/);
  });

  it('takes a range test sweep from --min, --max and --steps, and a training subset from --subset', () => {
    const { dataset, plan, sweep } = rangeFromOptions({ recipe: 'names-mlp-lecture', min: '1e-4', max: '0.5', batch: '64' });
    expect(dataset).toBe('names');
    expect(sweep).toEqual({ minLearningRate: 1e-4, maxLearningRate: 0.5, steps: 300 });
    expect(plan.batchSize).toBe(64);
    expect(rangeFromOptions({ recipe: 'names-mlp-lecture', steps: '50' }).sweep).toEqual({ minLearningRate: 1e-5, maxLearningRate: 1, steps: 50 });
    expect(planFromOptions({ recipe: 'names-mlp-lecture', subset: '500' }).plan.trainSubset).toBe(500);
    expect(() => planFromOptions({ recipe: 'names-mlp-lecture', subset: '0.5' })).toThrow('--subset must be a positive integer');
    expect(() => rangeFromOptions({ recipe: 'names-mlp-lecture', max: 'big' })).toThrow('--max must be a number, not big');
  });

  it('parses config values into numbers, booleans and strings', () => {
    expect(parseConfig('a=1,b=false,c=layer')).toEqual({ a: 1, b: false, c: 'layer' });
  });
});

describe('reference table', () => {
  it('marks a row that misses its target, and says when it is a dry run', () => {
    const machine = { cpu: 'test cpu', cores: 2, node: 'v20', backend: 'wasm', scale: 0.1, date: '2026-11-26' };
    const row = { id: 'names-gpt', dataset: 'names', model: 'GPT', params: 1000, steps: 10, tokens: 5120, seconds: 3, train: 2.1, dev: 2.2, test: 2.21, source: 's' };
    const md = referenceMarkdown([{ ...row, target: 1.95 }, { ...row, id: 'x', dev: 1.9, target: 1.95 }], machine);
    expect(md).toContain('| **no** |');
    expect(md).toContain('| yes |');
    expect(md).toContain('dry run at 0.1');
  });

  it('names the machine of each row that was trained on another one, and leaves out the counted rows', () => {
    const first = { cpu: 'AMD EPYC', cores: 2, node: 'v20', backend: 'wasm', scale: 1, date: '2026-11-26' };
    const later = { ...first, cpu: 'Intel Xeon', date: '2026-11-30' };
    const row = { id: 'names-gpt', dataset: 'names', model: 'GPT', params: 1000, steps: 10, tokens: 5120, seconds: 3, train: 2.1, dev: 2.2, source: 's' };
    const counted = { ...row, id: 'names-count-bigram', model: 'count bigram', steps: 0, machine: later };
    const rows = [counted, { ...row, machine: first }, { ...row, id: 'names-mlp', model: 'MLP' }, { ...row, id: 'names-lstm', model: 'LSTM', machine: later }];
    expect(machinesOf(rows, first).map((m) => [m.machine.cpu, m.rows.map((r) => r.id)])).toEqual([
      ['AMD EPYC', ['names-gpt', 'names-mlp']],
      ['Intel Xeon', ['names-lstm']],
    ]);
    const md = referenceMarkdown(rows, first);
    expect(md).toContain('Machine: AMD EPYC, 2 cores, Node v20, tfjs wasm backend, 2026-11-26, for every row but these:');
    expect(md).toContain('- names LSTM: Intel Xeon, 2 cores, Node v20, tfjs wasm backend, 2026-11-30.');
    expect(referenceMarkdown([{ ...row, machine: later }], first)).toContain('Machine: Intel Xeon, 2 cores, Node v20, tfjs wasm backend, 2026-11-30.\n');
  });
});
