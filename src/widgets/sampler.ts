import type { DatasetId } from '../../lab/data/datasets';
import { NGRAM_ORDER_RANGE } from '../../lab/models/ngramCounts';
import type { WorkerResponse } from '../../lab/worker/protocol';
import { DATASET_FIELD } from './datasetField';
import { define, LabWidget } from './labWidget';

const schema = {
  data: DATASET_FIELD,
  n: { kind: 'int', default: 3, ...NGRAM_ORDER_RANGE },
  temp: { kind: 'float', default: 1, min: 0, max: 2 },
  seed: { kind: 'int', default: 42, min: 0, max: 999_999 },
  count: { kind: 'int', default: 12, min: 1, max: 40 },
} as const;

/** Smoothing of the sampled n-gram: a little, so that unseen contexts still continue. */
const SAMPLER_SMOOTHING = 0.1;

/** Characters drawn per sample: a name ends by itself, running text stops here. */
const MAX_LENGTH: Record<DatasetId, number> = { names: 30, 'tang-wujue': 40, tinyshakespeare: 300 };

/** Draws names or text from an n-gram with a seed and a temperature. */
class SamplerElement extends LabWidget<typeof schema> {
  protected readonly urlPrefix = 'sample';
  protected readonly schema = schema;
  protected readonly backend = 'cpu';
  protected override readonly workerKind = 'count';
  /** The settings of the model the worker holds, so that only a change of model refits it. */
  #fitted = '';

  protected setup(): void {
    this.listen(this.ref('generate'), 'click', () => this.#generate());
    this.#generate();
  }

  protected onSettingChanged(): void {
    this.#generate();
  }

  #generate(): void {
    const dataset = this.values.data as DatasetId;
    const model = `${dataset}/${this.values.n}`;
    if (model !== this.#fitted) {
      this.setStatus(this.t('status.counting'));
      this.client?.send({ type: 'start', jobId: this.nextJob(), job: { kind: 'ngram', dataset, order: Number(this.values.n), smoothing: SAMPLER_SMOOTHING } });
      this.#fitted = model;
    }
    this.client?.send({
      type: 'sample',
      jobId: this.currentJob,
      count: Number(this.values.count),
      temperature: Number(this.values.temp),
      seed: Number(this.values.seed),
      maxLength: MAX_LENGTH[dataset],
    });
  }

  protected override onJobFailed(): void {
    this.#fitted = '';
  }

  protected onMessage(message: WorkerResponse): void {
    if (message.type === 'sample') this.#show(message.texts);
  }

  #show(texts: string[]): void {
    const running = this.values.data === 'tinyshakespeare';
    const out = this.ref('samples');
    out.classList.toggle('widget-samples--text', running);
    if (running) {
      const pre = document.createElement('pre');
      pre.textContent = texts.join('\n\n———\n\n');
      out.replaceChildren(pre);
    } else {
      const list = document.createElement('ol');
      list.replaceChildren(...texts.map((text) => Object.assign(document.createElement('li'), { textContent: text || this.t('sampler.empty') })));
      out.replaceChildren(list);
    }
    this.setStatus('');
  }
}

define('lm-sampler', SamplerElement);
