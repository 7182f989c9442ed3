import { displayToken } from '../../lab/tokenizers/char';
import type { AttentionPattern, InspectInput, ModelInfo, Probe, ReadText, WorkerResponse } from '../../lab/worker/protocol';
import { HTML_LANG } from '../i18n/locales';
import { LineChartView, type LinePoint, type LineSeriesConfig } from '../views/lineChart';
import { FRAME_BUDGET_BYTES, HeadsFrames } from './headsFrames';
import { HeadsPanel } from './headsPanel';
import { blockOf, fitToBlock, headsFrame, type HeadsFrame, headsInput, headsProbes } from './headsProbes';
import { type HeadsReference, patternKey, PATTERN_KEYS } from './headsReference';
import { InsideView, type ViewFrame } from './insideView';
import { define } from './labWidget';
import { expandProbes } from './probeTemplates';
import { mergeText } from './text/define';
import { HEADS_TEXT } from './text/heads';
import { HEADS_TIMELINE_TEXT } from './text/headsTimeline';
import { INSIDE_VIEW_TEXT } from './text/insideView';
import { declareInput, WATCH_EVERY_ATTRIBUTE } from './watchInputs';

const TEXT = mergeText(INSIDE_VIEW_TEXT, HEADS_TEXT, HEADS_TIMELINE_TEXT);

/**
 * The settings, all in the URL: the pattern plotted (`line` is one line of verse back, where the
 * page scores it), the head highlighted and enlarged, and the steps between two snapshots.
 */
const SCHEMA = {
  pattern: { kind: 'enum', default: 'previous', options: PATTERN_KEYS },
  layer: { kind: 'int', default: 0, min: 0, max: 63 },
  head: { kind: 'int', default: 0, min: 0, max: 63 },
  every: { kind: 'int', default: 10, min: 1, max: 1000 },
} as const;

/** Milliseconds between two frames while playing. */
const PLAY_MS = 450;
/** The chart's series of the highlighted head: its readout names it. */
const CHOSEN = 'chosen';
const CHOSEN_REFERENCE = 'chosen-ref';

/**
 * Heads forming while the reader's GPT trains (chapter 7): the trainer it follows takes a
 * snapshot of every head's attention on a fixed probe text every `every` steps
 * (`data-watch-every`), and each is kept as a frame (headsFrames.ts, which thins a long run's
 * frames to a memory budget). The reader scrubs the frames (a slider, ← →, a play button) and
 * sees the grid of every head at that step; a line chart plots the chosen pattern's score of
 * every head over the steps, the chosen head in colour, and a click there goes to that frame.
 * Before any run: the shipped model's heads, and the reference run's scores from Node, dashed.
 * A run that ends in an error (a lost GPU, a crashed worker) keeps its frames, and says so.
 * State for tests: `data-frames` (held), `data-taken`, `data-frame` (index shown),
 * `data-frame-step`, `data-crashed`.
 */
class HeadsTimelineElement extends InsideView<typeof SCHEMA, typeof TEXT> {
  protected readonly urlPrefix = 'timeline';
  protected readonly schema = SCHEMA;
  protected readonly text = TEXT;
  #patterns: AttentionPattern[] = [];
  #probeText = '';
  #reference: HeadsReference | undefined;
  readonly #frames = new HeadsFrames();
  #panel: HeadsPanel | undefined;
  #chart: LineChartView | undefined;
  /** What the chart was built for: its series' looks depend on the chosen head, the pattern and whether a run has frames. */
  #chartFor = '';
  #checkpoint: ModelInfo | undefined;
  /** The shipped model's frame, shown until a run has one. */
  #shipped: HeadsFrame | undefined;
  #read: ReadText | undefined;
  /** The frame shown, an index into the frames held. */
  #index = 0;
  #playing: ReturnType<typeof setInterval> | undefined;
  #crashed = false;
  #stopObserving: (() => void) | undefined;

  protected get inspectInput(): InspectInput {
    return headsInput(this.#probeText);
  }

  protected override setup(): void {
    this.#patterns = JSON.parse(this.dataset.patterns ?? '[]') as AttentionPattern[];
    this.#probeText = this.dataset.text ?? '';
    this.#reference = (JSON.parse(this.dataset.reference ?? 'null') as HeadsReference | null) ?? undefined;
    // The frames of a run replace the base's way back to the shipped model: snapshots must keep coming.
    this.querySelector('[data-part="show-checkpoint"]')?.remove();
    this.setAttribute(WATCH_EVERY_ATTRIBUTE, String(this.values.every));
    this.#panel = new HeadsPanel(this.ref('grid'), this.ref('big'), {
      t: (key, vars) => this.t(key, vars),
      number: (value, digits) => this.number(value, digits),
      locale: HTML_LANG[this.locale],
      patterns: this.#patterns,
      onOpen: (layer, head) => this.#choose(layer, head),
    });
    const slider = this.ref<HTMLInputElement>('frame');
    this.listen(slider, 'input', () => this.#show(Number(slider.value)));
    this.listen(this.ref('play'), 'click', () => this.#togglePlay());
    this.#observeTrainer();
    this.#drawAll();
    super.setup();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#stopPlay();
    this.#stopObserving?.();
    this.#panel?.destroy();
    this.#chart?.destroy();
    this.#chart = undefined;
    this.#chartFor = '';
  }

  protected override onSettingChanged(key?: keyof typeof SCHEMA): void {
    if (key === 'every') return this.setAttribute(WATCH_EVERY_ATTRIBUTE, String(this.values.every));
    if (key === 'pattern' || key === 'layer' || key === 'head') return this.#drawAll();
    super.onSettingChanged();
  }

  protected probesFor(info: ModelInfo): Record<string, Probe> {
    return info.kind === 'gpt' ? expandProbes(headsProbes(this.#patterns), info) : {};
  }

  protected override onMessage(message: WorkerResponse): void {
    if (message.type === 'model') this.#checkpoint = message.info;
    super.onMessage(message);
  }

  /**
   * A run began (or resumed): its frames start again, except that a run resumed from a step keeps
   * the frames up to it. The probe text is cut to the new model's block, before the trainer asks.
   */
  protected override onReaderModel(info: ModelInfo): void {
    if (info.step > 0) this.#frames.keepThrough(info.step);
    else this.#frames.clear();
    this.#crashed = false;
    this.#index = Math.max(0, this.#frames.frames.length - 1);
    const block = blockOf(info);
    const sameData = this.#checkpoint !== undefined && info.vocab.join('') === this.#checkpoint.vocab.join('');
    const text = block === undefined ? this.#probeText : fitToBlock(this.#probeText, info.vocab, block, sameData ? this.dataset.lines === 'true' : true).text;
    declareInput(this, headsInput(text));
    this.#drawAll();
  }

  protected draw(frame: ViewFrame): void {
    if (frame.text) this.#read = frame.text;
    const heads = headsFrame(frame.step, frame.arrays);
    if (!heads || !this.#read || heads.size !== this.#read.tokens.length) return;
    if (frame.source === 'checkpoint') {
      this.#shipped = heads;
      return this.#drawAll();
    }
    const atEnd = this.#index >= this.#frames.frames.length - 1;
    if (!this.#frames.add(heads)) return;
    // The reader who scrubbed back stays where they are; otherwise the newest frame is shown.
    if (atEnd || this.#playing === undefined) this.#index = this.#frames.frames.length - 1;
    else this.#index = Math.min(this.#index, this.#frames.frames.length - 1);
    this.#drawAll();
  }

  protected describe(frame: ViewFrame): string {
    if (frame.source === 'reader') return this.t('inside.reader', { step: this.number(frame.step, 0) });
    const dev = frame.info.metrics?.dev;
    return dev === undefined ? this.t('inside.checkpoint') : this.t('inside.checkpointDev', { dev: this.number(dev, 3) });
  }

  /**
   * Watches the followed trainer's state (its `data-state`): a run that ends in an error keeps
   * the frames taken, and the view says so.
   */
  #observeTrainer(): void {
    const follows = this.dataset.follows;
    const trainer = [...document.querySelectorAll<HTMLElement>('[data-url-prefix]')].find((el) => el.dataset.urlPrefix === follows && !el.hasAttribute('data-follows'));
    if (!trainer) return;
    const observer = new MutationObserver(() => {
      if (trainer.dataset.state !== 'error' || this.#crashed || this.#frames.taken === 0) return;
      this.#crashed = true;
      this.#stopPlay();
      this.#drawAll();
    });
    observer.observe(trainer, { attributes: true, attributeFilter: ['data-state'] });
    this.#stopObserving = () => observer.disconnect();
  }

  #choose(layer: number, head: number): void {
    this.setValue('layer', layer, false);
    this.setValue('head', head, false);
    this.#drawAll();
  }

  #show(index: number): void {
    this.#index = Math.max(0, Math.min(index, this.#frames.frames.length - 1));
    this.#drawAll();
  }

  /** The held frame whose step is nearest `step` (the frames of a long run are thinned; its scores are not). */
  #nearestFrame(step: number): number {
    let best = 0;
    this.#frames.frames.forEach((f, i, all) => {
      if (Math.abs(f.step - step) < Math.abs(all[best]!.step - step)) best = i;
    });
    return best;
  }

  #togglePlay(): void {
    if (this.#playing !== undefined) return this.#stopPlay();
    const count = this.#frames.frames.length;
    if (count < 2) return;
    if (this.#index >= count - 1) this.#index = 0;
    this.#playing = setInterval(() => {
      if (this.#index >= this.#frames.frames.length - 1) return this.#stopPlay();
      this.#show(this.#index + 1);
    }, PLAY_MS);
    this.#drawAll();
  }

  #stopPlay(): void {
    if (this.#playing === undefined) return;
    clearInterval(this.#playing);
    this.#playing = undefined;
    this.#drawAll();
  }

  /** The index of the pattern plotted among the patterns scored (the first when the page scores no such pattern). */
  get #pattern(): number {
    const index = this.#patterns.findIndex((p) => patternKey(p) === this.values.pattern);
    return Math.max(0, index);
  }

  /** Draws the frame shown, the slider, the chart and the notes. */
  #drawAll(): void {
    const frames = this.#frames.frames;
    const frame = frames[this.#index] ?? this.#shipped;
    const tokens = this.#read?.tokens.map(displayToken) ?? [];
    const { layer, head } = this.values;
    if (frame && tokens.length === frame.size) this.#panel?.show({ frame, tokens, open: [layer, head], pattern: this.#pattern });
    const slider = this.ref<HTMLInputElement>('frame');
    slider.max = String(Math.max(0, frames.length - 1));
    slider.value = String(this.#index);
    slider.disabled = frames.length < 2;
    const play = this.ref<HTMLButtonElement>('play');
    play.disabled = frames.length < 2;
    play.textContent = this.t(this.#playing === undefined ? 'timeline.play' : 'timeline.pause');
    play.setAttribute('aria-pressed', String(this.#playing !== undefined));
    const shown = frames[this.#index];
    this.ref('frame-text').textContent = shown
      ? this.t('timeline.frame', { step: this.number(shown.step, 0), index: this.#index + 1, count: frames.length })
      : this.#shipped
        ? this.t('timeline.frameShipped', { step: this.number(this.#shipped.step, 0) })
        : '';
    slider.setAttribute('aria-valuetext', this.ref('frame-text').textContent ?? '');
    this.ref('before').hidden = frames.length > 0;
    this.ref('run-note').textContent = [
      this.#frames.stride > 1 ? this.t('timeline.thinned', { mb: this.number(FRAME_BUDGET_BYTES / 1024 ** 2, 0), stride: this.#frames.stride, taken: this.#frames.taken }) : '',
      this.#crashed ? this.t('timeline.crashed', { count: this.#frames.taken }) : '',
    ]
      .filter(Boolean)
      .join(' ');
    Object.assign(this.dataset, { frames: String(frames.length), taken: String(this.#frames.taken), frame: String(this.#index), frameStep: String(shown?.step ?? ''), crashed: String(this.#crashed) });
    this.#drawChart();
  }

  /** The score of the chosen pattern of every head over the steps: the run's frames, and the reference run dashed. */
  #drawChart(): void {
    const pattern = this.#pattern;
    const count = this.#patterns.length;
    const { layer, head } = this.values;
    const scores = this.#frames.scores;
    const run = scores.length > 0;
    const ref = this.#reference;
    const refPattern = ref?.patterns.indexOf(patternKey(this.#patterns[pattern]!)) ?? -1;
    const lastStep = scores.at(-1)?.step ?? Infinity;
    // During a run the reference is drawn as far as the run has come, so the two compare step for step.
    const refPoints = refPattern < 0 || !ref ? [] : ref.points.filter((p, i) => !run || p.step <= lastStep || (i > 0 && ref.points[i - 1]!.step < lastStep));
    const layers = run ? scores[0]!.scores.length : (ref?.layers ?? 0);
    const heads = run ? scores[0]!.scores[0]!.length / count : (ref?.heads ?? 0);
    const name = (l: number, h: number) => this.t('timeline.series', { layer: l, head: h });
    const key = (l: number, h: number) => (l === layer && h === head ? CHOSEN : `l${l}h${h}`);
    const configs: LineSeriesConfig[] = [];
    const series: Record<string, LinePoint[]> = {};
    for (let l = 0; l < layers; l++) {
      for (let h = 0; h < heads; h++) {
        const chosen = l === layer && h === head;
        if (run) {
          configs.push({ key: key(l, h), label: name(l, h), color: chosen ? 'var(--chart-1)' : 'var(--muted)', opacity: chosen ? 1 : 0.45, width: chosen ? 2.75 : 1.1 });
          series[key(l, h)] = scores.map((s) => ({ x: s.step, y: s.scores[l]![h * count + pattern] ?? NaN }));
        }
        if (!ref || refPattern < 0 || (run && !chosen) || l >= ref.layers || h >= ref.heads) continue;
        const refKey = chosen ? CHOSEN_REFERENCE : `ref-${key(l, h)}`;
        configs.push({ key: refKey, label: this.t('timeline.seriesReference', { layer: l, head: h }), color: chosen ? 'var(--chart-2)' : 'var(--muted)', dash: '5 4', opacity: chosen ? 0.9 : 0.4, width: chosen ? 2 : 1 });
        series[refKey] = refPoints.map((p) => ({ x: p.step, y: p.scores[(l * ref.heads + h) * ref.patterns.length + refPattern] ?? NaN }));
      }
    }
    const patternName = this.#panel?.patternName(pattern) ?? '';
    this.ref('chart-title').textContent = this.t('timeline.chartTitle', { pattern: patternName });
    this.ref('chart-help').textContent = this.t('timeline.chartHelp', { layer, head });
    const signature = JSON.stringify(configs.map((c) => [c.key, c.color]).concat([[patternName, String(run)]]));
    if (signature !== this.#chartFor) {
      this.#chart?.destroy();
      this.#chartFor = signature;
      this.#chart = new LineChartView(this.ref('chart'), {
        locale: HTML_LANG[this.locale],
        series: configs,
        yDomain: [0, 1],
        tableSeries: configs.filter((c) => run === !c.key.includes('ref')).map((c) => c.key),
        picker: run ? { series: CHOSEN, onPick: (x) => this.#show(this.#nearestFrame(x)) } : undefined,
        formatX: (x) => this.number(x, 0),
        formatY: (y) => this.number(y, 2),
        labels: {
          readout: this.t('timeline.readout'),
          readoutEmpty: this.t('timeline.chartGrid'),
          aria: this.t(run ? 'timeline.chartAria' : 'timeline.chartAriaReference', { pattern: patternName }),
          grid: this.t('timeline.chartGrid'),
          empty: this.t('timeline.chartEmpty'),
          x: this.t('timeline.x'),
          y: this.t('timeline.y'),
          tableSummary: this.t('table.show'),
          colX: this.t('timeline.x'),
        },
      });
    }
    this.#chart!.update({ series });
    const shown = this.#frames.frames[this.#index];
    if (run && shown) this.#chart!.pick(shown.step);
  }
}

define('lm-heads-timeline', HeadsTimelineElement);
