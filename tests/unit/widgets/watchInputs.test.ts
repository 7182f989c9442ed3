// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import type { ModelInfo, ShapedArray } from '../../../lab/worker/protocol';
import { FLOW_INPUT, FLOW_LENGTH, FLOW_PROBES, readerCurve } from '../../../src/widgets/flowProbes';
import { modelBus, WATCH_INPUT } from '../../../src/widgets/modelBus';
import { UNROLL_PROBES, unrollInput } from '../../../src/widgets/unrolledProbes';
import { declaredEvery, declaredInput, declareInput, FOLLOWER_INPUT_EVENT, WATCH_EVERY_ATTRIBUTE, watchGroups } from '../../../src/widgets/watchInputs';

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

  it('leaves out the probes of keys the model does not record, so one view cannot spoil the others’ watch', () => {
    follower({ input: { key: 'lstm.gate.input', as: 'raw' }, state: { key: 'rnn.state', as: 'raw' } }, unrollInput('emma'));
    follower({ w: { key: 'weight.cell.wh', as: 'scale' }, ratio: { key: 'update.cell.wh', as: 'scale', relativeTo: 'weight.cell.bhn' } });
    const gru: ModelInfo = { ...info, kind: 'gru', parameters: [{ name: 'cell.wh', shape: [4, 12] }] };
    expect(Object.keys(modelBus.probesOf('rnn', gru, 'watch')).sort()).toEqual(['0/state', '1/w']);
    const lstm: ModelInfo = { ...info, kind: 'lstm', parameters: [{ name: 'cell.wh', shape: [4, 16] }, { name: 'cell.bhn', shape: [4] }] };
    expect(Object.keys(modelBus.probesOf('rnn', lstm, 'watch')).sort()).toEqual(['0/input', '0/state', '1/ratio', '1/w']);
    const mlp: ModelInfo = { ...info, kind: 'mlp' };
    expect(Object.keys(modelBus.probesOf('rnn', mlp, 'watch'))).toEqual([]);
  });

  it('a follower that declares a new text tells its trainer; one that declares none stays silent', () => {
    const heard: unknown[] = [];
    const listen = (event: Event) => heard.push((event as CustomEvent).detail);
    document.addEventListener(FOLLOWER_INPUT_EVENT, listen);
    const view = follower(UNROLL_PROBES, unrollInput('emma'));
    declareInput(view, unrollInput('anna'));
    declareInput(follower(UNROLL_PROBES), unrollInput('zoe'));
    document.removeEventListener(FOLLOWER_INPUT_EVENT, listen);
    expect(heard).toEqual([{ source: 'rnn' }]);
    expect(declaredInput(view)).toEqual(unrollInput('anna'));
  });

  it('a late follower gets the latest snapshot of every input, each with its text', () => {
    modelBus.publishModel('rnn', info);
    const first = follower({ state: { key: 'rnn.state', as: 'raw' } }, unrollInput('emma'));
    const text = { chars: ['a'], tokens: ['\n', 'a'], at: [-1, 0], skipped: [], boundary: '\n' };
    const one = (): ShapedArray => ({ shape: [1], data: Float32Array.of(1) });
    modelBus.publishSnapshot('rnn', { step: 5, arrays: { '0/state': one() }, text }, 'text');
    modelBus.publishSnapshot('rnn', { step: 5, arrays: { '1/grad': one() } }, 'windows');
    follower(FLOW_PROBES, FLOW_INPUT);
    const got: { step: number; text?: unknown; names: string[] }[] = [];
    const stop = modelBus.follow('rnn', first, { onModel: () => undefined, onSnapshot: (s) => got.push({ step: s.step, text: s.text, names: Object.keys(s.arrays) }) });
    stop();
    expect(got).toEqual([{ step: 5, text, names: ['state'] }]);
  });

  it('watches each input at the smallest cadence its followers ask for, the usual one for a follower that asks none', () => {
    const histogram = { histogram: { key: 'rnn.state', as: 'histogram', bins: 10, range: [-1, 1] } };
    follower(histogram);
    const timeline = follower(UNROLL_PROBES, unrollInput('emma'));
    timeline.setAttribute(WATCH_EVERY_ATTRIBUTE, '25');
    expect(watchGroups('rnn', info, 'watch', 10).map((g) => g.every)).toEqual([10, 25]);
    // A second follower of the same text that asks for every 5 steps: that watch runs every 5.
    follower(UNROLL_PROBES, unrollInput('emma')).setAttribute(WATCH_EVERY_ATTRIBUTE, '5');
    expect(watchGroups('rnn', info, 'watch', 10).map((g) => g.every)).toEqual([10, 5]);
    // On the usual batch, a follower asking for 40 does not slow the one that asks nothing.
    follower(histogram).setAttribute(WATCH_EVERY_ATTRIBUTE, '40');
    expect(watchGroups('rnn', info, 'watch', 10).map((g) => g.every)).toEqual([10, 5]);
    for (const bad of ['0', '-3', '2.5', 'often', '']) {
      timeline.setAttribute(WATCH_EVERY_ATTRIBUTE, bad);
      expect(declaredEvery(timeline), bad).toBeUndefined();
    }
    expect(declaredEvery(undefined)).toBeUndefined();
  });
});
