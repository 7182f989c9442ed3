import type { Selection } from 'd3';
import { round1 } from './chartFrame';
import { textWidth } from './dom';

/** A line chart's labelled lines: horizontal guides across the plot, vertical markers with their labels above it. */

/** A labelled horizontal line at a y value: the 1e-3 of an update-to-weight ratio, a uniform guess's loss. */
export interface LineGuide {
  value: number;
  label: string;
  /** A CSS colour; the axis colour by default. */
  color?: string;
}

/** A labelled vertical line at an x value: a suggested learning rate, a minimum. */
export interface LineMarker {
  x: number;
  label: string;
  /** A CSS colour; the text colour by default. */
  color?: string;
}

/** The plot area's edges, in viewBox units. */
export interface PlotEdges {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** Where the markers' labels go: rows above the plot, each label anchored at its line. */
export interface MarkerLayout {
  rows: number;
  placed: { marker: LineMarker; text: string; x: number; anchor: 'start' | 'end'; row: number }[];
}

/** Height of one row of marker labels above the plot. */
export const MARKER_ROW = 15;
const FONT_SIZE = 11;

type Group = Selection<SVGGElement, unknown, null, undefined>;

/** A `<g>` per datum with a line and a text in it. */
function lineAndText<D>(group: Group, data: readonly D[]) {
  return group
    .selectAll<SVGGElement, D>('g')
    .data(data)
    .join((enter) =>
      enter.append('g').call((g) => {
        g.append('line');
        g.append('text');
      }),
    );
}

/**
 * Draws the guides at their `y` (viewBox units; those outside the plot are left out), each label
 * at the right end above its line (below it at the very top), haloed so a curve behind it does
 * not hide it.
 */
export function drawGuides(group: Group, guides: readonly { guide: LineGuide; y: number; text: string }[], box: PlotEdges): void {
  const shown = guides.filter((g) => g.y >= box.top - 0.5 && g.y <= box.bottom + 0.5);
  const color = (g: { guide: LineGuide }) => g.guide.color ?? 'var(--chart-axis)';
  const groups = lineAndText(group, shown);
  groups
    .select('line')
    .attr('x1', box.left)
    .attr('x2', box.right)
    .attr('y1', (g) => g.y)
    .attr('y2', (g) => g.y)
    .style('stroke', color)
    .style('stroke-width', '1.25')
    .style('stroke-dasharray', '5 4');
  groups
    .select('text')
    .attr('x', box.right - 4)
    .attr('y', (g) => (g.y - box.top < FONT_SIZE + 2 ? g.y + FONT_SIZE + 2 : g.y - 4))
    .attr('text-anchor', 'end')
    .attr('font-size', FONT_SIZE)
    .style('fill', color)
    .style('stroke', 'var(--bg)')
    .style('stroke-width', '3')
    .style('stroke-linejoin', 'round')
    .style('paint-order', 'stroke')
    .text((g) => g.text);
}

/**
 * Places the markers' labels (each at its line's `x`, to its left where it would pass `width`)
 * in the first row where it overlaps no other label.
 */
export function placeMarkers(markers: readonly { marker: LineMarker; text: string; x: number }[], width: number): MarkerLayout {
  const spans: [number, number][][] = [];
  const placed = markers.map(({ marker, text, x }) => {
    const w = textWidth(text, FONT_SIZE) + 4;
    const anchor: 'start' | 'end' = x + w > width ? 'end' : 'start';
    const span: [number, number] = anchor === 'start' ? [x, x + w] : [x - w, x];
    let row = spans.findIndex((taken) => taken.every(([a, b]) => span[1] < a || span[0] > b));
    if (row < 0) row = spans.push([]) - 1;
    spans[row]!.push(span);
    return { marker, text, x, anchor, row };
  });
  return { rows: spans.length, placed };
}

/** Draws the markers' dashed lines down the plot and their labels in the rows above it. */
export function drawMarkers(group: Group, { rows, placed }: MarkerLayout, box: PlotEdges): void {
  const color = (d: MarkerLayout['placed'][number]) => d.marker.color ?? 'var(--text)';
  const groups = lineAndText(group, placed).attr('data-x', (d) => d.marker.x);
  groups
    .select('line')
    .attr('x1', (d) => round1(d.x))
    .attr('x2', (d) => round1(d.x))
    .attr('y1', (d) => box.top - (rows - d.row) * MARKER_ROW + 3)
    .attr('y2', box.bottom)
    .style('stroke', color)
    .style('stroke-width', '1.25')
    .style('stroke-dasharray', '3 3');
  groups
    .select('text')
    .attr('x', (d) => round1(d.anchor === 'start' ? d.x + 3 : d.x - 3))
    .attr('y', (d) => box.top - (rows - d.row - 1) * MARKER_ROW - 4)
    .attr('text-anchor', (d) => d.anchor)
    .attr('font-size', FONT_SIZE)
    .style('fill', color)
    .text((d) => d.text);
}
