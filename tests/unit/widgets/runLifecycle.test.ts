import { describe, expect, it } from 'vitest';
import { INITIAL_RUN_STATE, type RunEvent, type RunState, transition } from '../../../src/widgets/runLifecycle';

/** Runs events from the initial state; returns the last state and every effect in order. */
function play(...events: RunEvent[]): { state: RunState; effects: ReturnType<typeof transition>['effects'] } {
  let state = INITIAL_RUN_STATE;
  const effects: ReturnType<typeof transition>['effects'] = [];
  for (const event of events) {
    const next = transition(state, event);
    state = next.state;
    effects.push(...next.effects);
  }
  return { state, effects };
}

const running = (job: number): RunEvent[] => [
  { type: 'start', job },
  { type: 'worker-state', job, state: 'loading' },
  { type: 'worker-state', job, state: 'running' },
];

describe('the run lifecycle', () => {
  it('start sends the job and waits for the worker', () => {
    const { state, effects } = play({ type: 'start', job: 1 });
    expect(state).toMatchObject({ phase: 'loading', job: 1 });
    expect(effects).toEqual([{ type: 'send-start', job: 1 }]);
    expect(play(...running(1)).state.phase).toBe('running');
  });

  it('a second start while loading stops the first job before it begins and starts the second', () => {
    const { state, effects } = play({ type: 'start', job: 1 }, { type: 'start', job: 2 });
    expect(state).toMatchObject({ phase: 'loading', job: 2 });
    expect(effects).toEqual([
      { type: 'send-start', job: 1 },
      { type: 'send-stop', job: 1 },
      { type: 'send-start', job: 2 },
    ]);
  });

  it('messages of an older job change nothing', () => {
    const { state } = play({ type: 'start', job: 1 }, { type: 'start', job: 2 }, { type: 'worker-state', job: 1, state: 'done' }, { type: 'job-failed', job: 1, message: 'old' });
    expect(state).toMatchObject({ phase: 'loading', job: 2 });
    expect(state.failure).toBeUndefined();
  });

  it('stop asks the worker and arms the grace timer; the worker answer ends it', () => {
    const stopping = play(...running(3), { type: 'stop' });
    expect(stopping.state.phase).toBe('stopping');
    expect(stopping.effects.slice(-2)).toEqual([
      { type: 'send-stop', job: 3 },
      { type: 'arm-stop-timer', job: 3 },
    ]);
    // Progress still arriving while stopping does not bring the run back.
    const stillStopping = transition(stopping.state, { type: 'worker-state', job: 3, state: 'running' });
    expect(stillStopping.state.phase).toBe('stopping');
    const stopped = transition(stopping.state, { type: 'worker-state', job: 3, state: 'stopped', evalAbandoned: true });
    expect(stopped.state).toMatchObject({ phase: 'stopped', evalAbandoned: true });
  });

  it('a stop the worker does not answer in time settles on the timer', () => {
    const { state } = play(...running(3), { type: 'stop' }, { type: 'stop-timeout', job: 3 });
    expect(state.phase).toBe('stopped');
    // A timer of an earlier stop does not end a later run.
    const later = play(...running(3), { type: 'stop' }, ...running(4), { type: 'stop-timeout', job: 3 });
    expect(later.state).toMatchObject({ phase: 'running', job: 4 });
  });

  it('stop before a run, or twice, does nothing more', () => {
    expect(play({ type: 'stop' }).effects).toEqual([]);
    expect(play(...running(1), { type: 'stop' }, { type: 'stop' }).effects.filter((e) => e.type === 'send-stop')).toHaveLength(1);
  });

  it('pause and resume only while running, and a pause survives the worker saying running', () => {
    const paused = play(...running(1), { type: 'pause' });
    expect(paused.state.phase).toBe('paused');
    expect(paused.effects.at(-1)).toEqual({ type: 'send-pause' });
    expect(transition(paused.state, { type: 'worker-state', job: 1, state: 'running' }).state.phase).toBe('paused');
    expect(paused.state.pausedBy).toBe('reader');
    expect(transition(paused.state, { type: 'resume' })).toEqual({ state: { phase: 'running', job: 1 }, effects: [{ type: 'send-resume' }] });
    expect(play({ type: 'start', job: 1 }, { type: 'pause' }).state.phase).toBe('loading');
  });

  it('a crash of the worker mid-run ends the run with the reason; the next start is a new job', () => {
    const crashed = play(...running(1), { type: 'worker-crashed', reason: 'the worker stopped' });
    expect(crashed.state).toMatchObject({ phase: 'error', failure: { code: 'crash', message: 'the worker stopped' } });
    const again = transition(crashed.state, { type: 'start', job: 2 });
    expect(again.state).toEqual({ phase: 'loading', job: 2 });
    expect(again.effects).toEqual([{ type: 'send-start', job: 2 }]);
    // An idle worker that dies is replaced quietly: nothing was running.
    expect(play({ type: 'worker-crashed', reason: 'x' }).state.phase).toBe('idle');
  });

  it('retry after a failed job (a data set that did not load) starts a new job', () => {
    const failed = play({ type: 'start', job: 1 }, { type: 'job-failed', job: 1, message: 'could not load names.txt (HTTP 404)' });
    expect(failed.state).toMatchObject({ phase: 'error', failure: { message: 'could not load names.txt (HTTP 404)' } });
    const retried = transition(failed.state, { type: 'start', job: 2 });
    expect(retried).toEqual({ state: { phase: 'loading', job: 2 }, effects: [{ type: 'send-start', job: 2 }] });
  });

  it('a backend switch mid-run stops the run and restarts the worker on the new backend', () => {
    const { state, effects } = play(...running(1), { type: 'backend-changed', backend: 'wasm' });
    expect(state).toEqual({ phase: 'stopped', job: 1 });
    expect(effects.at(-1)).toEqual({ type: 'restart-worker', backend: 'wasm' });
    const next = transition(state, { type: 'start', job: 2 });
    expect(next.effects).toEqual([{ type: 'send-start', job: 2 }]);
    // Idle, it only restarts the worker.
    expect(play({ type: 'backend-changed', backend: 'cpu' })).toEqual({ state: INITIAL_RUN_STATE, effects: [{ type: 'restart-worker', backend: 'cpu' }] });
  });

  it('a change of what is trained stops the run and starts over, idle', () => {
    const { state, effects } = play(...running(2), { type: 'reset' });
    expect(state).toEqual({ phase: 'idle', job: 2 });
    expect(effects.at(-1)).toEqual({ type: 'send-stop', job: 2 });
    const failed = play({ type: 'start', job: 1 }, { type: 'job-failed', job: 1, message: 'x' }, { type: 'reset' });
    expect(failed).toMatchObject({ state: { phase: 'idle' } });
    expect(failed.effects.filter((e) => e.type === 'send-stop')).toEqual([]);
  });

  it('a lost GPU context ends the run with the step to continue from, and continue goes on from there', () => {
    const lost = play(...running(1), { type: 'job-failed', job: 1, message: 'the WebGL context was lost', code: 'device-lost', resumeStep: 40 });
    expect(lost.state).toMatchObject({ phase: 'error', failure: { code: 'device-lost', resumeStep: 40 } });
    const resumed = transition(lost.state, { type: 'continue', job: 2, backend: 'wasm' });
    expect(resumed.state).toEqual({ phase: 'loading', job: 2 });
    expect(resumed.effects).toEqual([{ type: 'send-continue', job: 2, fromJob: 1, backend: 'wasm' }]);
    // Without a step to continue from, continue does nothing.
    const crashed = play(...running(1), { type: 'worker-crashed', reason: 'x' });
    expect(transition(crashed.state, { type: 'continue', job: 2, backend: 'wasm' }).effects).toEqual([]);
    // Switching backend by hand drops the chance to continue (its worker is gone).
    expect(transition(lost.state, { type: 'backend-changed', backend: 'cpu' }).state.phase).toBe('stopped');
  });

  it('a running run pauses when its widget goes far out of view, and resumes when it comes back', () => {
    const away = play(...running(1), { type: 'hidden' });
    expect(away.state).toEqual({ phase: 'paused', job: 1, pausedBy: 'view', outOfView: true });
    expect(away.effects.at(-1)).toEqual({ type: 'send-pause' });
    // The worker's echo of running does not undo the pause.
    expect(transition(away.state, { type: 'worker-state', job: 1, state: 'running' }).state.phase).toBe('paused');
    expect(transition(away.state, { type: 'shown' })).toEqual({ state: { phase: 'running', job: 1 }, effects: [{ type: 'send-resume' }] });
  });

  it("the reader's own pause stays when the widget leaves and comes back", () => {
    const { state, effects } = play(...running(1), { type: 'pause' }, { type: 'hidden' }, { type: 'shown' });
    expect(state).toEqual({ phase: 'paused', job: 1, pausedBy: 'reader' });
    expect(effects.filter((e) => e.type === 'send-resume')).toEqual([]);
  });

  it('the reader may resume a run paused by the view, and it is then theirs', () => {
    const { state, effects } = play(...running(1), { type: 'hidden' }, { type: 'resume' }, { type: 'shown' });
    expect(state).toEqual({ phase: 'running', job: 1 });
    expect(effects.filter((e) => e.type === 'send-resume')).toHaveLength(1);
  });

  it('a run that begins out of view pauses at once; one stopped out of view stays stopped', () => {
    const { state, effects } = play({ type: 'hidden' }, ...running(1));
    expect(state).toEqual({ phase: 'paused', job: 1, pausedBy: 'view', outOfView: true });
    expect(effects).toEqual([{ type: 'send-start', job: 1 }, { type: 'send-pause' }]);
    const stopped = play(...running(2), { type: 'hidden' }, { type: 'stop' }, { type: 'worker-state', job: 2, state: 'stopped' }, { type: 'shown' });
    expect(stopped.state).toEqual({ phase: 'stopped', job: 2 });
    expect(stopped.effects.filter((e) => e.type === 'send-resume')).toEqual([]);
  });

  it('going out of view does nothing to a run that is not running', () => {
    for (const events of [[], [{ type: 'start', job: 1 }], [...running(1), { type: 'stop' }]] as RunEvent[][]) {
      const before = play(...events);
      const after = transition(before.state, { type: 'hidden' });
      expect(after).toEqual({ state: { ...before.state, outOfView: true }, effects: [] });
    }
  });
});
