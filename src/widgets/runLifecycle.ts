import type { BackendName } from '../../lab/backend/names';
import type { FailureCode, JobState } from '../../lab/worker/protocol';

/**
 * The life of a training run as a widget sees it: one pure state machine for every trainer of
 * the course, so that any sequence of clicks and faults ends somewhere sensible. Events go in
 * ({@link transition}); the new state and the effects to carry out come back, as data: the
 * widget sends the messages and arms the timers, and tests check the rules without a browser.
 *
 * The rules:
 * - a start while a run is loading or going stops that run first (even one not yet begun in
 *   the worker), so the new one begins at once;
 * - stop settles within {@link STOP_GRACE_MS}: the worker's answer, or the grace timer, whichever
 *   comes first (a late answer of the old job is then ignored);
 * - a backend switch stops the run and restarts the worker on the new backend; another change
 *   of what is trained stops the run and starts over, idle;
 * - a crashed or silent worker ends the run with a message; the next start gets a new worker;
 * - a lost GPU ends the run with a message and the step it can continue from on another backend;
 * - a diverged run (the worker stopped it: its loss blew up) ends in error with its last good point;
 * - a widget far out of view pauses its running run (a run that starts running out of view
 *   pauses at once), and resumes it when it comes back, unless the reader paused it: the
 *   reader's own pause stays until the reader resumes.
 */

/** Where a run is. `stopping`: stop was asked and the worker has not confirmed yet. */
export type RunPhase = 'idle' | 'loading' | 'running' | 'paused' | 'stopping' | 'stopped' | 'done' | 'error';

/** Why a run ended in `error`. */
export interface RunFailure {
  /** What went wrong, in words the widget shows. */
  message: string;
  /** `crash`: the worker died or stopped answering; else the worker's own code, if any. */
  code?: FailureCode | 'crash';
  /** The last good step, when the run can continue from it on another backend. */
  resumeStep?: number;
  /** A diverged run's last step whose loss was finite and under the bound, and that loss. */
  lastGood?: { step: number; loss: number };
}

/** The state of a widget's runs. */
export interface RunState {
  phase: RunPhase;
  /** The id of the latest job; messages of other jobs are ignored. 0 before the first. */
  job: number;
  failure?: RunFailure;
  /** A stop cut the last evaluation short. */
  evalAbandoned?: boolean;
  /** Who paused a `paused` run: the reader, or the page because the widget went far out of view. */
  pausedBy?: 'reader' | 'view';
  /** The widget is far out of view (it is told by `hidden` and `shown`, whatever the phase). */
  outOfView?: boolean;
}

/** What can happen to a run: the reader's clicks, the worker's messages, faults, timers. */
export type RunEvent =
  | { type: 'start'; job: number }
  | { type: 'stop' }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'stop-timeout'; job: number }
  | { type: 'worker-state'; job: number; state: JobState; evalAbandoned?: boolean }
  | { type: 'job-failed'; job?: number; message: string; code?: FailureCode; resumeStep?: number; lastGood?: { step: number; loss: number } }
  | { type: 'worker-crashed'; reason: string }
  | { type: 'backend-changed'; backend: BackendName | 'auto' }
  | { type: 'continue'; job: number; backend: BackendName }
  /** The reader changed what a run trains: any run stops, and the widget starts over, idle. */
  | { type: 'reset' }
  /** The widget went far out of view. */
  | { type: 'hidden' }
  /** The widget came back near the view. */
  | { type: 'shown' };

/** What the widget must do after a transition, in order. */
export type RunEffect =
  | { type: 'send-start'; job: number }
  | { type: 'send-stop'; job: number }
  | { type: 'send-pause' }
  | { type: 'send-resume' }
  | { type: 'send-continue'; job: number; fromJob: number; backend: BackendName }
  | { type: 'restart-worker'; backend: BackendName | 'auto' }
  | { type: 'arm-stop-timer'; job: number };

/** Longest a stop waits for the worker before the widget calls the run stopped: within a second, with room for a busy page. */
export const STOP_GRACE_MS = 750;

/** The state before any run. */
export const INITIAL_RUN_STATE: RunState = { phase: 'idle', job: 0 };

/** Whether a run is under way (it holds the worker). */
export function isActive(phase: RunPhase): boolean {
  return phase === 'loading' || phase === 'running' || phase === 'paused' || phase === 'stopping';
}

/**
 * The next state of a run and the effects to carry out. Pure: the same input gives the same output.
 * Whether the widget is out of view carries over every transition; who paused, only while paused.
 */
export function transition(state: RunState, event: RunEvent): { state: RunState; effects: RunEffect[] } {
  const next = phaseTransition(state, event);
  const outOfView = event.type === 'hidden' ? true : event.type === 'shown' ? false : state.outOfView;
  const { pausedBy, outOfView: _before, ...rest } = next.state;
  return { state: { ...rest, ...(next.state.phase === 'paused' && pausedBy ? { pausedBy } : {}), ...(outOfView ? { outOfView } : {}) }, effects: next.effects };
}

/** Where an event takes the run's phase, before {@link transition} carries over the view. */
function phaseTransition(state: RunState, event: RunEvent): { state: RunState; effects: RunEffect[] } {
  const same = { state, effects: [] };
  switch (event.type) {
    case 'start': {
      const effects: RunEffect[] = isActive(state.phase) ? [{ type: 'send-stop', job: state.job }] : [];
      return { state: { phase: 'loading', job: event.job }, effects: [...effects, { type: 'send-start', job: event.job }] };
    }
    case 'stop':
      if (!isActive(state.phase) || state.phase === 'stopping') return same;
      return {
        state: { ...state, phase: 'stopping' },
        effects: [
          { type: 'send-stop', job: state.job },
          { type: 'arm-stop-timer', job: state.job },
        ],
      };
    case 'stop-timeout':
      if (event.job !== state.job || state.phase !== 'stopping') return same;
      return { state: { ...state, phase: 'stopped' }, effects: [] };
    case 'pause':
      return state.phase === 'running' ? { state: { ...state, phase: 'paused', pausedBy: 'reader' }, effects: [{ type: 'send-pause' }] } : same;
    case 'resume':
      return state.phase === 'paused' ? { state: { ...state, phase: 'running' }, effects: [{ type: 'send-resume' }] } : same;
    case 'hidden':
      return state.phase === 'running' ? { state: { ...state, phase: 'paused', pausedBy: 'view' }, effects: [{ type: 'send-pause' }] } : same;
    case 'shown':
      return state.phase === 'paused' && state.pausedBy === 'view' ? { state: { ...state, phase: 'running' }, effects: [{ type: 'send-resume' }] } : same;
    case 'worker-state': {
      const after = afterWorkerState(state, event);
      // A run that begins while its widget is out of view pauses at once.
      if (after.phase === 'running' && state.phase === 'loading' && state.outOfView) return { state: { ...after, phase: 'paused', pausedBy: 'view' }, effects: [{ type: 'send-pause' }] };
      return { state: after, effects: [] };
    }
    case 'job-failed': {
      if ((event.job !== undefined && event.job !== state.job) || !isActive(state.phase)) return same;
      const failure: RunFailure = { message: event.message, code: event.code, resumeStep: event.resumeStep, ...(event.lastGood ? { lastGood: event.lastGood } : {}) };
      return { state: { ...state, phase: 'error', failure }, effects: [] };
    }
    case 'worker-crashed':
      if (!isActive(state.phase)) return same;
      return { state: { ...state, phase: 'error', failure: { message: event.reason, code: 'crash' } }, effects: [] };
    case 'backend-changed': {
      // The old worker goes with its backend: a run on it stops, and so does a chance to continue.
      const phase = isActive(state.phase) ? 'stopped' : state.phase === 'error' && state.failure?.resumeStep !== undefined ? 'stopped' : state.phase;
      const failure = phase === 'error' ? state.failure : undefined;
      return { state: { phase, job: state.job, failure }, effects: [{ type: 'restart-worker', backend: event.backend }] };
    }
    case 'reset':
      return { state: { phase: 'idle', job: state.job }, effects: isActive(state.phase) ? [{ type: 'send-stop', job: state.job }] : [] };
    case 'continue': {
      if (state.phase !== 'error' || state.failure?.resumeStep === undefined) return same;
      return { state: { phase: 'loading', job: event.job }, effects: [{ type: 'send-continue', job: event.job, fromJob: state.job, backend: event.backend }] };
    }
  }
}

/** A job's state as the worker reports it, against what the reader asked for meanwhile. */
function afterWorkerState(state: RunState, event: Extract<RunEvent, { type: 'worker-state' }>): RunState {
  if (event.job !== state.job || !isActive(state.phase)) return state;
  const ended = event.state === 'stopped' || event.state === 'done';
  if (ended) return { ...state, phase: event.state, evalAbandoned: event.evalAbandoned };
  // Until the worker ends the run, a stop asked for stays asked for, and a pause stays a pause.
  if (state.phase === 'stopping') return state;
  if (state.phase === 'paused' && event.state === 'running') return state;
  return { ...state, phase: event.state };
}
