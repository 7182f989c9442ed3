// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import type { ModelInfo, ShapedArray } from '../../../lab/worker/protocol';
import { FLOW_INPUT, FLOW_LENGTH, FLOW_PROBES, readerCurve } from '../../../src/widgets/flowProbes';
import { modelBus, WATCH_INPUT } from '../../../src/widgets/modelBus';
import { UNROLL_PROBES, unrollInput } from '../../../src/widgets/unrolledProbes';
import { declaredInput, watchGroups } from '../../../src/widgets/watchInputs';

const info: ModelInfo = { kind: 'rnn', config: {}, vocab: ['\n', 'a'], params: 1, step: 0, origin: 'training', parameters: [] };

/** A follower of the trainer `rnn` as its server-rendered markup declares it. */
function follower(probes: object, input?: object): HTMLElement {
  const el = document.createElement('div');
  el.setAttribute('data-follows', 'rnn');
  el.setAttribute('data-watch', JSON.stringify(probes));
  if (input) el.setAttribute('data-watch-input', JSON.stringify(input));
  document.body.append(el);
  return el;
}

afterEach(() => document.body.replaceChildren());

describe('what a trainer watches for chapter 4’s views', () => {
  it('groups the followers’ probes by the input each declares, the usual batch first', () => {
    follower({ histogram: { key: 'rnn.state', as: 'histogram', bins: 10, range: [-1, 1] } });
    follower(UNROLL_PROBES, unrollInput('emma'));
    follower(FLOW_PROBES, FLOW_INPUT);
    const groups = watchGroups('rnn', info, 'watch');
    expect(groups.map((g) => g.input)).toEqual([WATCH_INPUT, unrollInput('emma'), FLOW_INPUT]);
    expect(groups.map((g) => Object.keys(g.probes).sort())).toEqual([['0/histogram'], ['1/next', '1/state'], ['2/grad']]);
  });

  it('a follower’s new text is read at the next run; a declared input that is not one falls back to the usual batch', () => {
    const view = follower(UNROLL_PROBES, unrollInput('emma'));
    view.setAttribute('data-watch-input', JSON.stringify(unrollInput('anna')));
    expect(watchGroups('rnn', info, 'watch')[0]!.input).toEqual(unrollInput('anna'));
    view.setAttribute('data-watch-input', '{"split":"dev"}');
    expect(declaredInput(view)).toEqual(WATCH_INPUT);
    view.setAttribute('data-watch-input', 'not json');
    expect(declaredInput(view)).toEqual(WATCH_INPUT);
    expect(declaredInput(undefined)).toEqual(WATCH_INPUT);
  });

  it('the gradient chart takes the reader’s curve from its own watch, and ignores a snapshot of another input', () => {
    follower({ histogram: { key: 'rnn.state', as: 'histogram', bins: 10, range: [-1, 1] } });
    const chart = follower(FLOW_PROBES, FLOW_INPUT);
    const got: (number | undefined)[] = [];
    const stop = modelBus.follow('rnn', chart, { onModel: () => undefined, onSnapshot: ({ arrays }) => got.push(readerCurve(arrays)?.length) });
    const norms = (n: number): ShapedArray => ({ shape: [n], data: Float32Array.from({ length: n }, (_, t) => t + 1) });
    modelBus.publishSnapshot('rnn', { step: 10, arrays: { '0/histogram': norms(10), '1/grad': norms(FLOW_LENGTH) } });
    // A trainer that watched its usual batch: names of 16 positions, no distances up to 39.
    modelBus.publishSnapshot('rnn', { step: 20, arrays: { '1/grad': norms(16) } });
    stop();
    expect(got).toEqual([FLOW_LENGTH, undefined]);
    const curve = readerCurve({ grad: norms(FLOW_LENGTH) })!;
    expect(curve[0]).toEqual({ x: 0, y: FLOW_LENGTH });
    expect(curve[39]).toEqual({ x: 39, y: 1 });
  });
});
