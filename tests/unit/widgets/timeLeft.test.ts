import { describe, expect, it } from 'vitest';
import { roundSeconds, Stopwatch, TimeLeftEstimate } from '../../../src/widgets/timeLeft';

describe('the stopwatch', () => {
  it('counts running time only', () => {
    let now = 0;
    const clock = new Stopwatch(() => now);
    clock.start();
    now = 1000;
    clock.stop();
    now = 5000; // paused
    clock.start();
    clock.start(); // a second start changes nothing
    now = 5500;
    expect(clock.ms).toBe(1500);
    clock.reset();
    expect(clock.ms).toBe(0);
  });
});

describe('the time-left estimate', () => {
  it('says nothing until a few reports after the first, then steps left times the time per step', () => {
    const estimate = new TimeLeftEstimate();
    // Start-up: the first report comes late, at 3 s for 10 steps; then 10 steps per 100 ms.
    expect(estimate.update(10, 1000, 3000)).toBeUndefined();
    expect(estimate.update(20, 1000, 3100)).toBeUndefined();
    expect(estimate.update(30, 1000, 3200)).toBeUndefined();
    expect(estimate.update(40, 1000, 3300)).toBeCloseTo(9.6); // 960 steps at 10 ms, start-up left out
  });

  it('smooths a slow report (an evaluation) instead of jumping', () => {
    const estimate = new TimeLeftEstimate();
    for (let i = 0; i <= 4; i++) estimate.update(i * 10, 1000, i * 100);
    const slow = estimate.update(50, 1000, 400 + 1000)!; // one report ten times slower
    expect(slow).toBeGreaterThan(9.5);
    expect(slow).toBeLessThan(40); // not the 95 s the last report alone says
  });

  it('starts over when a run goes back to an earlier step, and ends at 0', () => {
    const estimate = new TimeLeftEstimate();
    for (let i = 1; i <= 5; i++) estimate.update(i * 10, 100, i * 100);
    expect(estimate.update(100, 100, 1000)).toBe(0);
    expect(estimate.update(40, 100, 1100)).toBeUndefined();
  });
});

describe('rounding as a reader says it', () => {
  it.each([
    [0, 0],
    [0.2, 1],
    [7.4, 7],
    [42, 40],
    [43, 45],
    [125, 130],
    [4000, 4020],
  ])('%s s → %s s', (given, said) => expect(roundSeconds(given)).toBe(said));
});
