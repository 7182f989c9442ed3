import { displayToken } from '../../lab/tokenizers/char';
import type { NGramResult, WorkerResponse } from '../../lab/worker/protocol';
import { HeatmapView } from '../views/heatmap';
import { DATASET_FIELD } from './datasetField';
import { define, LabWidget } from './labWidget';
import { BIGRAM_HEATMAP_TEXT } from './text/bigramHeatmap';

/** Largest heatmap side: all of names (27) and Shakespeare (65); the top 30 of 3,622 Chinese characters. */
const HEATMAP_SIZE = 65;
const CJK_HEATMAP_SIZE = 30;

const schema = { data: DATASET_FIELD };

/** The bigram count matrix of a data set, counted live in the widget's worker. */
class BigramHeatmapElement extends LabWidget<typeof schema, typeof BIGRAM_HEATMAP_TEXT> {
  protected readonly urlPrefix = 'heatmap';
  protected readonly text = BIGRAM_HEATMAP_TEXT;
  protected readonly schema = schema;
  protected readonly backend = 'cpu';
  protected override readonly workerKind = 'count';
  #view: HeatmapView | undefined;

  protected setup(): void {
    this.#count();
  }

  protected onSettingChanged(): void {
    this.#count();
  }

  #count(): void {
    const dataset = this.values.data as (typeof DATASET_FIELD.options)[number];
    this.setStatus(this.t('status.loading', { dataset: this.t(`data.${dataset}`) }));
    this.client?.send({
      type: 'start',
      jobId: this.nextJob(),
      job: { kind: 'ngram', dataset, order: 2, smoothing: 0, heatmapSize: dataset === 'tang-wujue' ? CJK_HEATMAP_SIZE : HEATMAP_SIZE },
    });
  }

  protected onMessage(message: WorkerResponse): void {
    if (message.type === 'ngram' && message.result.heatmap) this.#show(message.result);
  }

  #show(result: NGramResult): void {
    const heatmap = result.heatmap!;
    const labels = heatmap.tokens.map(displayToken);
    const strings = this.words;
    this.#view ??= new HeatmapView(this.ref('view'), {
      locale: this.locale === 'zh-cn' ? 'zh-CN' : 'en',
      labels: {
        readout: strings['heatmap.readout'],
        readoutEmpty: strings['heatmap.readoutEmpty'],
        tableSummary: strings['table.show'],
        tableCaption: strings['heatmap.tableTop'],
        colPrev: strings['heatmap.colPrev'],
        colNext: strings['heatmap.colNext'],
        colCount: strings['heatmap.colCount'],
        colP: strings['heatmap.colP'],
        aria: strings['heatmap.aria'],
      },
    });
    this.#view.update({ rowLabels: labels, colLabels: labels, values: heatmap.counts, rowTotals: heatmap.rowTotals });
    const dataset = this.t(`data.${this.values.data as (typeof DATASET_FIELD.options)[number]}`);
    const size = heatmap.tokens.length;
    this.setStatus(
      [this.t('heatmap.summary', { size, dataset }), size < result.vocab.length ? this.t('heatmap.subset', { size, vocab: result.vocab.length }) : '']
        .filter(Boolean)
        .join(' '),
    );
  }
}

define('lm-bigram-heatmap', BigramHeatmapElement);
