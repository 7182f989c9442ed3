import { displayToken } from '../../lab/tokenizers/char';
import type { InspectInput, ModelInfo, Probe, ShapedArray } from '../../lab/worker/protocol';
import { HTML_LANG } from '../i18n/locales';
import { ScatterView } from '../views/scatterView';
import { allTokens, embeddingProbes } from './embeddingProbes';
import { InsideView, type ViewFrame } from './insideView';
import { define } from './labWidget';
import { mergeText } from './text/define';
import { EMBEDDING_PROJECTION_TEXT } from './text/embeddingProjection';
import { INSIDE_VIEW_TEXT } from './text/insideView';

const TEXT = mergeText(INSIDE_VIEW_TEXT, EMBEDDING_PROJECTION_TEXT);

/** Most points drawn for a large vocabulary (the Tang poems' 3,622 characters): the most frequent ones. */
const MOST_POINTS = 300;

/** The projection view has no settings of its own: it shows the model it is given. */
const SCHEMA = {} as const;

/** One token's nearest neighbours, as the worker found them. */
interface Neighbours {
  ids: number[];
  similarities: number[];
}

/**
 * The character embeddings of a model in 2-D: the raw coordinates of a 2-dimensional embedding
 * (as in makemore's lecture), else the plane of their first two principal components, oriented
 * like the previous snapshot so the cloud does not flip while the reader's model trains.
 * Hovering, tapping or focusing a character lists its nearest neighbours in the full space;
 * `data-neighbours` names characters whose neighbours are listed under the chart at once.
 */
class EmbeddingProjectionElement extends InsideView<typeof SCHEMA, typeof TEXT> {
  protected readonly urlPrefix = 'embed';
  protected readonly schema = SCHEMA;
  protected readonly text = TEXT;
  protected readonly inspectInput: InspectInput = { split: 'dev', count: 1 };
  #view: ScatterView | undefined;
  #frame: ViewFrame | undefined;
  #neighbours = new Map<number, Neighbours>();

  protected override setup(): void {
    this.#view = new ScatterView(this.ref('chart'), {
      locale: HTML_LANG[this.locale],
      labels: {
        aria: this.t('embed.aria'),
        readout: this.t('embed.point'),
        readoutEmpty: this.t('embed.readoutEmpty'),
        tableSummary: this.t('table.show'),
        colLabel: this.t('embed.colToken'),
        colX: this.t('embed.colX'),
        colY: this.t('embed.colY'),
      },
      onActivePoint: (id) => this.#showNeighbours(id),
    });
    super.setup();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#view?.destroy();
    this.#view = undefined;
  }

  protected probesFor(info: ModelInfo): Record<string, Probe> {
    return embeddingProbes(shownTokens(info));
  }

  protected draw(frame: ViewFrame): void {
    this.#frame = frame;
    const points = frame.arrays.points;
    const rows = shownTokens(frame.info);
    if (!points) return;
    this.#neighbours = readNeighbours(frame.arrays.neighbours, frame.arrays['neighbours.similarity'], rows);
    const featured = this.#featured(frame.info);
    this.#view?.update(
      rows.map((id, i) => ({ id, label: displayToken(frame.info.vocab[id] ?? '?'), x: points.data[2 * i]!, y: points.data[2 * i + 1]!, emphasis: featured.includes(id) })),
      { step: frame.step },
    );
    this.ref('method').textContent = points.info?.method === 'raw' ? this.t('embed.raw') : this.t('embed.pca', { share: this.number(100 * Number(points.info?.explained ?? 0), 0) });
    this.#listFeatured(featured, frame.info);
  }

  protected describe(frame: ViewFrame): string {
    const dev = frame.info.metrics?.dev;
    if (frame.source === 'reader') return this.t('inside.reader', { step: this.number(frame.step, 0) });
    return dev === undefined ? this.t('inside.checkpoint') : this.t('inside.checkpointDev', { dev: this.number(dev, 3) });
  }

  /** Token ids of the characters named in `data-neighbours` that the model knows. */
  #featured(info: ModelInfo): number[] {
    return [...(this.dataset.neighbours ?? '')].map((c) => info.vocab.indexOf(c)).filter((id) => id >= 0);
  }

  #showNeighbours(id: number | null): void {
    const readout = this.ref('readout');
    const found = id === null ? undefined : this.#neighbours.get(id);
    this.#view?.highlight(found?.ids ?? []);
    if (id === null || !found || !this.#frame) {
      readout.textContent = ''; // the chart's own readout says what to do
      return;
    }
    readout.textContent = this.t('embed.readout', { token: this.#label(id), neighbours: this.#neighbourList(found) });
  }

  #listFeatured(featured: number[], info: ModelInfo): void {
    const list = this.ref('featured');
    list.hidden = featured.length === 0;
    list.replaceChildren(
      ...featured.map((id) => {
        const item = document.createElement('li');
        const found = this.#neighbours.get(id);
        item.textContent = this.t('embed.readout', { token: displayToken(info.vocab[id]!), neighbours: found ? this.#neighbourList(found) : '–' });
        return item;
      }),
    );
  }

  #neighbourList(found: Neighbours): string {
    return found.ids.map((n, i) => `${this.#label(n)} ${this.number(found.similarities[i]!, 2)}`).join(' · ');
  }

  #label(id: number): string {
    return displayToken(this.#frame?.info.vocab[id] ?? '?');
  }
}

/** The tokens drawn: every one of a small vocabulary, or the most frequent of a large one. */
function shownTokens(info: ModelInfo): number[] {
  const all = allTokens(info.vocab.length);
  if (all.length <= MOST_POINTS || !info.counts) return all.slice(0, MOST_POINTS);
  const counts = info.counts;
  return all.sort((a, b) => counts[b]! - counts[a]! || a - b).slice(0, MOST_POINTS).sort((a, b) => a - b);
}

/**
 * The worker's neighbour lists by token id: `ids` holds (rows, k) token ids, row r for token
 * `rows[r]`, and `similarities` their cosine similarities, same shape.
 */
function readNeighbours(ids: ShapedArray | undefined, similarities: ShapedArray | undefined, rows: number[]): Map<number, Neighbours> {
  const found = new Map<number, Neighbours>();
  if (!ids || !similarities) return found;
  const k = ids.shape[1] ?? 0;
  rows.forEach((id, r) => {
    found.set(id, { ids: Array.from(ids.data.subarray(r * k, (r + 1) * k)), similarities: Array.from(similarities.data.subarray(r * k, (r + 1) * k)) });
  });
  return found;
}

define('lm-embedding-projection', EmbeddingProjectionElement);
