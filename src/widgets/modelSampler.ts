import type { ModelInfo, ModelSource, WorkerResponse } from '../../lab/worker/protocol';
import { define, LabWidget } from './labWidget';
import { FOLLOWS_ATTRIBUTE, modelBus, type TrainedModel } from './modelBus';
import { MAX_PROMPT, MODEL_SAMPLER_SCHEMA, poemLines, readPrompt, sampleRequest } from './modelSamplerSchema';
import { MODEL_SAMPLER_TEXT } from './text/modelSampler';
import { readUrlText, writeUrlText } from './urlText';

/** Whose model the samples come from: the checkpoint the page ships, or the one the reader trained. */
type SampleSource = 'checkpoint' | 'reader';

/**
 * Samples from a neural model of the ladder, held in the widget's own worker: the checkpoint the
 * page ships (`data-checkpoint`) at once, and, when the widget follows a trainer (`data-follows`,
 * with `data-wants-model` so that the trainer saves its model when a run ends), the reader's
 * model after each run, with a button back to the shipped one. Temperature, seed, count and an
 * optional prompt (its unknown characters marked and left out) are in the URL. Names show as a
 * list; poems (`data-dataset="tang-wujue"`) one per block, a line after each punctuation mark the
 * model wrote. Mirrored in `data-*`: source, step (of the model sampled), samples (how many shown).
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

  protected setup(): void {
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
        return this.#show(message.texts);
    }
  }

  #sample(): void {
    const info = this.#info;
    if (!info) return;
    const { known, skipped } = readPrompt(this.#prompt, info.vocab);
    this.ref('prompt-note').textContent = skipped.length > 0 ? this.t('msample.skipped', { chars: skipped.join(' ') }) : '';
    this.dataset.skipped = String(skipped.length);
    this.client?.send(sampleRequest(this.currentJob, this.values, known, Number(this.dataset.maxLength) || 30));
    this.#described = known;
  }

  #show(texts: string[]): void {
    const out = this.ref('samples');
    const prompt = this.#described;
    const sample = (text: string) => {
      const whole = prompt + text;
      return whole || this.t('msample.empty');
    };
    if (this.dataset.dataset === 'tang-wujue') {
      const poems = texts.map((text) => {
        const poem = document.createElement('p');
        poem.className = 'widget-poem';
        for (const [i, line] of poemLines(sample(text)).entries()) {
          if (i > 0) poem.append(document.createElement('br'));
          poem.append(line);
        }
        return poem;
      });
      out.replaceChildren(...poems);
    } else {
      const list = document.createElement('ol');
      list.replaceChildren(...texts.map((text) => Object.assign(document.createElement('li'), { textContent: sample(text) })));
      out.replaceChildren(list);
    }
    const step = (this.#source === 'reader' ? this.#trained?.step : this.#info?.step) ?? 0;
    Object.assign(this.dataset, { source: this.#source, step: String(step), samples: String(texts.length) });
    this.setStatus(this.#describe(step));
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
