// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { FAR, FLOW_LENGTH, flowCurve, flowRatio, NEAR } from '../../../src/widgets/flowProbes';
import { stateMatrix, unrollInput } from '../../../src/widgets/unrolledProbes';
import { readUrlText, writeUrlText } from '../../../src/widgets/urlText';

describe('the gradient chart’s data', () => {
  it('puts position t at distance T − 1 − t, nearest the loss first', () => {
    const norms = Float32Array.from({ length: FLOW_LENGTH }, (_, t) => 2 ** t); // grows towards the loss
    const curve = flowCurve(norms);
    expect(curve).toHaveLength(FLOW_LENGTH);
    expect(curve[0]).toEqual({ x: 0, y: 2 ** 39 });
    expect(curve[39]).toEqual({ x: 39, y: 1 });
    expect(curve.map((p) => p.x)).toEqual(Array.from({ length: FLOW_LENGTH }, (_, i) => i));
  });

  it('reads the ratio ‖g(1)‖ / ‖g(30)‖: large when the gradient vanishes, below 1 when it explodes', () => {
    const vanishing = flowCurve(Float32Array.from({ length: FLOW_LENGTH }, (_, t) => 10 ** ((t - 39) / 10)));
    const r = flowRatio(vanishing, NEAR, FAR)!;
    expect(r.near).toBeCloseTo(10 ** -0.1, 5);
    expect(r.far).toBeCloseTo(10 ** -3, 6);
    expect(r.ratio).toBeCloseTo(10 ** 2.9, 0);
    const exploding = flowCurve(Float32Array.from({ length: FLOW_LENGTH }, (_, t) => 1.5 ** (39 - t)));
    expect(flowRatio(exploding)!.ratio).toBeLessThan(1);
    expect(flowRatio(flowCurve(new Float32Array(10)))).toBeUndefined();
  });
});

describe('the unrolled RNN’s matrix', () => {
  // h (T = 3, N = 4): unit 0 constant, unit 1 swings most, unit 2 a little, unit 3 the second most.
  const state = Float32Array.from([0.5, -0.9, 0.1, 0.2, 0.5, 0.9, 0.2, -0.6, 0.5, 0.0, 0.15, 0.7]);

  it('keeps the units that change most along the text, in index order, transposed to units × positions', () => {
    const m = stateMatrix(state, 3, 4, 2);
    expect(m.units).toEqual([1, 3]);
    expect(Array.from(m.values, (v) => Number(v.toFixed(2)))).toEqual([-0.9, 0.9, 0, 0.2, -0.6, 0.7]);
    expect(m.positions).toBe(3);
  });

  it('shows every unit when asked for more than there are; ranks by |h| when there is one position', () => {
    expect(stateMatrix(state, 3, 4, 10).units).toEqual([0, 1, 2, 3]);
    expect(stateMatrix(Float32Array.from([0.1, -0.8, 0.3]), 1, 3, 2).units).toEqual([1, 2]);
  });

  it('asks the lab to skip unknown characters, never to fail on them', () => {
    expect(unrollInput('é1a')).toEqual({ text: 'é1a', unknown: 'skip' });
  });
});

describe('a text in the URL', () => {
  it('reads it, falls back without one, and cuts a long one by code points', () => {
    expect(readUrlText('?unroll.text=anna', 'unroll.text', 'emma', 24)).toEqual({ value: 'anna', cut: false });
    expect(readUrlText('?x=1', 'unroll.text', 'emma', 24)).toEqual({ value: 'emma', cut: false });
    expect(readUrlText(`?unroll.text=${encodeURIComponent('😀'.repeat(5))}`, 'unroll.text', 'emma', 3)).toEqual({ value: '😀😀😀', cut: true });
    expect(readUrlText('?unroll.text=', 'unroll.text', 'emma', 24)).toEqual({ value: '', cut: false });
  });

  it('writes it, leaving the default out and other parameters alone', () => {
    history.replaceState(null, '', '/en/rnn/?flow.scale=2#x');
    writeUrlText('unroll.text', 'zoë', 'emma');
    expect(new URLSearchParams(location.search).get('unroll.text')).toBe('zoë');
    expect(new URLSearchParams(location.search).get('flow.scale')).toBe('2');
    expect(location.hash).toBe('#x');
    writeUrlText('unroll.text', 'emma', 'emma');
    expect(location.search).toBe('?flow.scale=2');
  });
});
