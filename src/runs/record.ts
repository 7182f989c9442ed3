import type { LossPoint } from '../../lab/worker/protocol';
import { isLocale, type Locale } from '../i18n/locales';

/**
 * A training run as the reader's browser keeps it: what was trained (the widget's settings, seed
 * included, and the link that reopens it), where (backend, threads), how it went (status,
 * curve, final losses, running time). Pure data and pure functions: the store keeps records
 * (store.ts), the trainer feeds them events ({@link applyRunEvent}), the runs panel compares
 * them ({@link settingsDiff}) and moves them in and out as files ({@link parseRunFile}).
 */

/** What a record says it is, so a file of something else is refused. */
export const RUN_FORMAT = 'lm-run';
/** The version of the record's shape this code writes; an older reader refuses a newer one. */
export const RUN_VERSION = 1;
/** What an export file says it is: a list of records. */
export const RUN_FILE_FORMAT = 'lm-runs';

/** Most batch losses a record keeps: longer runs keep every 2nd, 4th, … step's, evenly. */
export const MAX_BATCH_POINTS = 500;

/** How a run ended, or that it is still going (or was cut off by a closed tab). */
export type RunStatus = 'running' | 'done' | 'stopped' | 'diverged' | 'failed';
export const RUN_STATUSES: readonly RunStatus[] = ['running', 'done', 'stopped', 'diverged', 'failed'];

/** A setting's value, as the widget's URL state holds it. */
export type SettingValue = string | number;

/** A curve as `[step, loss]` pairs, steps increasing, losses finite. */
export type CurvePoints = [number, number][];

/** One run of one trainer. */
export interface RunRecord {
  format: typeof RUN_FORMAT;
  version: typeof RUN_VERSION;
  /** Unique within the reader's browser. */
  id: string;
  /** The trainer's custom element, e.g. `lm-mlp-trainer`. */
  widget: string;
  /** The trainer's URL prefix on its page, e.g. `mlp`. */
  prefix: string;
  /** The page's path, e.g. `/en/mlp/`. */
  page: string;
  lang: Locale;
  /** The widget's settings, by key (its URL state: `lr`, `steps`, `seed`, …). */
  settings: Record<string, SettingValue>;
  /** What each setting is called on the widget, by key, in the page's language. */
  settingLabels: Record<string, string>;
  /** Page path, the widget's every setting as query parameters, and `#` the widget. */
  link: string;
  /** The run's words for itself, e.g. the widget's title. */
  label: string;
  /** The backend it trained on and its wasm threads, once the worker said. */
  backend?: string;
  threads?: number;
  /** When it started, ISO 8601. */
  startedAt: string;
  /** Milliseconds of training, pauses excluded. */
  durationMs: number;
  status: RunStatus;
  /** Steps the run was to take, and the last it reported. */
  totalSteps: number;
  step: number;
  /** Losses: every evaluation of train and dev, and batch losses thinned to {@link MAX_BATCH_POINTS}. */
  curve: { batch: CurvePoints; train: CurvePoints; dev: CurvePoints };
  /** Stride of the batch losses kept: those of steps divisible by it. */
  batchStride: number;
  /** The last evaluation's losses and its step. */
  final?: { step: number; train?: number; dev?: number };
  /** A diverged run's last step with a finite loss under the bound, and that loss. */
  lastGood?: { step: number; loss: number };
  /** What went wrong, for a failed run. */
  error?: string;
}

/** What a new record needs to know; the rest starts empty. */
export type RunStart = Pick<RunRecord, 'id' | 'widget' | 'prefix' | 'page' | 'lang' | 'settings' | 'settingLabels' | 'link' | 'label' | 'startedAt' | 'totalSteps'>;

/** A new run, `running`, with no points yet. */
export function newRun(start: RunStart): RunRecord {
  return { format: RUN_FORMAT, version: RUN_VERSION, ...start, durationMs: 0, status: 'running', step: 0, curve: { batch: [], train: [], dev: [] }, batchStride: 1 };
}

/** What happens to a run, as its trainer sees it. */
export type RunRecordEvent =
  | { type: 'ready'; backend: string; threads?: number }
  /** New loss points (only the new ones) as the worker reports them; `durationMs` so far. */
  | { type: 'progress'; step: number; points: readonly LossPoint[]; durationMs: number }
  | { type: 'end'; status: 'done' | 'stopped'; durationMs: number }
  | { type: 'failed'; message: string; durationMs: number }
  /** A failed run goes on (on another backend, from its last good step). */
  | { type: 'resumed' }
  /** The worker stopped a run whose loss blew up; `lastGood` as the protocol's error carries it. */
  | { type: 'diverged'; lastGood?: { step: number; loss: number }; durationMs: number };

/**
 * The record after `event`: a new object, the old one untouched. A non-finite loss in a
 * progress report ends the run `diverged`, keeping the last finite loss as `lastGood` (the
 * worker's own `diverged` error, which follows, refines it). An ended run takes no more points.
 */
export function applyRunEvent(run: RunRecord, event: RunRecordEvent): RunRecord {
  switch (event.type) {
    case 'ready':
      return { ...run, backend: event.backend, ...(event.threads ? { threads: event.threads } : {}) };
    case 'progress':
      return run.status === 'running' ? addPoints(run, event) : run;
    case 'end':
      return run.status === 'running' ? { ...run, status: event.status, durationMs: event.durationMs } : run;
    case 'failed':
      return run.status === 'running' ? { ...run, status: 'failed', error: event.message, durationMs: event.durationMs } : run;
    case 'resumed': {
      const { error: _error, ...rest } = run;
      return run.status === 'failed' ? { ...rest, status: 'running' } : run;
    }
    case 'diverged': {
      const lastGood = event.lastGood ?? run.lastGood ?? lastFinite(run);
      return { ...run, status: 'diverged', durationMs: event.durationMs, ...(lastGood ? { lastGood } : {}) };
    }
  }
}

function addPoints(run: RunRecord, event: Extract<RunRecordEvent, { type: 'progress' }>): RunRecord {
  const curve = { batch: [...run.curve.batch], train: [...run.curve.train], dev: [...run.curve.dev] };
  let { batchStride, final } = run;
  for (const p of event.points) {
    if (!Number.isFinite(p.loss)) {
      const lastGood = lastFinite({ ...run, curve });
      return { ...run, curve, batchStride, final, step: Math.max(run.step, p.step), status: 'diverged', durationMs: event.durationMs, ...(lastGood ? { lastGood } : {}) };
    }
    if (p.series === 'batch') {
      if (p.step % batchStride === 0) curve.batch.push([p.step, p.loss]);
      while (curve.batch.length > MAX_BATCH_POINTS) {
        batchStride *= 2;
        curve.batch = curve.batch.filter(([step]) => step % batchStride === 0);
      }
    } else if (p.series === 'train' || p.series === 'dev') {
      curve[p.series].push([p.step, p.loss]);
      final = { ...(final?.step === p.step ? final : {}), step: p.step, [p.series]: p.loss };
    }
  }
  return { ...run, curve, batchStride, step: Math.max(run.step, event.step), durationMs: event.durationMs, ...(final ? { final } : {}) };
}

/** The run's latest finite batch loss (else its latest evaluation), as a diverged run's last good point. */
function lastFinite(run: RunRecord): { step: number; loss: number } | undefined {
  const point = run.curve.batch.at(-1) ?? run.curve.train.at(-1) ?? run.curve.dev.at(-1);
  return point && { step: point[0], loss: point[1] };
}

/** One setting that differs between runs: its key, what the runs call it, and each run's value. */
export interface SettingDifference {
  key: string;
  label: string;
  /** In the order of the runs given; undefined where a run has no such setting. */
  values: (SettingValue | undefined)[];
}

/** The settings that are not the same in all of `runs`, in the order the first run has them. */
export function settingsDiff(runs: readonly RunRecord[]): SettingDifference[] {
  const keys = [...new Set(runs.flatMap((r) => Object.keys(r.settings)))];
  return keys
    .map((key) => ({
      key,
      label: runs.find((r) => r.settingLabels[key])?.settingLabels[key] ?? key,
      values: runs.map((r) => r.settings[key]),
    }))
    .filter((d) => new Set(d.values.map((v) => (v === undefined ? undefined : String(v)))).size > 1);
}

/** An export file: what {@link parseRunFile} reads back. */
export interface RunFile {
  format: typeof RUN_FILE_FORMAT;
  version: typeof RUN_VERSION;
  exportedAt: string;
  runs: RunRecord[];
}

/** The text of an export file of `runs`. */
export function runFileText(runs: readonly RunRecord[], exportedAt: string): string {
  const file: RunFile = { format: RUN_FILE_FORMAT, version: RUN_VERSION, exportedAt, runs: [...runs] };
  return `${JSON.stringify(file, null, 1)}\n`;
}

/** Why a file was refused, for the panel to put in words: the code, and the newer version or the faulty field. */
export type RunFileProblem = { code: 'not-json' } | { code: 'not-runs' } | { code: 'newer'; version: number } | { code: 'invalid'; index: number; field: string };

/** The runs of a file, or why it was refused. */
export type RunFileResult = { ok: true; runs: RunRecord[] } | { ok: false; problem: RunFileProblem };

/**
 * Reads a file the reader picked: an export file ({@link runFileText}), a single record or a
 * list of records. Refuses anything else, a file or record of a newer version (naming it), and
 * a record with a missing or malformed field (naming the field). Never throws.
 */
export function parseRunFile(text: string): RunFileResult {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { ok: false, problem: { code: 'not-json' } };
  }
  let records: unknown[];
  if (isObject(data) && data.format === RUN_FILE_FORMAT) {
    const newer = newerVersion(data);
    if (newer !== undefined) return { ok: false, problem: { code: 'newer', version: newer } };
    if (data.version !== RUN_VERSION || !Array.isArray(data.runs)) return { ok: false, problem: { code: 'not-runs' } };
    records = data.runs;
  } else if (isObject(data) && data.format === RUN_FORMAT) records = [data];
  else if (Array.isArray(data) && data.length > 0 && data.every((r) => isObject(r) && r.format === RUN_FORMAT)) records = data;
  else return { ok: false, problem: { code: 'not-runs' } };
  const runs: RunRecord[] = [];
  for (const [index, record] of records.entries()) {
    if (!isObject(record) || record.format !== RUN_FORMAT) return { ok: false, problem: { code: 'not-runs' } };
    const newer = newerVersion(record);
    if (newer !== undefined) return { ok: false, problem: { code: 'newer', version: newer } };
    const field = faultyField(record);
    if (field) return { ok: false, problem: { code: 'invalid', index, field } };
    runs.push(record as unknown as RunRecord);
  }
  return { ok: true, runs };
}

type Json = Record<string, unknown>;

function isObject(x: unknown): x is Json {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** The version of a file or record when it is newer than this code reads. */
function newerVersion(x: Json): number | undefined {
  return typeof x.version === 'number' && Number.isInteger(x.version) && x.version > RUN_VERSION ? x.version : undefined;
}

const isString = (x: unknown): x is string => typeof x === 'string';
const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0;
const isFinite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const isPoints = (x: unknown) => Array.isArray(x) && x.every((p) => Array.isArray(p) && p.length === 2 && isFinite(p[0]) && isFinite(p[1]));
const isRecordOf = (test: (x: unknown) => boolean) => (x: unknown) => isObject(x) && Object.values(x).every(test);
const optional = (test: (x: unknown) => boolean) => (x: unknown) => x === undefined || test(x);
const isStepLoss = (x: unknown) => isObject(x) && isCount(x.step) && isFinite(x.loss);
const isFinal = (x: unknown) => isObject(x) && isCount(x.step) && optional(isFinite)(x.train) && optional(isFinite)(x.dev);

/** Each field of a record and what it must be. */
const FIELD_CHECKS: Record<Exclude<keyof RunRecord, 'format'>, (x: unknown) => boolean> = {
  version: (x) => x === RUN_VERSION,
  id: (x) => isString(x) && x !== '',
  widget: (x) => isString(x) && /^[a-z][a-z0-9]*-[a-z0-9-]+$/.test(x),
  prefix: isString,
  page: (x) => isString(x) && x.startsWith('/'),
  lang: (x) => isString(x) && isLocale(x),
  settings: isRecordOf((v) => isString(v) || isFinite(v)),
  settingLabels: isRecordOf(isString),
  // A same-site path only: a link from a file must not take the reader elsewhere.
  link: (x) => isString(x) && x.startsWith('/') && !x.startsWith('//'),
  label: isString,
  backend: optional(isString),
  threads: optional(isCount),
  startedAt: (x) => isString(x) && !Number.isNaN(Date.parse(x)),
  durationMs: (x) => isFinite(x) && x >= 0,
  status: (x) => RUN_STATUSES.includes(x as RunStatus),
  totalSteps: isCount,
  step: isCount,
  curve: (x) => isObject(x) && isPoints(x.batch) && isPoints(x.train) && isPoints(x.dev),
  batchStride: (x) => isCount(x) && x > 0,
  final: optional(isFinal),
  lastGood: optional(isStepLoss),
  error: optional(isString),
};

/** The first field of `record` that is missing or malformed, if any. */
function faultyField(record: Json): string | undefined {
  return Object.entries(FIELD_CHECKS).find(([key, test]) => !test(record[key]))?.[0];
}
