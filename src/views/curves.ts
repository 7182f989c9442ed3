import { select, type Selection } from 'd3';

/** How a curve looks, in its path and in the legend (a short stroke in its style, then its label). */
export interface CurveStyle {
  /** Names the curve's path (`data-series`). */
  key: string;
  label: string;
  /** A CSS colour, normally a theme variable: `var(--chart-1)`. */
  color: string;
  /** SVG `stroke-dasharray`, e.g. `4 3`. */
  dash?: string;
  /** The curve's opacity; the swatch is drawn at least 0.6 so a faint curve's entry stays readable. Default 1. */
  opacity?: number;
  /** Line width in px. Default 1.75. */
  width?: number;
}

/** Draws one path per curve into `group`, keyed by its style's `key`, with the `d` that `path` gives. */
export function drawCurves<T extends { config: CurveStyle }>(group: Selection<SVGGElement, unknown, null, undefined>, curves: readonly T[], path: (curve: T) => string): void {
  group
    .selectAll<SVGPathElement, T>('path')
    .data(curves, (c) => c.config.key)
    .join('path')
    .attr('data-series', (c) => c.config.key)
    .attr('d', path)
    .style('stroke', (c) => c.config.color)
    .style('stroke-width', (c) => String(c.config.width ?? 1.75))
    .style('stroke-opacity', (c) => String(c.config.opacity ?? 1))
    .style('stroke-dasharray', (c) => c.config.dash ?? null)
    .style('stroke-linejoin', 'round')
    .style('stroke-linecap', 'round');
}

/** The legend list a line chart shows above its plot (empty until {@link renderLegend}). */
export function createLegend(doc: Document): HTMLUListElement {
  const legend = doc.createElement('ul');
  legend.className = 'chart-legend';
  Object.assign(legend.style, { listStyle: 'none', display: 'flex', flexWrap: 'wrap', gap: '0.25rem 1rem', margin: '0 0 0.25rem', padding: '0', fontSize: '0.875rem' });
  return legend;
}

/** Replaces the legend's entries. */
export function renderLegend(legend: HTMLUListElement, entries: readonly CurveStyle[]): void {
  const doc = legend.ownerDocument;
  const items = entries.map((entry) => {
    const li = doc.createElement('li');
    Object.assign(li.style, { display: 'inline-flex', alignItems: 'center', gap: '0.4em' });
    const swatch = select(li)
      .append('svg')
      .attr('width', 22)
      .attr('height', 10)
      .attr('viewBox', '0 0 22 10')
      .attr('aria-hidden', 'true');
    swatch
      .append('line')
      .attr('x1', 1)
      .attr('x2', 21)
      .attr('y1', 5)
      .attr('y2', 5)
      .style('stroke', entry.color)
      .style('stroke-width', '2.5')
      .style('stroke-opacity', String(Math.max(0.6, entry.opacity ?? 1)))
      .style('stroke-dasharray', () => entry.dash ?? null);
    li.append(doc.createTextNode(entry.label));
    return li;
  });
  legend.replaceChildren(...items);
}
