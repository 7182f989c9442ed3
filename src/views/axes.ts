import { axisBottom, axisLeft, type AxisScale, type NumberValue, type Selection } from 'd3';
import { styleAxis } from './chartFrame';

/** Where a plot's axes go, in viewBox units: the plot area's edges and the SVG's height. */
export interface PlotBox {
  left: number;
  right: number;
  top: number;
  bottom: number;
  /** The SVG's height: the x title sits at its foot. */
  height: number;
}

/** One axis: its scale, the values to tick and how to write them. */
export interface AxisSpec {
  scale: AxisScale<NumberValue>;
  ticks: readonly number[];
  format: (value: number) => string;
}

/**
 * Draws the bottom and left axes, a horizontal grid line at each y tick, and the axis titles
 * (none where a title is undefined) into the SVG's groups and texts named `.<prefix>-x-axis`,
 * `.<prefix>-y-axis`, `.<prefix>-grid`, `.<prefix>-x-title` and `.<prefix>-y-title`.
 */
export function drawAxes(
  svg: Selection<SVGSVGElement, unknown, null, undefined>,
  prefix: string,
  box: PlotBox,
  x: AxisSpec,
  y: AxisSpec,
  titles: { x?: string; y?: string },
): void {
  svg
    .select<SVGGElement>(`.${prefix}-x-axis`)
    .attr('transform', `translate(0 ${box.bottom})`)
    .call(axisBottom(x.scale).tickValues(x.ticks).tickFormat((d) => x.format(Number(d))).tickSizeOuter(0))
    .call(styleAxis);
  svg
    .select<SVGGElement>(`.${prefix}-y-axis`)
    .attr('transform', `translate(${box.left} 0)`)
    .call(axisLeft(y.scale).tickValues(y.ticks).tickFormat((d) => y.format(Number(d))).tickSizeOuter(0))
    .call(styleAxis);
  svg
    .select(`.${prefix}-grid`)
    .selectAll('line')
    .data(y.ticks)
    .join('line')
    .attr('x1', box.left)
    .attr('x2', box.right)
    .attr('y1', (d) => y.scale(d) ?? 0)
    .attr('y2', (d) => y.scale(d) ?? 0)
    .style('stroke', 'var(--chart-grid)')
    .style('stroke-width', '1');
  svg
    .select(`.${prefix}-x-title`)
    .attr('x', (box.left + box.right) / 2)
    .attr('y', box.height - 4)
    .attr('text-anchor', 'middle')
    .attr('font-size', 12)
    .style('fill', 'var(--muted)')
    .text(titles.x ?? '');
  svg
    .select(`.${prefix}-y-title`)
    .attr('transform', `translate(12 ${(box.top + box.bottom) / 2}) rotate(-90)`)
    .attr('text-anchor', 'middle')
    .attr('font-size', 12)
    .style('fill', 'var(--muted)')
    .text(titles.y ?? '');
}
