import { describe, expect, it, vi } from 'vitest';
import { chooseWasmThreads, type CoreSample, freeCoresOf, parseThreadSetting, poolSettingsFor, SlowdownWatch, type ThreadChoice, threadsFor } from '../../../lab/backend/threads';
import { LabHost } from '../../../lab/worker/host';
import type { WorkerResponse } from '../../../lab/worker/protocol';
import { ThreadKeeper, type ThreadKeeperEnvironment } from '../../../lab/worker/threadKeeper';
import { readData, WASM_DIR } from './helpers';

/** A measurement that found these rates (iterations per ms), solo first. */
const sample = (solo: number, ...together: number[]): CoreSample => ({ solo, together, ms: 90 });
const measured = (s: CoreSample) => vi.fn(async () => s);

describe('chooseWasmThreads (fake timings)', () => {
  it('gives 2 threads on an idle 2-core machine', async () => {
    const measure = measured(sample(100, 97, 95));
    const choice = await chooseWasmThreads(2, { isolated: true, measure });
    expect(measure).toHaveBeenCalledWith(2);
    expect(choice).toEqual({ threads: 2, cores: 2, freeCores: 1.92, measuredMs: 90, reason: 'measured', policy: 2 });
  });

  it('gives 1 thread when another process keeps one of the 2 cores busy', async () => {
    // Three busy threads share two cores: each of ours gets two thirds of one.
    const choice = await chooseWasmThreads(2, { isolated: true, measure: measured(sample(100, 67, 66)) });
    expect(choice).toMatchObject({ threads: 1, freeCores: 1.33, reason: 'measured' });
  });

  it('gives 1 thread when both cores are shared with busy processes', async () => {
    // Alone, a helper gets 2/3 of a core (it and two busy processes); together ours get 1/2 each.
    expect((await chooseWasmThreads(2, { isolated: true, measure: measured(sample(67, 50, 50)) })).threads).toBe(1);
  });

  it('gives 1 thread on one core, without measuring', async () => {
    const measure = measured(sample(100, 100));
    expect(await chooseWasmThreads(1, { isolated: true, measure })).toMatchObject({ threads: 1, reason: 'policy' });
    expect(measure).not.toHaveBeenCalled();
  });

  it('gives 1 thread when the page is not cross-origin isolated (no threads at all)', async () => {
    const measure = measured(sample(100, 100, 100));
    expect(await chooseWasmThreads(2, { isolated: false, measure })).toMatchObject({ threads: 1, reason: 'not-isolated' });
    expect(measure).not.toHaveBeenCalled();
  });

  it('keeps to the policy when it cannot measure, and a forced count as it is', async () => {
    const failing = vi.fn(async (): Promise<CoreSample> => {
      throw new Error('no workers');
    });
    expect(await chooseWasmThreads(2, { isolated: true, measure: failing })).toMatchObject({ threads: 2, reason: 'policy' });
    expect(await chooseWasmThreads(2, { isolated: true, setting: 1, measure: failing })).toMatchObject({ threads: 1, reason: 'forced' });
    expect(failing).toHaveBeenCalledTimes(1);
  });

  it('measures at most the policy: 4 threads on 8 cores, fewer as cores are taken', async () => {
    expect(await chooseWasmThreads(8, { isolated: true, measure: measured(sample(100, 100, 99, 98, 97)) })).toMatchObject({ threads: 4, policy: 4 });
    expect((await chooseWasmThreads(8, { isolated: true, measure: measured(sample(100, 100, 100, 60, 60)) })).threads).toBe(3);
  });

  it('sizes the pthread pool for the policy only where the count was measured', () => {
    expect(poolSettingsFor({ threads: 1, reason: 'measured', policy: 2 })).toEqual({ threads: 1, maxThreads: 2 });
    expect(poolSettingsFor({ threads: 1, reason: 'forced', policy: 2 })).toEqual({ threads: 1, maxThreads: 1 });
    expect(poolSettingsFor({ threads: 2, reason: 'fixed' })).toEqual({ threads: 2, maxThreads: 2 });
  });

  it('reads the threads setting of a URL', () => {
    expect(['1', '2', 'auto', null, '0', '9', '1.5', 'x'].map(parseThreadSetting)).toEqual([1, 2, 'auto', 'auto', 'auto', 'auto', 'auto', 'auto']);
  });

  it('keeps the worst of several rounds', () => {
    expect(freeCoresOf({ solo: [100, 100], together: [[100, 100], [70, 60]], ms: 150 })).toBeCloseTo(1.3);
  });

  it('counts each helper for its speed relative to alone, at most 1', () => {
    expect(freeCoresOf(sample(100, 120, 50))).toBe(1.5);
    expect(freeCoresOf(sample(0, 1))).toBe(0);
    expect([threadsFor(2, 1.69), threadsFor(2, 1.7), threadsFor(2, 0.2)]).toEqual([1, 2, 1]);
  });
});

describe('SlowdownWatch', () => {
  it('stays quiet while the steps keep their pace, and speaks once a window is 1.4 times the best', () => {
    const watch = new SlowdownWatch({ window: 4, factor: 1.4 });
    const answers = [100, 102, 98, 101, 99, 130, 100, 103].map((ms) => watch.add(ms));
    expect(answers.some(Boolean)).toBe(false);
    expect(watch.best).toBe(100);
    const slow = [150, 152, 149, 151, 150].map((ms) => watch.add(ms));
    expect(slow).toEqual([false, false, true, false, false]); // the median passes 140 at the third slow step, then it waits
  });

  it('waits twice as long after a measurement that changed nothing, and starts afresh after a switch', () => {
    const watch = new SlowdownWatch({ window: 3, factor: 1.4 });
    [100, 100, 100].forEach((ms) => watch.add(ms));
    expect([200, 200].map((ms) => watch.add(ms))).toEqual([false, true]);
    watch.checked(false);
    const waited = Array.from({ length: 7 }, () => watch.add(200));
    expect(waited).toEqual([false, false, false, false, false, true, false]); // 2 × 3 steps
    watch.checked(true);
    expect(watch.best).toBe(Infinity);
    expect([300, 300, 300].map((ms) => watch.add(ms))).toEqual([false, false, false]); // 300 is the new count's pace
  });
});

/** A keeper over a fake wasm backend whose measurements return `threads` in turn (then 2). */
function fakeKeeper(answers: number[]) {
  let active: number | undefined;
  let clock = 0;
  const choices = [...answers];
  const changes: ThreadChoice[] = [];
  const env: ThreadKeeperEnvironment = {
    choose: vi.fn(async (cores: number) => ({ threads: choices.shift() ?? 2, cores, freeCores: 2, measuredMs: 90, reason: 'measured', policy: 2 }) as ThreadChoice),
    active: () => active,
    switchTo: vi.fn((threads: number) => (active = threads)),
    now: () => clock,
  };
  const keeper = new ThreadKeeper((c) => changes.push(c), env);
  /** A window of steps at the run's pace, then one of steps twice as slow (a core taken), then the pause between two steps. */
  const slowDown = async () => {
    for (let i = 0; i < 16; i++) keeper.stepTook(250);
    for (let i = 0; i < 16; i++) keeper.stepTook(520);
    await keeper.betweenSteps();
  };
  /** One step of `ms` after `wait` ms, then the pause between two steps. */
  const stepAfter = async (wait: number, ms = 400) => {
    clock += wait;
    keeper.stepTook(ms);
    await keeper.betweenSteps();
  };
  return { keeper, env, changes, slowDown, stepAfter, start: (threads: number) => (active = threads), tick: (ms: number) => (clock += ms) };
}

describe('ThreadKeeper', () => {
  it('drops to 1 thread when a run slows down and a measurement finds a core taken', async () => {
    const { keeper, env, changes, start } = fakeKeeper([2, 1]);
    expect((await keeper.start(2)).threads).toBe(2);
    start(2);
    await keeper.beforeRun(); // measured just now: not again
    for (let i = 0; i < 16; i++) keeper.stepTook(250);
    await keeper.betweenSteps();
    expect(env.choose).toHaveBeenCalledTimes(1);
    for (let i = 0; i < 16; i++) keeper.stepTook(520); // another process took a core
    await keeper.betweenSteps();
    expect(env.switchTo).toHaveBeenCalledWith(1);
    expect(changes.map((c) => c.threads)).toEqual([1]);
    expect(keeper.choice?.threads).toBe(1);
    for (let i = 0; i < 40; i++) keeper.stepTook(1000); // on 1 thread nothing is watched
    await keeper.betweenSteps();
    expect(env.choose).toHaveBeenCalledTimes(2);
  });

  it('measures a run on 2 threads again every 30 s even when it does not slow down', async () => {
    const { keeper, env, changes, start, tick } = fakeKeeper([2, 2, 1]);
    await keeper.start(2);
    start(2);
    keeper.stepTook(500);
    await keeper.betweenSteps();
    expect(env.choose).toHaveBeenCalledTimes(1);
    tick(31_000);
    keeper.stepTook(500);
    await keeper.betweenSteps(); // still 2 free
    tick(31_000);
    keeper.stepTook(500);
    await keeper.betweenSteps(); // now 1
    expect(env.choose).toHaveBeenCalledTimes(3);
    expect(changes.map((c) => c.threads)).toEqual([1]);
  });

  it('goes up when a later run starts and a measurement finds the cores free', async () => {
    const { keeper, env, changes, start, tick } = fakeKeeper([1, 2, 2]);
    await keeper.start(2);
    start(1);
    tick(60_000);
    await keeper.beforeRun(); // stale: measured again, 2 free
    expect(changes.map((c) => c.threads)).toEqual([2]);
    expect(env.choose).toHaveBeenCalledTimes(2);
  });

  it('goes back up during a run, 30 s after a drop, once a measurement finds the cores free', async () => {
    const { keeper, env, changes, slowDown, stepAfter, start } = fakeKeeper([2, 1, 1, 2]);
    await keeper.start(2);
    start(2);
    await keeper.beforeRun();
    await slowDown();
    expect(changes.map((c) => c.threads)).toEqual([1]);
    await stepAfter(10_000); // too soon: not measured
    expect(env.choose).toHaveBeenCalledTimes(2);
    await stepAfter(21_000); // measured: still taken
    expect(changes.map((c) => c.threads)).toEqual([1]);
    await stepAfter(31_000); // measured: free again
    expect(env.choose).toHaveBeenCalledTimes(4);
    expect(changes.map((c) => c.threads)).toEqual([1, 2]);
    for (let i = 0; i < 16; i++) keeper.stepTook(250); // the new count's pace is watched afresh
    await keeper.betweenSteps();
    expect(env.choose).toHaveBeenCalledTimes(4);
  });

  it('waits twice as long to go up again after a raise that a slow-down undid', async () => {
    const { keeper, env, changes, slowDown, stepAfter, start, tick } = fakeKeeper([2, 1, 2, 1]);
    await keeper.start(2);
    start(2);
    await keeper.beforeRun();
    await slowDown(); // down
    await stepAfter(31_000); // up
    tick(5_000);
    await slowDown(); // down again, soon after the raise
    expect(changes.map((c) => c.threads)).toEqual([1, 2, 1]);
    await stepAfter(31_000); // 31 s: not yet
    expect(env.choose).toHaveBeenCalledTimes(4);
    await stepAfter(30_000); // 61 s: measured
    expect(env.choose).toHaveBeenCalledTimes(5);
  });

  it('measures again as the first run starts when the first measurement left fewer threads than the policy', async () => {
    const { keeper, env, changes, start, tick } = fakeKeeper([1, 2]);
    await keeper.start(2); // taken while the page was starting: a core looked busy
    start(1);
    tick(2_000); // fresh, but below the policy
    await keeper.beforeRun();
    expect(env.choose).toHaveBeenCalledTimes(2);
    expect(changes.map((c) => c.threads)).toEqual([2]);
    await keeper.beforeRun(); // on the policy's count and fresh: not again
    expect(env.choose).toHaveBeenCalledTimes(2);
  });

  it('leaves a forced count alone', async () => {
    const { keeper, env, start, tick } = fakeKeeper([]);
    env.choose = vi.fn(async (cores: number) => ({ threads: 2, cores, freeCores: cores, measuredMs: 0, reason: 'forced', policy: 2 }) as ThreadChoice);
    await keeper.start(2, 2);
    start(2);
    tick(60_000);
    await keeper.beforeRun();
    for (let i = 0; i < 40; i++) keeper.stepTook(i < 20 ? 100 : 500);
    await keeper.betweenSteps();
    expect(env.choose).toHaveBeenCalledTimes(1);
  });
});

describe('LabHost and the thread choice', () => {
  it('measures before it registers the backends, and says how the count was chosen', async () => {
    const messages: WorkerResponse[] = [];
    const choose = vi.fn(async (cores: number) => ({ threads: 1, cores, freeCores: 1.3, measuredMs: 80, reason: 'measured', policy: 2 }) as ThreadChoice);
    const host = new LabHost({
      post: (m) => messages.push(m),
      reader: () => readData,
      wasmDirectory: () => WASM_DIR,
      cores: 2,
      threads: { choose, active: () => 1, switchTo: () => 1, now: () => 0 },
    });
    await host.handle({ type: 'init', baseUrl: '/', backend: 'wasm', threads: 'auto' });
    expect(choose).toHaveBeenCalledWith(2, { setting: 'auto' });
    const ready = messages.find((m): m is Extract<WorkerResponse, { type: 'ready' }> => m.type === 'ready');
    expect(ready).toMatchObject({ backend: 'wasm', threadChoice: { reason: 'measured', freeCores: 1.3, threads: 1 } });
  });
});
