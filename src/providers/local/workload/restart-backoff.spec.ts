import { calculateRestartDelayMs, calculateRestartWaitMs } from './restart-backoff';

const backoff = { initialMs: 1_000, maxMs: 30_000 };

describe('restart backoff', () => {
  it('doubles with each restart up to the cap', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 50].map((n) => calculateRestartDelayMs(n, backoff))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000,
    ]);
  });

  it('counts from the last start, so a long-lived release restarts at once', () => {
    expect(calculateRestartWaitMs(0, 3, 60_000, backoff)).toBe(0);
  });

  it('holds a crash loop back for the rest of its delay', () => {
    expect(calculateRestartWaitMs(10_000, 2, 11_500, backoff)).toBe(2_500);
  });

  it('is due at once when the release never started', () => {
    expect(calculateRestartWaitMs(undefined, 0, 5, backoff)).toBe(0);
    expect(calculateRestartWaitMs(Number.NaN, 0, 5, backoff)).toBe(0);
  });
});
