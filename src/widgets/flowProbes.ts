import type { InspectInput, Probe } from '../../lab/worker/protocol';

/** Tokens per window: the gradient is measured from the loss at the last one back over 39 steps. */
export const FLOW_LENGTH = 40;

/** What the gradient chart reads: 32 windows of 40 consecutive dev tokens (names read one after another). */
export const FLOW_INPUT: InspectInput = { split: 'dev', count: 32, length: FLOW_LENGTH };

/**
 * ‖∂ℓ/∂h_t‖ at every position t of the windows, averaged over them: (40), position t at
 * distance 39 − t from the loss (ℓ the cross-entropy at the last position).
 */
export const FLOW_PROBES: Record<string, Probe> = {
  grad: { key: 'rnn.state_grad', as: 'norm', average: true },
};

/** The distances the readout compares: one step back and thirty. */
export const NEAR = 1;
export const FAR = 30;

/** One point of the chart: distance from the loss, and the gradient's norm there. */
export interface FlowPoint {
  x: number;
  y: number;
}

/** The norms by position (the probe's (T) array) as points by distance from the loss, nearest first. */
export function flowCurve(norms: Float32Array | Int32Array): FlowPoint[] {
  const last = norms.length - 1;
  return Array.from(norms, (y, t) => ({ x: last - t, y })).reverse();
}

/** ‖g(near)‖ / ‖g(far)‖ on a curve: how many times weaker the gradient is `far` steps back (below 1: stronger). */
export function flowRatio(curve: readonly FlowPoint[], near = NEAR, far = FAR): { near: number; far: number; ratio: number } | undefined {
  const a = curve.find((p) => p.x === near)?.y;
  const b = curve.find((p) => p.x === far)?.y;
  if (a === undefined || b === undefined) return undefined;
  return { near: a, far: b, ratio: a / b };
}

/**
 * The reader's curve from a followed trainer's snapshot: only a watch of the chart's own input
 * (40 positions, distances 0 to 39) gives one; anything else (a trainer that watched its usual
 * probe batch) is no curve of this chart.
 */
export function readerCurve(arrays: Readonly<Record<string, { shape: number[]; data: Float32Array | Int32Array }>>): FlowPoint[] | undefined {
  const grad = arrays.grad;
  if (!grad || grad.shape.length !== 1 || grad.shape[0] !== FLOW_LENGTH) return undefined;
  return flowCurve(grad.data);
}
