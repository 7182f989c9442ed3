import { describe, expect, it } from 'vitest';
import { BackendChoice } from '../../../src/widgets/pageBackend';

describe('one backend choice per page visit', () => {
  it('the first auto worker probes; one started meanwhile waits and gets the choice by name', async () => {
    const choice = new BackendChoice();
    const first = await choice.forNewWorker('auto');
    expect(first).toEqual({ backend: 'auto', probes: true });
    let second: Awaited<ReturnType<BackendChoice['forNewWorker']>> | undefined;
    const waiting = choice.forNewWorker('auto').then((r) => (second = r));
    await Promise.resolve();
    expect(second).toBeUndefined(); // still waiting for the probe
    choice.settle('wasm');
    await waiting;
    expect(second).toEqual({ backend: 'wasm', probes: false });
    expect(await choice.forNewWorker('auto')).toEqual({ backend: 'wasm', probes: false });
  });

  it('a named backend is used as it is, without waiting or probing', async () => {
    const choice = new BackendChoice();
    await choice.forNewWorker('auto'); // a probe is under way
    expect(await choice.forNewWorker('cpu')).toEqual({ backend: 'cpu', probes: false });
  });

  it('a prober that dies before answering hands the probe to the next worker', async () => {
    const choice = new BackendChoice();
    await choice.forNewWorker('auto');
    const next = choice.forNewWorker('auto');
    choice.abandon();
    expect(await next).toEqual({ backend: 'auto', probes: true });
    expect(choice.chosen).toBeUndefined();
  });
});
