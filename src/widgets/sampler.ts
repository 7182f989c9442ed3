import type { DatasetId } from '../../lab/data/datasets';
import type { WorkerResponse } from '../../lab/worker/protocol';
import { define, LabWidget } from './labWidget';
import { SAMPLER_SCHEMA, sampleRequest, samplerJob } from './samplerSchema';
import { SAMPLER_TEXT } from './text/sampler';

/** Draws names or text from an n-gram with a seed and a temperature. */
class SamplerElement extends LabWidget<typeof SAMPLER_SCHEMA, typeof SAMPLER_TEXT> {
  protected readonly urlPrefix = 'sample';
  protected readonly text = SAMPLER_TEXT;
  protected readonly schema = SAMPLER_SCHEMA;
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
      this.client?.send({ type: 'start', jobId: this.nextJob(), job: samplerJob(dataset, this.values.n) });
      this.#fitted = model;
    }
    this.client?.send(sampleRequest(this.currentJob, this.values));
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
