import { describe, expect, it } from 'vitest';
import { applyRunEvent, MAX_BATCH_POINTS, newRun, parseRunFile, type RunRecord, RUN_VERSION, runFileText, settingsDiff } from '../../../src/runs/record';
import { RunRecorder } from '../../../src/runs/recorder';
import { RunStoreError, type RunStore } from '../../../src/runs/store';

/** A run of chapter 2's trainer with `settings` over the defaults. */
function run(settings: Record<string, string | number> = {}, id = 'a'): RunRecord {
  return newRun({
    id,
    widget: 'lm-mlp-trainer',
    prefix: 'mlp',
    page: '/en/mlp/',
    lang: 'en',
    settings: { lr: '0.01', steps: '100', seed: 2147483647, backend: 'auto', ...settings },
    settingLabels: { lr: 'Learning rate', steps: 'Steps', seed: 'Seed', backend: 'Backend' },
    link: '/en/mlp/?mlp.lr=0.01#lm-mlp-trainer-title',
    label: 'MLP language model',
    startedAt: '2026-12-01T10:00:00.000Z',
    totalSteps: 100,
  });
}

/** `run` trained for `steps` steps with evaluations every 10, losses falling from 3.3. */
function trained(steps: number): RunRecord {
  let r = run();
  for (let step = 1; step <= steps; step++) {
    const loss = 3.3 - step / 1000;
    const points = [{ step, series: 'batch' as const, loss }, ...(step % 10 === 0 ? [{ step, series: 'train' as const, loss: loss + 0.01 }, { step, series: 'dev' as const, loss: loss + 0.02 }] : [])];
    r = applyRunEvent(r, { type: 'progress', step, points, durationMs: step * 5 });
  }
  return r;
}

describe('a run record', () => {
  it('keeps every evaluation, the final losses, and at most 500 batch losses, evenly', () => {
    const r = applyRunEvent(trained(1500), { type: 'end', status: 'done', durationMs: 9000 });
    expect(r.status).toBe('done');
    expect(r.durationMs).toBe(9000);
    expect(r.curve.dev).toHaveLength(150);
    expect(r.final).toEqual({ step: 1500, train: 3.3 - 1.5 + 0.01, dev: 3.3 - 1.5 + 0.02 });
    expect(r.curve.batch.length).toBeLessThanOrEqual(MAX_BATCH_POINTS);
    expect(r.curve.batch.length).toBeGreaterThan(MAX_BATCH_POINTS / 2);
    expect(r.curve.batch.every(([step]) => step % r.batchStride === 0)).toBe(true);
    expect(r.curve.batch.at(-1)![0]).toBe(1500 - (1500 % r.batchStride));
  });

  it('ends diverged at a NaN loss, with its last finite loss kept, and takes no more points', () => {
    let r = trained(30);
    r = applyRunEvent(r, { type: 'progress', step: 32, points: [{ step: 31, series: 'batch', loss: 7.5 }, { step: 32, series: 'batch', loss: NaN }], durationMs: 200 });
    expect(r.status).toBe('diverged');
    expect(r.lastGood).toEqual({ step: 31, loss: 7.5 });
    expect(r.step).toBe(32);
    const after = applyRunEvent(r, { type: 'progress', step: 33, points: [{ step: 33, series: 'batch', loss: 1 }], durationMs: 210 });
    expect(after.curve.batch.at(-1)).toEqual([31, 7.5]);
    expect(r.curve.batch.flat().every(Number.isFinite)).toBe(true);
  });

  it('ends diverged with the worker’s last good point when the worker stops it', () => {
    const r = applyRunEvent(trained(40), { type: 'diverged', lastGood: { step: 38, loss: 3.26 }, durationMs: 300 });
    expect(r).toMatchObject({ status: 'diverged', lastGood: { step: 38, loss: 3.26 }, durationMs: 300 });
    expect(applyRunEvent(trained(40), { type: 'diverged', durationMs: 1 }).lastGood).toEqual({ step: 40, loss: 3.26 });
  });

  it('a failed run says why, and goes on running when it is continued', () => {
    const failed = applyRunEvent(trained(5), { type: 'failed', message: 'the GPU was lost', durationMs: 20 });
    expect(failed).toMatchObject({ status: 'failed', error: 'the GPU was lost' });
    const resumed = applyRunEvent(failed, { type: 'resumed' });
    expect(resumed.status).toBe('running');
    expect(resumed.error).toBeUndefined();
  });
});

describe('settingsDiff', () => {
  it('names the settings that differ, with each run’s value', () => {
    expect(settingsDiff([run({ lr: '0.01' }), run({ lr: '0.1' })])).toEqual([{ key: 'lr', label: 'Learning rate', values: ['0.01', '0.1'] }]);
    expect(settingsDiff([run({ lr: '0.1', seed: 1 }), run({ lr: '0.1', seed: 2 }), run({ lr: '0.3', seed: 1 })])).toEqual([
      { key: 'lr', label: 'Learning rate', values: ['0.1', '0.1', '0.3'] },
      { key: 'seed', label: 'Seed', values: [1, 2, 1] },
    ]);
  });

  it('finds nothing between identical runs, and counts a setting one run lacks as differing', () => {
    expect(settingsDiff([run(), run()])).toEqual([]);
    const other = { ...run(), settings: { recipe: 'names-gpt' }, settingLabels: { recipe: 'Recipe' } };
    expect(settingsDiff([run(), other]).map((d) => d.key)).toEqual(['lr', 'steps', 'seed', 'backend', 'recipe']);
    expect(settingsDiff([run(), other]).at(-1)).toEqual({ key: 'recipe', label: 'Recipe', values: [undefined, 'names-gpt'] });
  });
});

describe('run files', () => {
  it('round-trip runs exactly: export, then import', () => {
    const runs = [applyRunEvent(applyRunEvent(trained(700), { type: 'ready', backend: 'wasm', threads: 2 }), { type: 'end', status: 'done', durationMs: 4321 }), applyRunEvent(trained(12), { type: 'diverged', lastGood: { step: 11, loss: 3.29 }, durationMs: 7 })];
    const back = parseRunFile(runFileText(runs, '2026-12-01T11:00:00.000Z'));
    expect(back).toEqual({ ok: true, runs });
    // One record alone, or a list of them, reads too.
    expect(parseRunFile(JSON.stringify(runs[1]))).toEqual({ ok: true, runs: [runs[1]] });
    expect(parseRunFile(JSON.stringify(runs))).toEqual({ ok: true, runs });
  });

  it('refuses a file that is not one', () => {
    expect(parseRunFile('not json {')).toEqual({ ok: false, problem: { code: 'not-json' } });
    for (const text of ['{}', '[]', '[1, 2]', '"lm-run"', '{"format":"lm-checkpoint","version":1}', '{"format":"lm-runs","version":1}', '{"format":"lm-runs","version":"1","runs":[]}']) {
      expect(parseRunFile(text), text).toEqual({ ok: false, problem: { code: 'not-runs' } });
    }
  });

  it('refuses a newer version, naming it, in the file or in a record', () => {
    const file = JSON.parse(runFileText([run()], '2026-12-01T11:00:00.000Z')) as { version: number; runs: { version: number }[] };
    expect(parseRunFile(JSON.stringify({ ...file, version: RUN_VERSION + 1 }))).toEqual({ ok: false, problem: { code: 'newer', version: RUN_VERSION + 1 } });
    expect(parseRunFile(JSON.stringify({ ...file, runs: [{ ...file.runs[0], version: 7 }] }))).toEqual({ ok: false, problem: { code: 'newer', version: 7 } });
  });

  it('refuses a record with a missing or malformed field, naming it', () => {
    const bad = (patch: Record<string, unknown>) => parseRunFile(JSON.stringify({ ...run(), ...patch }));
    expect(bad({ status: 'exploded' })).toEqual({ ok: false, problem: { code: 'invalid', index: 0, field: 'status' } });
    expect(bad({ link: 'https://elsewhere.example/' })).toMatchObject({ problem: { field: 'link' } });
    expect(bad({ link: '//elsewhere.example/' })).toMatchObject({ problem: { field: 'link' } });
    expect(bad({ curve: { batch: [[1, null]], train: [], dev: [] } })).toMatchObject({ problem: { field: 'curve' } });
    expect(bad({ id: undefined })).toMatchObject({ problem: { field: 'id' } });
    expect(bad({ lang: 'fr' })).toMatchObject({ problem: { field: 'lang' } });
  });
});

/** A store that keeps copies in memory, failing with `problem` when given one. */
function memoryStore(problem?: RunStoreError): RunStore & { writes: RunRecord[] } {
  const runs = new Map<string, RunRecord>();
  const writes: RunRecord[] = [];
  return {
    writes,
    list: async () => [...runs.values()],
    get: async (id) => runs.get(id),
    put: async (...records) => {
      await new Promise((r) => setTimeout(r, 1));
      if (problem) throw problem;
      for (const r of records) {
        writes.push(structuredClone(r));
        runs.set(r.id, structuredClone(r));
      }
    },
    delete: async (...ids) => ids.forEach((id) => runs.delete(id)),
    clear: async () => runs.clear(),
  };
}

describe('RunRecorder', () => {
  const start = () => {
    const { format: _f, version: _v, durationMs: _d, status: _s, step: _st, curve: _c, batchStride: _b, ...rest } = run();
    return rest;
  };

  it('writes at the start, at evaluations no more often than every 2 s, and at the end; the store holds the last record', async () => {
    const store = memoryStore();
    let now = 0;
    const recorder = new RunRecorder(start(), { store, onProblem: () => expect.fail('no problem expected'), now: () => now });
    for (let step = 1; step <= 100; step++) {
      now += 100;
      const evals = step % 10 === 0 ? [{ step, series: 'dev' as const, loss: 3 - step / 100 }] : [];
      recorder.apply({ type: 'progress', step, points: [{ step, series: 'batch', loss: 3 }, ...evals], durationMs: now });
    }
    recorder.apply({ type: 'end', status: 'done', durationMs: now });
    await recorder.save();
    expect(store.writes.length).toBeLessThanOrEqual(1 + 5 + 1 + 1);
    expect(await store.get(recorder.run.id)).toEqual(recorder.run);
    expect(recorder.run).toMatchObject({ status: 'done', final: { step: 100, dev: 2 } });
  });

  it('reports a full store once, and the run goes on being recorded in memory', async () => {
    const problems: RunStoreError[] = [];
    const recorder = new RunRecorder(start(), { store: memoryStore(new RunStoreError('quota', 'QuotaExceededError')), onProblem: (e) => problems.push(e) });
    recorder.apply({ type: 'progress', step: 10, points: [{ step: 10, series: 'dev', loss: 2.9 }], durationMs: 50 });
    recorder.apply({ type: 'end', status: 'done', durationMs: 60 });
    await recorder.save();
    expect(problems.map((p) => p.problem)).toEqual(['quota']);
    expect(recorder.run.status).toBe('done');
  });
});
