import { HTML_LANG, isLocale, type Locale } from '../i18n/locales';
import { fillTemplate } from '../i18n/template';
import { type RunFileProblem, parseRunFile, type RunRecord, RUN_VERSION, runFileText, settingsDiff } from '../runs/record';
import { runStore, RunStoreError, watchRuns } from '../runs/store';
import { formatLoss, MISSING, numberFormat } from '../views/format';
import { type LossChartPoint, type LossSeriesConfig, LossChartView } from '../views/lossChart';
import { COMMON_TEXT, type CommonKey } from './text/common';
import { type TextKey, type TextVars, type Words, wordsOf } from './text/define';
import { RUNS_TEXT } from './text/runs';
import { durationText } from './timeLeft';
import { lossChartLabels } from './trainingChart';
import { readState, type Values, writeState } from './urlState';

/** The panel's settings in the URL (`runs.all=1`): runs of every page, not only this one's; train curves beside the dev ones. */
const PANEL_SCHEMA = {
  all: { kind: 'enum', default: '0', options: ['0', '1'] },
  train: { kind: 'enum', default: '0', options: ['0', '1'] },
} as const;

/** Settings every trainer shares, named in the panel's own language whatever language their run was recorded in. */
const SHARED_SETTINGS: Record<string, CommonKey> = { lr: 'train.lr', batch: 'train.batch', steps: 'train.steps', seed: 'train.seed', backend: 'train.backend', data: 'data.label' };

/** The chart's colours, one per selected run in turn. */
const PALETTE_SIZE = 6;
const colour = (i: number) => `var(--chart-${(i % PALETTE_SIZE) + 1})`;

type Key = CommonKey | TextKey<typeof RUNS_TEXT>;

/**
 * The reader's runs (`lm-runs`): every run of every trainer on the site, from the browser's
 * store (src/runs/store.ts), newest first; this page's by default, every page's with `all`.
 * Ticked runs overlay their dev curves (train dashed, with `train`) in one loss chart, and a
 * line names the settings that differ between them. Each run opens from its link or is deleted;
 * runs export to and import from a JSON file (a file that is not one is refused with a message);
 * all can be deleted after a confirmation. Redraws when runs change here or in another tab.
 * Mirrored in `data-*`: state (`ready` or `unavailable`), count (rows shown), selected, differs
 * (the keys of the differing settings, comma-separated).
 */
class RunsPanelElement extends HTMLElement {
  #locale: Locale = 'en';
  #words: Words<Key> = {} as Words<Key>;
  #prefix = 'runs';
  #values: { -readonly [K in keyof typeof PANEL_SCHEMA]: Values<typeof PANEL_SCHEMA>[K] } = { all: '0', train: '0' };
  #runs: RunRecord[] = [];
  #selected = new Set<string>();
  #chart: LossChartView | undefined;
  /** Which runs and series the chart was made for: another selection makes a new chart. */
  #chartFor = '';
  #listeners = new AbortController();
  #unwatch: (() => void) | undefined;
  #loads = 0;

  connectedCallback(): void {
    this.#listeners = new AbortController();
    this.#locale = isLocale(this.dataset.lang) ? this.dataset.lang : 'en';
    this.#words = wordsOf(this.#locale, COMMON_TEXT, RUNS_TEXT);
    this.#prefix = this.dataset.urlPrefix || 'runs';
    this.#values = readState(PANEL_SCHEMA, new URLSearchParams(location.search), this.#prefix).values;
    for (const key of ['all', 'train'] as const) {
      const box = this.#field(key);
      box.checked = this.#values[key] === '1';
      this.#on(box, 'change', () => this.#setValue(key, box.checked ? '1' : '0'));
    }
    const rows = this.#part('rows');
    this.#on(rows, 'change', (e) => this.#toggle(e.target as HTMLInputElement));
    this.#on(rows, 'click', (e) => {
      const button = (e.target as Element).closest<HTMLButtonElement>('button[data-action="delete"]');
      if (button) void this.#delete(button.closest('tr')!.dataset.runId!);
    });
    this.#on(this.#part('export-selected'), 'click', () => this.#export(this.#runs.filter((r) => this.#selected.has(r.id))));
    this.#on(this.#part('export-all'), 'click', () => this.#export(this.#runs));
    this.#on(this.#part('import'), 'change', () => void this.#import());
    this.#on(this.#part('clear'), 'click', () => this.#confirmClear(true));
    this.#on(this.#part('clear-no'), 'click', () => this.#confirmClear(false));
    this.#on(this.#part('clear-yes'), 'click', () => void this.#clear());
    this.#unwatch = watchRuns(() => void this.#load());
    void this.#load();
  }

  disconnectedCallback(): void {
    this.#listeners.abort();
    this.#unwatch?.();
    this.#chart?.destroy();
    this.#chart = undefined;
    this.#chartFor = '';
  }

  #t(key: Key, vars?: TextVars): string {
    return fillTemplate(this.#words[key], vars);
  }

  #on(target: EventTarget, type: string, handler: (event: Event) => void): void {
    target.addEventListener(type, handler, { signal: this.#listeners.signal });
  }

  #part<E extends HTMLElement = HTMLElement>(name: string): E {
    const el = this.querySelector<E>(`[data-part="${name}"]`);
    if (!el) throw new Error(`runs panel markup lacks data-part="${name}"`);
    return el;
  }

  #field(key: keyof typeof PANEL_SCHEMA): HTMLInputElement {
    return this.querySelector<HTMLInputElement>(`[data-field="${key}"]`)!;
  }

  #setValue(key: keyof typeof PANEL_SCHEMA, value: '0' | '1'): void {
    this.#values[key] = value;
    const params = new URLSearchParams(location.search);
    writeState(PANEL_SCHEMA, this.#values, params, this.#prefix);
    const query = params.toString();
    history.replaceState(history.state, '', `${location.pathname}${query ? `?${query}` : ''}${location.hash}`);
    this.#render();
  }

  /** Reads the runs again (the latest read wins) and redraws. */
  async #load(): Promise<void> {
    const ticket = ++this.#loads;
    try {
      const runs = await runStore.list();
      if (ticket !== this.#loads) return;
      this.#runs = runs;
      // Runs deleted here or in another tab leave the selection; runs merely hidden (another page's) stay in it.
      for (const id of this.#selected) if (!runs.some((r) => r.id === id)) this.#selected.delete(id);
      this.dataset.state = 'ready';
    } catch (err) {
      if (ticket !== this.#loads) return;
      this.#runs = [];
      this.dataset.state = 'unavailable';
      this.#showError(this.#t('runs.unavailable', { reason: err instanceof Error ? err.message : String(err) }));
    }
    this.#render();
  }

  /** Runs in the table: this page's, newest first, then (with `all`) the other pages', newest first. */
  #shown(): RunRecord[] {
    const here = this.#runs.filter((r) => r.page === location.pathname);
    return this.#values.all === '1' ? [...here, ...this.#runs.filter((r) => r.page !== location.pathname)] : here;
  }

  /** A run's short name: its number among all the reader's runs, oldest first. */
  #name(run: RunRecord): string {
    return `#${this.#runs.length - this.#runs.indexOf(run)}`;
  }

  #render(): void {
    const shown = this.#shown();
    const selected = shown.filter((r) => this.#selected.has(r.id)).reverse(); // oldest first: the order they were trained in
    this.#renderRows(shown, selected);
    const others = this.#runs.length - shown.length;
    const empty = this.#part('empty');
    empty.textContent = shown.length > 0 ? (others > 0 ? this.#t('runs.hiddenOthers', { count: others }) : '') : others > 0 ? `${this.#t('runs.empty')} ${this.#t('runs.hiddenOthers', { count: others })}` : this.#t(this.#values.all === '1' ? 'runs.emptyAll' : 'runs.empty');
    this.#part('scroll').hidden = shown.length === 0;
    this.#renderDiff(selected);
    this.#renderChart(selected);
    (this.#part<HTMLButtonElement>('export-selected')).disabled = selected.length === 0;
    (this.#part<HTMLButtonElement>('export-all')).disabled = this.#runs.length === 0;
    (this.#part<HTMLButtonElement>('clear')).disabled = this.#runs.length === 0;
    Object.assign(this.dataset, { count: String(shown.length), selected: String(selected.length) });
  }

  /** The table's rows, rebuilt; the control that had the focus gets it back. */
  #renderRows(shown: RunRecord[], selected: RunRecord[]): void {
    const active = document.activeElement instanceof HTMLElement && this.contains(document.activeElement) ? document.activeElement : undefined;
    const focusRun = active?.closest('tr')?.dataset.runId;
    const focusAction = active?.dataset.action;
    const rows = this.#part('rows');
    rows.replaceChildren(...shown.map((run) => this.#row(run, selected.indexOf(run))));
    if (focusRun && focusAction) rows.querySelector<HTMLElement>(`tr[data-run-id="${CSS.escape(focusRun)}"] [data-action="${focusAction}"]`)?.focus();
  }

  #row(run: RunRecord, colourIndex: number): HTMLTableRowElement {
    const tr = document.createElement('tr');
    tr.dataset.runId = run.id;
    tr.dataset.here = String(run.page === location.pathname);
    const name = this.#name(run);
    const cell = (...children: (Node | string)[]) => {
      const td = document.createElement('td');
      td.append(...children);
      tr.append(td);
      return td;
    };
    const note = (text: string) => Object.assign(document.createElement('span'), { className: 'runs-note', textContent: text });

    const box = Object.assign(document.createElement('input'), { type: 'checkbox', checked: colourIndex >= 0 });
    box.dataset.action = 'select';
    box.setAttribute('aria-label', this.#t('runs.select', { name }));
    const swatch = Object.assign(document.createElement('span'), { className: 'runs-swatch' });
    swatch.setAttribute('aria-hidden', 'true');
    if (colourIndex >= 0) swatch.style.background = colour(colourIndex);
    cell(swatch, box);

    const started = new Date(run.startedAt).toLocaleString(HTML_LANG[this.#locale], { dateStyle: 'short', timeStyle: 'short' });
    const where = run.page === location.pathname ? started : `${started} · ${this.#t('runs.otherPage', { page: run.page })}`;
    cell(`${name} ${run.label}`, note(where)).className = 'runs-name';

    const status = cell(this.#t(`runs.status.${run.status}`));
    status.className = 'runs-status';
    status.dataset.status = run.status;
    if (run.status === 'diverged' && run.lastGood) status.append(note(this.#t('runs.divergedAt', { loss: this.#loss(run.lastGood.loss), step: this.#count(run.lastGood.step) })));
    if (run.status === 'failed' && run.error) status.append(note(run.error));

    const numbers = [
      this.#t('runs.stepsOf', { step: this.#count(run.step), steps: this.#count(run.totalSteps) }),
      run.final?.dev === undefined ? MISSING : this.#loss(run.final.dev),
      durationText(run.durationMs / 1000, (key, vars) => this.#t(key, vars)),
      run.backend ? (run.threads && run.threads > 1 ? `${run.backend} × ${run.threads}` : run.backend) : MISSING,
    ];
    for (const text of numbers) cell(text).className = 'runs-number';

    const open = Object.assign(document.createElement('a'), { href: run.link, textContent: this.#t('runs.open') });
    open.dataset.action = 'open';
    open.setAttribute('aria-label', this.#t('runs.openLabel', { name }));
    const remove = Object.assign(document.createElement('button'), { type: 'button', className: 'widget-button', textContent: this.#t('runs.delete') });
    remove.dataset.action = 'delete';
    remove.setAttribute('aria-label', this.#t('runs.deleteLabel', { name }));
    cell(open, remove).className = 'runs-actions';
    return tr;
  }

  #loss(x: number): string {
    return formatLoss(x, HTML_LANG[this.#locale], 3);
  }

  #count(x: number): string {
    return numberFormat(HTML_LANG[this.#locale]).format(x);
  }

  /** What a setting is called here: the common words for shared ones, else what its trainer called it. */
  #settingName(key: string, recorded: string): string {
    const common = SHARED_SETTINGS[key];
    return common ? this.#t(common) : recorded;
  }

  /** The line that names the settings that differ between the selected runs, and their values. */
  #renderDiff(selected: RunRecord[]): void {
    const line = this.#part('diff');
    const differences = selected.length > 1 ? settingsDiff(selected) : [];
    this.dataset.differs = differences.map((d) => d.key).join(',');
    if (selected.length < 2) {
      line.textContent = this.#runs.length === 0 ? '' : this.#t(selected.length === 0 ? 'runs.pickSome' : 'runs.pickAnother');
      return;
    }
    if (differences.length === 0) {
      line.textContent = this.#t('runs.same');
      return;
    }
    const items = differences.map((d) => this.#t('runs.diffItem', { setting: this.#settingName(d.key, d.label), values: d.values.map((v) => (v === undefined ? MISSING : String(v))).join(' / ') }));
    line.textContent = this.#t('runs.differ', { list: items.join('; ') });
  }

  /** The selected runs' dev curves (and train curves, dashed, with `train`), each run in its colour. */
  #renderChart(selected: RunRecord[]): void {
    const withTrain = this.#values.train === '1';
    const chartFor = `${withTrain}:${selected.map((r) => r.id).join(',')}`;
    if (selected.length === 0) {
      this.#chart?.destroy();
      this.#chart = undefined;
      this.#chartFor = '';
      return;
    }
    const differences = settingsDiff(selected);
    const legend = (run: RunRecord) => {
      const values = differences.map((d) => `${this.#settingName(d.key, d.label)} ${run.settings[d.key] ?? MISSING}`);
      return values.length > 0 ? `${this.#name(run)} (${values.join(', ')})` : this.#name(run);
    };
    if (chartFor !== this.#chartFor || !this.#chart) {
      this.#chart?.destroy();
      const series: LossSeriesConfig[] = selected.flatMap((run, i) => [
        { key: `dev:${run.id}`, label: this.#t('runs.legendDev', { run: legend(run) }), color: colour(i) },
        ...(withTrain ? [{ key: `train:${run.id}`, label: this.#t('runs.legendTrain', { run: legend(run) }), color: colour(i), dash: '4 3', opacity: 0.8 }] : []),
      ]);
      this.#chart = new LossChartView(this.#part('chart'), { locale: HTML_LANG[this.#locale], series, labels: lossChartLabels(this.#locale, this.#t('runs.chartAria', { count: selected.length })) });
      this.#chartFor = chartFor;
    }
    const points: LossChartPoint[] = selected.flatMap((run) => [
      ...run.curve.dev.map(([step, loss]) => ({ step, loss, series: `dev:${run.id}` })),
      ...(withTrain ? run.curve.train.map(([step, loss]) => ({ step, loss, series: `train:${run.id}` })) : []),
    ]);
    this.#chart.update({ points, totalSteps: Math.max(...selected.map((r) => r.totalSteps)) });
  }

  #toggle(box: HTMLInputElement): void {
    const id = box.closest('tr')?.dataset.runId;
    if (!id || box.dataset.action !== 'select') return;
    if (box.checked) this.#selected.add(id);
    else this.#selected.delete(id);
    this.#render();
  }

  async #delete(id: string): Promise<void> {
    const row = this.querySelector<HTMLElement>(`tr[data-run-id="${CSS.escape(id)}"]`);
    const next = row?.nextElementSibling ?? row?.previousElementSibling;
    await this.#change(() => runStore.delete(id));
    // The focus goes to the next run's delete button (or the table), not back to the page's top.
    const target = next instanceof HTMLElement ? this.querySelector<HTMLElement>(`tr[data-run-id="${CSS.escape(next.dataset.runId ?? '')}"] [data-action="delete"]`) : null;
    (target ?? (this.#part('scroll').hidden ? this.#part('import') : this.#part('scroll'))).focus();
  }

  #confirmClear(show: boolean): void {
    const box = this.#part('confirm');
    box.hidden = !show;
    if (show) {
      this.#part('confirm-text').textContent = this.#t('runs.clearConfirm', { count: this.#runs.length });
      this.#part('clear-no').focus();
    } else this.#part('clear').focus();
  }

  async #clear(): Promise<void> {
    this.#part('confirm').hidden = true;
    await this.#change(() => runStore.clear());
    // Nothing is left to delete or export (those buttons are disabled now): the focus goes to Import.
    this.#part('import').focus();
  }

  /** Carries out a change of the store and reads the runs again; a failure is shown. */
  async #change(change: () => Promise<void>): Promise<void> {
    this.#clearError();
    try {
      await change();
    } catch (err) {
      this.#showError(this.#t('runs.storeFailed', { reason: err instanceof RunStoreError || err instanceof Error ? err.message : String(err) }));
    }
    await this.#load();
  }

  #export(runs: RunRecord[]): void {
    if (runs.length === 0) return;
    const now = new Date();
    const url = URL.createObjectURL(new Blob([runFileText(runs, now.toISOString())], { type: 'application/json' }));
    const link = Object.assign(document.createElement('a'), { href: url, download: `lm-runs-${now.toISOString().slice(0, 10)}.json` });
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }

  /** Reads the file the reader picked: its runs are kept and ticked, or it is refused with the reason. */
  async #import(): Promise<void> {
    const input = this.#part<HTMLInputElement>('import');
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    const result = parseRunFile(await file.text());
    if (!result.ok) return this.#showError(this.#problemText(result.problem));
    await this.#change(() => runStore.put(...result.runs));
    if (this.dataset.state !== 'ready') return;
    for (const run of result.runs) this.#selected.add(run.id);
    this.#render();
    this.#part('status').textContent = this.#t('runs.imported', { count: result.runs.length });
  }

  #problemText(problem: RunFileProblem): string {
    switch (problem.code) {
      case 'not-json':
        return this.#t('runs.notJson');
      case 'not-runs':
        return this.#t('runs.notRuns');
      case 'newer':
        return this.#t('runs.newer', { version: problem.version, supported: RUN_VERSION });
      case 'invalid':
        return this.#t('runs.invalid', { index: problem.index + 1, field: problem.field });
    }
  }

  #showError(message: string): void {
    const box = this.#part('error');
    box.hidden = false;
    box.textContent = `${this.#t('error.prefix')} ${message}`;
  }

  #clearError(): void {
    const box = this.#part('error');
    box.hidden = true;
    box.textContent = '';
  }
}

// Defined once (modules may be evaluated more than once in dev).
if (!customElements.get('lm-runs')) customElements.define('lm-runs', RunsPanelElement);
