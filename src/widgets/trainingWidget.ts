import type { BackendName } from '../../lab/backend/names';
import type { Job, WorkerResponse } from '../../lab/worker/protocol';
import type { SettingValue } from '../runs/record';
import { RunRecorder } from '../runs/recorder';
import { type RunStoreError, runStore } from '../runs/store';
import type { CrashKind } from './labClient';
import { type ErrorAction, LabWidget } from './labWidget';
import { INITIAL_RUN_STATE, isActive, type RunEffect, type RunEvent, type RunPhase, type RunState, STOP_GRACE_MS, transition } from './runLifecycle';
import { type Translate, translator, type WidgetText } from './text/define';
import { RUN_RECORD_TEXT } from './text/runRecord';
import { durationText, roundSeconds, Stopwatch, TimeLeftEstimate } from './timeLeft';
import { type Field, plainDecimal, type Schema, type Values } from './urlState';

/** A trainer's settings: whatever it trains, plus the backend it trains on. */
export type TrainerSettings = Schema & { backend: Extract<Field, { kind: 'enum' }> };

/** Where a run whose GPU was lost goes on: the backend every browser has and trains fastest on a CPU. */
const FALLBACK_BACKEND: BackendName = 'wasm';

/**
 * How far out of view a running widget pauses: more than a viewport above or below it. A reader
 * glancing back at the text keeps it running; one who has moved on stops paying for it (the
 * distill template's offscreen idea).
 */
const OUT_OF_VIEW_MARGIN = '100% 0px';

/**
 * What every trainer of the course shares: Train, Pause/Resume and Stop buttons driven by the
 * one run lifecycle ({@link transition}), the backend readout, and what a failed run offers
 * (try again; after a lost GPU, continue on wasm from the last good step). Subclasses say what
 * a run is ({@link makeJob}), clear their view when one begins, show its progress (and call
 * {@link showProgress}, which keeps the time left), and put words to its phases.
 *
 * A running run pauses while the widget is far out of view ({@link OUT_OF_VIEW_MARGIN}) and
 * resumes when it comes back; a reader's own pause stays. The phase is mirrored in
 * `data-state`, who paused in `data-paused-by` (`reader` or `view`), the backend in
 * `data-backend` and `data-threads`, the time left in `data-seconds-left`. The markup has
 * RunButtons.astro's parts (`start`, `pause`, `stop`, `time-left`) and a `backend` readout.
 *
 * Every run is kept in the reader's browser (src/runs/): its settings and link, backend, curve,
 * final losses, time and how it ended, so a runs panel (`lm-runs`) can list and compare it.
 * Subclasses may name a run ({@link runLabel}) and choose what of their settings it keeps
 * ({@link runSettings}). A run whose loss diverged keeps its curve and says where it went wrong,
 * with its last good loss. The record's id is mirrored in `data-run-id`.
 */
export abstract class TrainingWidget<S extends TrainerSettings, T extends WidgetText> extends LabWidget<S, T> {
  #run: RunState = INITIAL_RUN_STATE;
  #stopTimer: ReturnType<typeof setTimeout> | undefined;
  /** The run's running time, pauses excluded. */
  #clock = new Stopwatch();
  #timeLeft = new TimeLeftEstimate();
  #visibility: IntersectionObserver | undefined;
  /** The record of the latest run, kept in the store as it goes. */
  #recorder: RunRecorder | undefined;
  /** The backend the worker last said it uses, for the next run's record. */
  #ready: { backend: BackendName; threads?: number } | undefined;
  #recordWords: Translate<keyof (typeof RUN_RECORD_TEXT)['en'] & string> | undefined;

  /** The job a run trains, from the current settings. */
  protected abstract makeJob(): Job;
  /** A new run begins (not a continued one): clear the chart and readouts. */
  protected abstract beginRun(): void;
  /** A message of the current run other than its state (progress, references), or the worker's `ready`. */
  protected abstract onRunMessage(message: WorkerResponse): void;
  /** The run's phase changed: update the status line and readouts. */
  protected abstract onPhase(phase: RunPhase, run: RunState): void;

  /** What a run is called in the runs panel: the widget's title unless a subclass says better. */
  protected runLabel(): string {
    return this.querySelector('.widget-title')?.textContent?.trim() ?? this.localName;
  }

  /** Whether runs are kept for the runs panel: a widget that trains no model to compare (the range test) says no. */
  protected readonly keepsRuns: boolean = true;

  /** The settings a run keeps and its link restores: every setting of the widget unless a subclass says otherwise. */
  protected runSettings(): Record<string, SettingValue> {
    return { ...this.values };
  }

  /** The current run's state. */
  protected get run(): RunState {
    return this.#run;
  }

  /** Whether a run holds the worker (loading, running, paused or stopping). */
  protected get active(): boolean {
    return isActive(this.#run.phase);
  }

  protected setup(): void {
    this.listen(this.ref('start'), 'click', () => this.startRun());
    this.listen(this.ref('pause'), 'click', () => this.dispatch({ type: this.#run.phase === 'paused' ? 'resume' : 'pause' }));
    this.listen(this.ref('stop'), 'click', () => this.dispatch({ type: 'stop' }));
    this.#render();
    this.#visibility = new IntersectionObserver((entries) => this.dispatch({ type: entries.at(-1)!.isIntersecting ? 'shown' : 'hidden' }), { rootMargin: OUT_OF_VIEW_MARGIN });
    this.#visibility.observe(this);
    // The widget's code loads as it nears the viewport: a reader who got this far is likely to
    // train, so the worker starts up now and the first click finds it ready.
    this.client?.warm();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.#stopTimer);
    this.#visibility?.disconnect();
    this.#recordEnd(this.#run);
    this.#run = INITIAL_RUN_STATE;
    this.forgetBackend();
  }

  /** Starts a new run from the current settings, stopping one under way. */
  protected startRun(): void {
    this.#clock.reset();
    this.#timeLeft.reset();
    this.#showTimeLeft(undefined);
    this.beginRun();
    this.dispatch({ type: 'start', job: this.nextJob() });
  }

  /** Milliseconds the current run has been running, pauses excluded. */
  protected get runMs(): number {
    return this.#clock.ms;
  }

  /**
   * The run reached `step` of `totalSteps`: updates the time left, shown once a few progress
   * reports have given a steady rate. Call it with every progress message.
   */
  protected showProgress(step: number, totalSteps: number): void {
    const left = this.#timeLeft.update(step, totalSteps, this.#clock.ms);
    // A last report may land while the run stops: a run that is ending has no time left to show.
    if (this.#run.phase === 'running' || this.#run.phase === 'paused') this.#showTimeLeft(left);
  }

  /** A duration in the page's language: `40 s`, `3 min 20 s`, `1 h 5 min`; `–` when unknown. */
  protected duration(seconds: number): string {
    return durationText(seconds, (key, vars) => this.t(key, vars));
  }

  #showTimeLeft(seconds: number | undefined): void {
    const shown = seconds === undefined ? undefined : roundSeconds(seconds);
    this.ref('time-left').textContent = shown === undefined ? '' : this.t('train.timeLeft', { left: this.duration(shown) });
    if (shown === undefined) delete this.dataset.secondsLeft;
    else this.dataset.secondsLeft = String(shown);
  }

  /** The backend setting changed: the run stops and the worker restarts on it. */
  protected switchBackend(backend: BackendName | 'auto'): void {
    this.forgetBackend();
    this.dispatch({ type: 'backend-changed', backend });
    this.nextJob(); // the old worker's last words are ignored
  }

  /** Feeds an event to the lifecycle and carries out what it says. */
  protected dispatch(event: RunEvent): void {
    const before = this.#run.phase;
    const { state, effects } = transition(this.#run, event);
    // A run replaced by a new one ends here, before the new one's record begins.
    if (isActive(before) && (!isActive(state.phase) || event.type === 'start')) this.#recordEnd(state);
    this.#run = state;
    for (const effect of effects) this.#carryOut(effect);
    if (state.phase !== before || event.type === 'start' || event.type === 'continue') this.#render();
  }

  #carryOut(effect: RunEffect): void {
    switch (effect.type) {
      case 'send-start': {
        const job = this.makeJob();
        this.#recordStart(job);
        return this.client?.send({ type: 'start', jobId: effect.job, job });
      }
      case 'send-stop':
        return this.client?.send({ type: 'stop', jobId: effect.job });
      case 'send-pause':
        return this.client?.send({ type: 'pause' });
      case 'send-resume':
        return this.client?.send({ type: 'resume' });
      case 'send-continue':
        this.#recorder?.apply({ type: 'resumed' });
        this.client?.send({ type: 'continue', jobId: effect.job, fromJob: effect.fromJob, backend: effect.backend });
        return this.client?.adoptBackend(effect.backend);
      case 'restart-worker':
        return this.client?.restart(effect.backend);
      case 'arm-stop-timer':
        clearTimeout(this.#stopTimer);
        this.#stopTimer = setTimeout(() => this.dispatch({ type: 'stop-timeout', job: effect.job }), STOP_GRACE_MS);
        return;
    }
  }

  protected onMessage(message: WorkerResponse): void {
    switch (message.type) {
      case 'ready':
        this.#showBackend(message.backend, message.threads);
        this.#ready = { backend: message.backend, ...(message.threads ? { threads: message.threads } : {}) };
        if (this.active) this.#recorder?.apply({ type: 'ready', ...this.#ready });
        return this.onRunMessage(message);
      case 'threads':
        // Wasm dropped (or regained) threads as other processes took (or left) cores.
        if (!this.#ready) return;
        this.#showBackend(this.#ready.backend, message.threads);
        this.#ready = { ...this.#ready, threads: message.threads };
        if (this.active) this.#recorder?.apply({ type: 'ready', ...this.#ready });
        return;
      case 'state':
        return this.dispatch({ type: 'worker-state', job: message.jobId, state: message.state, evalAbandoned: message.evalAbandoned });
      default:
        if (!this.active) return;
        if (message.type === 'progress') this.#recorder?.apply({ type: 'progress', step: message.step, points: message.points, durationMs: this.#clock.ms });
        this.onRunMessage(message);
    }
  }

  protected override onWorkerError(message: Extract<WorkerResponse, { type: 'error' }>): void {
    this.dispatch({ type: 'job-failed', job: message.jobId, message: message.message, code: message.code, resumeStep: message.resumeStep, lastGood: message.lastGood });
  }

  /** A run begins: its record, written to the store at once (a closed tab leaves it `running`). */
  #recordStart(job: Job): void {
    if (!this.keepsRuns) return;
    const settings = this.runSettings();
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(settings)) params.set(`${this.instancePrefix}.${key}`, typeof value === 'number' ? plainDecimal(value) : value);
    const anchor = this.querySelector('figure')?.getAttribute('aria-labelledby');
    const settingLabels: Record<string, string> = {};
    for (const control of this.querySelectorAll<HTMLElement>('[data-field]')) {
      const label = control.closest('label')?.querySelector('span')?.textContent?.trim();
      if (label && control.dataset.field! in settings) settingLabels[control.dataset.field!] = label;
    }
    this.#recorder = new RunRecorder(
      {
        id: runId(),
        widget: this.localName,
        prefix: this.instancePrefix,
        page: location.pathname,
        lang: this.locale,
        settings,
        settingLabels,
        link: `${location.pathname}?${params}${anchor ? `#${anchor}` : ''}`,
        label: this.runLabel(),
        startedAt: new Date().toISOString(),
        totalSteps: job.kind === 'train' ? job.steps : job.kind === 'plan' ? job.plan.steps : 0,
      },
      { store: runStore, onProblem: (error) => this.#showRecordProblem(error) },
    );
    if (this.#ready) this.#recorder.apply({ type: 'ready', ...this.#ready });
    this.dataset.runId = this.#recorder.run.id;
    this.#recordNote().hidden = true;
  }

  /** The run left the worker: its record says how it ended (an error: diverged, or failed with its message). */
  #recordEnd(state: RunState): void {
    const recorder = this.#recorder;
    if (!recorder || recorder.run.status !== 'running') return;
    const durationMs = this.#clock.ms;
    const failure = state.failure;
    if (state.phase !== 'error' || !failure) return recorder.apply({ type: 'end', status: state.phase === 'done' ? 'done' : 'stopped', durationMs });
    if (failure.code === 'diverged') return recorder.apply({ type: 'diverged', lastGood: failure.lastGood, durationMs });
    recorder.apply({ type: 'failed', message: failure.message, durationMs });
  }

  #showRecordProblem(error: RunStoreError): void {
    const note = this.#recordNote();
    note.hidden = false;
    note.textContent = this.#recordText(`record.${error.problem}`, { reason: error.message });
  }

  /** The line under the status that says a run is not kept; made on first use (the trainers' markup has no place for it). */
  #recordNote(): HTMLElement {
    let note = this.querySelector<HTMLElement>('[data-part="record-note"]');
    if (!note) {
      note = Object.assign(document.createElement('p'), { className: 'widget-readout widget-readout--warning', hidden: true });
      note.dataset.part = 'record-note';
      note.setAttribute('role', 'status');
      this.ref('status').after(note);
    }
    return note;
  }

  #recordText(key: keyof (typeof RUN_RECORD_TEXT)['en'] & string, vars?: Record<string, string | number>): string {
    this.#recordWords ??= translator(this.locale, RUN_RECORD_TEXT);
    return this.#recordWords(key, vars);
  }

  protected override onCrash(kind: CrashKind, detail?: string): void {
    this.forgetBackend();
    this.dispatch({ type: 'worker-crashed', reason: this.t('error.crash', { reason: this.crashReason(kind, detail) }) });
  }

  /** Clears the backend readout: the worker that used that backend is gone. */
  protected forgetBackend(): void {
    this.ref('backend').textContent = '';
    delete this.dataset.backend;
    delete this.dataset.threads;
  }

  #showBackend(backend: BackendName, threads: number | undefined): void {
    this.dataset.backend = backend;
    if (threads === undefined) delete this.dataset.threads;
    else this.dataset.threads = String(threads);
    const used = threads && threads > 1 ? this.t('train.wasmThreads', { backend, threads }) : backend;
    this.ref('backend').textContent = this.t('train.backendUsed', { backend: used });
  }

  /** Buttons, `data-state`, the error and its actions, then the subclass's words for the phase. */
  #render(): void {
    const { phase, failure, pausedBy } = this.#run;
    this.dataset.state = phase;
    if (pausedBy) this.dataset.pausedBy = pausedBy;
    else delete this.dataset.pausedBy;
    if (phase === 'running') this.#clock.start();
    else this.#clock.stop();
    const live = phase === 'running' || phase === 'paused';
    if (!live) this.#showTimeLeft(undefined);
    (this.ref('pause') as HTMLButtonElement).disabled = !live;
    (this.ref('stop') as HTMLButtonElement).disabled = !(live || phase === 'loading');
    this.ref('pause').textContent = this.t(phase === 'paused' ? 'train.resume' : 'train.pause');
    this.ref('pause').setAttribute('aria-pressed', String(phase === 'paused'));
    if (phase === 'error' && failure) this.showError(this.#failureText(), this.#failureActions());
    else this.clearError();
    if (phase === 'stopping') this.setStatus(this.t('train.stopping'));
    this.onPhase(phase, this.#run);
    if (pausedBy === 'view') this.setStatus(this.t('train.pausedOutOfView'));
  }

  #failureText(): string {
    const failure = this.#run.failure!;
    if (failure.code === 'diverged' && failure.lastGood) {
      const { step, loss } = failure.lastGood;
      const at = Math.max(step + 1, this.#recorder?.run.step ?? 0);
      return this.#recordText('record.diverged', { step: this.number(at, 0), loss: this.number(loss, 3), good: this.number(step, 0) });
    }
    return failure.code === 'device-lost' ? this.t('error.deviceLost', { reason: failure.message }) : failure.message;
  }

  /** After a lost GPU: continue on wasm from the last good step, or start again there; else try again. */
  #failureActions(): ErrorAction[] {
    const failure = this.#run.failure!;
    if (failure.code !== 'device-lost') return [{ label: this.t('error.retry'), run: () => this.startRun() }];
    const moveToFallback = () => this.setValue('backend', FALLBACK_BACKEND as Values<S>['backend'], false);
    const restart: ErrorAction = {
      label: this.t('error.restartOn', { backend: FALLBACK_BACKEND }),
      run: () => {
        moveToFallback();
        this.switchBackend(FALLBACK_BACKEND);
        this.startRun();
      },
    };
    if (failure.resumeStep === undefined) return [restart];
    const resume: ErrorAction = {
      label: this.t('error.continueOn', { backend: FALLBACK_BACKEND, step: failure.resumeStep }),
      run: () => {
        moveToFallback();
        this.forgetBackend();
        this.dispatch({ type: 'continue', job: this.nextJob(), backend: FALLBACK_BACKEND });
      },
    };
    return [resume, restart];
  }
}

/** A new run's id: unique in the reader's browser (time first, so ids sort by age). */
function runId(): string {
  const random = crypto.getRandomValues(new Uint32Array(2));
  return `${Date.now().toString(36)}-${[...random].map((x) => x.toString(36)).join('')}`;
}
