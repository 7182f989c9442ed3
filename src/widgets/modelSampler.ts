import { displayToken } from '../../lab/tokenizers/char';
import type { DrawnStep, ModelInfo, ModelSource, WorkerResponse } from '../../lab/worker/protocol';
import { HTML_LANG } from '../i18n/locales';
import { BarListView } from '../views/barList';
import { define, LabWidget } from './labWidget';
import { FOLLOWS_ATTRIBUTE, modelBus, type TrainedModel } from './modelBus';
import { DISTRIBUTION_TOP, drawRequest, MAX_PROMPT, MODEL_SAMPLER_SCHEMA, pickAfterKey, poemLines, readPrompt, type SamplePick } from './modelSamplerSchema';
import { MODEL_SAMPLER_TEXT } from './text/modelSampler';
import { readUrlText, writeUrlText } from './urlText';

/** Whose model the samples come from: the checkpoint the page ships, or the one the reader trained. */
type SampleSource = 'checkpoint' | 'reader';

/**
 * Samples from a neural model of the ladder, held in the widget's own worker: the checkpoint the
 * page ships (`data-checkpoint`) at once, and, when the widget follows a trainer (`data-follows`,
 * with `data-wants-model` so that the trainer saves its model when a run ends), the reader's
 * model after each run, with a button back to the shipped one. Temperature, top-k, top-p, seed,
 * count and an optional prompt (its unknown characters marked and left out) are in the URL.
 * Names show as a list; poems (`data-dataset="tang-wujue"`) one per block, a line after each
 * punctuation mark the model wrote. Every drawn character is a stop of one roving focus (click,
 * or the arrow keys inside the samples): the character picked shows the distribution it was
 * drawn from, after temperature, top-k and top-p (BarListView: its {@link DISTRIBUTION_TOP}
 * likeliest characters and all the others, summing to 1, the drawn one marked). Mirrored in
 * `data-*`: source, step (of the model sampled), samples (how many shown), picked (`i,j`: sample
 * and character) and shownSum (the listed probabilities and the rest, added).
 */
class ModelSamplerElement extends LabWidget<typeof MODEL_SAMPLER_SCHEMA, typeof MODEL_SAMPLER_TEXT> {
  protected readonly urlPrefix = 'sample';
  protected readonly schema = MODEL_SAMPLER_SCHEMA;
  protected readonly text = MODEL_SAMPLER_TEXT;
  protected readonly backend = 'wasm';
  #source: SampleSource = 'checkpoint';
  /** The model the worker holds for the current job, once loaded. */
  #info: ModelInfo | undefined;
  /** The reader's latest trained model, kept to sample from it again after going back and forth. */
  #trained: TrainedModel | undefined;
  #prompt = '';
  /** The known part of the prompt the latest samples continue. */
  #described = '';
  #unfollow: (() => void) | undefined;
  /** How each character of the shown samples was drawn: `#steps[i][j]`. */
  #steps: DrawnStep[][] = [];
  /** The drawn characters' elements, as `#steps`. */
  #chars: HTMLElement[][] = [];
  #picked: SamplePick | undefined;
  #bars: BarListView | undefined;

  protected setup(): void {
    this.#bars = new BarListView(this.ref('dist'), {
      locale: HTML_LANG[this.locale],
      labels: {
        caption: '',
        colLabel: this.t('msample.colChar'),
        colBar: this.t('msample.colBar'),
        colValue: this.t('msample.colValue'),
        empty: this.t('msample.distEmpty'),
        rest: this.t('msample.rest'),
      },
    });
    const out = this.ref('samples');
    this.listen(out, 'click', (event) => {
      const at = this.#pickOf(event.target);
      if (at) this.#chars[at.sample]![at.char]!.focus();
    });
    this.listen(out, 'focusin', (event) => {
      const at = this.#pickOf(event.target);
      if (at) this.#pick(at);
    });
    this.listen(out, 'keydown', (event) => {
      const key = (event as KeyboardEvent).key;
      if (!this.#picked) return;
      const next = pickAfterKey(this.#picked, key, this.#steps.map((s) => s.length));
      if (!next) return;
      event.preventDefault();
      this.#chars[next.sample]![next.char]!.focus();
    });
    const param = `${this.instancePrefix}.prompt`;
    const box = this.ref<HTMLInputElement>('prompt');
    this.#prompt = readUrlText(location.search, param, '', MAX_PROMPT).value;
    box.value = this.#prompt;
    this.listen(box, 'change', () => {
      this.#prompt = [...box.value].slice(0, MAX_PROMPT).join('');
      box.value = this.#prompt;
      writeUrlText(param, this.#prompt, '');
      this.#sample();
    });
    this.listen(this.ref('generate'), 'click', () => this.#sample());
    this.listen(this.ref('back'), 'click', () => this.#load('checkpoint'));
    const follows = this.getAttribute(FOLLOWS_ATTRIBUTE);
    if (follows) {
      this.#unfollow = modelBus.follow(follows, this, {
        onModel: (info) => this.#readerTraining(info),
        onSnapshot: () => {},
        onTrained: (model) => {
          this.#trained = model;
          this.#load('reader');
        },
      });
    }
    if (!this.#trained) this.#load('checkpoint');
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#unfollow?.();
    this.#unfollow = undefined;
    this.#bars?.destroy();
  }

  /** Also what the error's "Try again" does: a model that did not load is asked for again. */
  protected onSettingChanged(): void {
    if (!this.#info) return this.#load(this.#source);
    this.#sample();
  }

  /** Has the worker hold the shipped model or the reader's, then samples from it. */
  #load(source: SampleSource): void {
    const checkpoint = this.dataset.checkpoint;
    const from: ModelSource | undefined = source === 'reader' && this.#trained ? { bytes: this.#trained.bytes.slice() } : checkpoint ? { checkpoint } : undefined;
    if (!from) return;
    this.#source = source;
    this.#info = undefined;
    this.ref('back').hidden = source !== 'reader';
    this.setStatus(this.t('msample.loading'));
    this.client?.send({ type: 'load', jobId: this.nextJob(), source: from });
  }

  /** The followed trainer began a run: its samples come when it ends; the shown ones stay until then. */
  #readerTraining(info: ModelInfo): void {
    if (info.origin === 'training') this.ref('reader-note').textContent = this.t('msample.readerTraining');
  }

  protected onMessage(message: WorkerResponse): void {
    switch (message.type) {
      case 'model':
        this.#info = message.info;
        if (this.#source === 'reader') this.ref('reader-note').textContent = '';
        return this.#sample();
      case 'sample':
        return this.#show(message.texts, message.steps ?? []);
    }
  }

  #sample(): void {
    const info = this.#info;
    if (!info) return;
    const { known, skipped } = readPrompt(this.#prompt, info.vocab);
    this.ref('prompt-note').textContent = skipped.length > 0 ? this.t('msample.skipped', { chars: skipped.join(' ') }) : '';
    this.dataset.skipped = String(skipped.length);
    this.client?.send(drawRequest(this.currentJob, this.values, known, Number(this.dataset.maxLength) || 30, DISTRIBUTION_TOP));
    this.#described = known;
  }

  #show(texts: string[], steps: DrawnStep[][]): void {
    const out = this.ref('samples');
    const prompt = this.#described;
    this.#steps = steps;
    this.#chars = texts.map(() => []);
    /** A sample's characters: the prompt's as text, each drawn one a focus stop of its own. */
    const sample = (i: number, from: number, line: string): (Node | string)[] => {
      const nodes: (Node | string)[] = [];
      [...line].forEach((char, k) => {
        const j = from + k - [...prompt].length;
        if (j < 0 || !steps[i]?.[j]) return nodes.push(char);
        const span = document.createElement('span');
        span.className = 'msample-char';
        span.tabIndex = -1;
        span.textContent = char;
        span.dataset.at = `${i},${j}`;
        this.#chars[i]![j] = span;
        nodes.push(span);
      });
      return nodes;
    };
    const whole = (text: string) => prompt + text;
    if (this.dataset.dataset === 'tang-wujue') {
      const poems = texts.map((text, i) => {
        const poem = document.createElement('p');
        poem.className = 'widget-poem';
        if (!whole(text)) poem.append(this.t('msample.empty'));
        let from = 0;
        for (const [n, line] of poemLines(whole(text)).entries()) {
          if (n > 0) poem.append(document.createElement('br'));
          poem.append(...sample(i, from, line));
          from += [...line].length;
        }
        return poem;
      });
      out.replaceChildren(...poems);
    } else {
      const list = document.createElement('ol');
      list.replaceChildren(
        ...texts.map((text, i) => {
          const item = document.createElement('li');
          item.append(...(whole(text) ? sample(i, 0, whole(text)) : [this.t('msample.empty')]));
          return item;
        }),
      );
      out.replaceChildren(list);
    }
    const step = (this.#source === 'reader' ? this.#trained?.step : this.#info?.step) ?? 0;
    Object.assign(this.dataset, { source: this.#source, step: String(step), samples: String(texts.length) });
    this.setStatus(this.#describe(step));
    const first = this.#chars.findIndex((chars) => chars.length > 0);
    const kept = this.#picked && this.#chars[this.#picked.sample]?.[this.#picked.char] ? this.#picked : undefined;
    this.#picked = undefined;
    if (kept) this.#pick(kept);
    else if (first >= 0) this.#pick({ sample: first, char: 0 });
    else this.#clearPick();
  }

  /** The sample and character of a drawn character's element, if `target` is one. */
  #pickOf(target: EventTarget | null): SamplePick | undefined {
    const at = target instanceof HTMLElement ? target.dataset.at : undefined;
    if (!at) return undefined;
    const [sample = 0, char = 0] = at.split(',').map(Number);
    return { sample, char };
  }

  /** Shows how character `at` was drawn; it becomes the samples' one focus stop. */
  #pick(at: SamplePick): void {
    const step = this.#steps[at.sample]?.[at.char];
    const span = this.#chars[at.sample]?.[at.char];
    if (!step || !span) return;
    const previous = this.#picked && this.#chars[this.#picked.sample]?.[this.#picked.char];
    if (previous) {
      previous.tabIndex = -1;
      previous.classList.remove('msample-char--picked');
      previous.removeAttribute('aria-current');
    }
    span.tabIndex = 0;
    span.classList.add('msample-char--picked');
    span.setAttribute('aria-current', 'true');
    this.#picked = at;
    const drawn = step.top.indexOf(step.char);
    const items = step.top.map((char, k) => ({ label: k === drawn ? this.t('msample.drawnMark', { char: displayToken(char) }) : displayToken(char), value: step.probs[k]! }));
    const before = [...this.#described, ...this.#steps[at.sample]!.slice(0, at.char).map((s) => s.char)].join('');
    const context = [...before].length > MAX_PROMPT ? `…${[...before].slice(-MAX_PROMPT).join('')}` : before;
    const caption = context
      ? this.t('msample.distCaption', { before: context, char: displayToken(step.char), p: this.number(step.p, 3) })
      : this.t('msample.distCaptionStart', { char: displayToken(step.char), p: this.number(step.p, 3) });
    const bars = this.#bars!;
    bars.update(items, caption);
    bars.element.querySelectorAll('tbody tr').forEach((row, k) => row.classList.toggle('msample-drawn', k === drawn));
    const outside = drawn < 0 ? this.t('msample.drawnOutside', { char: displayToken(step.char), top: step.top.length, p: this.number(step.p, 4) }) : '';
    this.ref('dist-note').textContent = outside;
    // Read out once per pick, short: the table itself is there to browse.
    this.ref('dist-live').textContent = `${caption}. ${outside}`;
    const total = step.probs.reduce((sum, p) => sum + p, step.rest);
    Object.assign(this.dataset, { picked: `${at.sample},${at.char}`, shownSum: total.toFixed(6) });
  }

  #clearPick(): void {
    this.#picked = undefined;
    this.#bars?.reset();
    this.ref('dist-note').textContent = '';
    this.ref('dist-live').textContent = '';
    delete this.dataset.picked;
    delete this.dataset.shownSum;
  }

  #describe(step: number): string {
    const steps = this.number(step, 0);
    if (this.#source === 'reader') return this.t('msample.fromReader', { steps });
    const name = this.dataset.checkpoint ?? '';
    const dev = this.#info?.metrics?.dev;
    return dev === undefined ? this.t('msample.fromCheckpointNoDev', { name, steps }) : this.t('msample.fromCheckpoint', { name, steps, dev: this.number(dev, 3) });
  }
}

define('lm-model-sampler', ModelSamplerElement);
