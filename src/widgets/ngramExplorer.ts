import type { DatasetId } from '../../lab/data/datasets';
import { NGRAM_DEFAULTS, NGRAM_ORDER_RANGE, perplexity } from '../../lab/models/ngramCounts';
import type { NGramResult, WorkerResponse } from '../../lab/worker/protocol';
import { DATASET_FIELD } from './datasetField';
import { define, LabWidget } from './labWidget';
import { NGRAM_EXPLORER_TEXT } from './text/ngramExplorer';

const schema = {
  data: DATASET_FIELD,
  n: { kind: 'int', default: NGRAM_DEFAULTS.order, ...NGRAM_ORDER_RANGE },
  k: { kind: 'enum', default: String(NGRAM_DEFAULTS.smoothing), options: ['0', '0.01', '0.1', '0.5', '1', '2'] },
} as const;

/** Most rows kept in the "settings you tried" table. */
const HISTORY_ROWS = 12;

/** Order and smoothing controls with train/dev NLL and perplexity, counted live in a worker. */
class NgramExplorerElement extends LabWidget<typeof schema, typeof NGRAM_EXPLORER_TEXT> {
  protected readonly urlPrefix = 'ngram';
  protected readonly text = NGRAM_EXPLORER_TEXT;
  protected readonly schema = schema;
  protected readonly backend = 'cpu';
  protected override readonly workerKind = 'count';

  protected setup(): void {
    this.#fit();
  }

  protected onSettingChanged(): void {
    this.#fit();
  }

  #fit(): void {
    const dataset = this.values.data as DatasetId;
    this.setStatus(this.t('status.counting'));
    this.client?.send({ type: 'stop' });
    this.client?.send({ type: 'start', jobId: this.nextJob(), job: { kind: 'ngram', dataset, order: Number(this.values.n), smoothing: Number(this.values.k) } });
  }

  protected onMessage(message: WorkerResponse): void {
    if (message.type === 'ngram') this.#show(message.result);
  }

  #show(result: NGramResult): void {
    for (const split of ['train', 'dev'] as const) {
      const nll = result.nll[split];
      this.ref(`${split}-nll`).textContent = this.number(nll);
      this.ref(`${split}-ppl`).textContent = this.number(perplexity(nll), 2);
      this.ref(`${split}-nll`).title = nll === Infinity ? this.t('ngram.infinite') : '';
    }
    const possible = Math.pow(result.vocab.length, result.order - 1);
    this.ref('contexts').textContent = this.t('ngram.contexts', { contexts: result.contexts.toLocaleString(this.locale), possible: possible.toLocaleString(this.locale) });
    this.setStatus(result.nll.dev === Infinity ? this.t('ngram.infinite') : '');
    this.#remember(result);
  }

  #remember(result: NGramResult): void {
    const body = this.ref<HTMLTableSectionElement>('history');
    const row = document.createElement('tr');
    const cells = [this.t(`data.${this.values.data as DatasetId}`), String(result.order), String(result.smoothing), this.number(result.nll.train), this.number(result.nll.dev)];
    row.replaceChildren(...cells.map((text) => Object.assign(document.createElement('td'), { textContent: text })));
    body.prepend(row);
    while (body.rows.length > HISTORY_ROWS) body.deleteRow(-1);
  }
}

define('lm-ngram-explorer', NgramExplorerElement);
