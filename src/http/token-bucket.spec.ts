import fc from 'fast-check';
import { TokenBuckets } from './token-bucket';

describe('TokenBuckets', () => {
  it('lets a burst through at once, then refuses, saying when a token is back', () => {
    const buckets = new TokenBuckets({ perMinute: 60, burst: 3 });
    expect([1, 2, 3].map(() => buckets.take('a', 0))).toEqual([
      { allowed: true },
      { allowed: true },
      { allowed: true },
    ]);
    expect(buckets.take('a', 0)).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(buckets.take('a', 999)).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(buckets.take('a', 1_000)).toEqual({ allowed: true });
    expect(buckets.take('a', 1_000)).toEqual({ allowed: false, retryAfterSeconds: 1 });
  });

  it('rounds Retry-After up to whole seconds, counting what has refilled already', () => {
    const buckets = new TokenBuckets({ perMinute: 6, burst: 1 }); // one token every 10 s
    expect(buckets.take('a', 0)).toEqual({ allowed: true });
    expect(buckets.take('a', 0)).toEqual({ allowed: false, retryAfterSeconds: 10 });
    expect(buckets.take('a', 2_500)).toEqual({ allowed: false, retryAfterSeconds: 8 });
    expect(buckets.take('a', 9_999)).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(buckets.take('a', 10_000)).toEqual({ allowed: true });
  });

  it('keeps one bucket per key: one caller spending its burst leaves the others theirs', () => {
    const buckets = new TokenBuckets({ perMinute: 60, burst: 1 });
    expect(buckets.take('token:ci', 0)).toEqual({ allowed: true });
    expect(buckets.take('token:ci', 0).allowed).toBe(false);
    expect(buckets.take('token:viewer', 0)).toEqual({ allowed: true });
    expect(buckets.take('ip:127.0.0.1', 0)).toEqual({ allowed: true });
  });

  it('never holds more than the burst, however long a caller was away', () => {
    const buckets = new TokenBuckets({ perMinute: 600, burst: 2 });
    buckets.take('a', 0);
    const later = 24 * 3_600_000;
    expect([0, 1, 2].map(() => buckets.take('a', later).allowed)).toEqual([true, true, false]);
  });

  it('refills nothing when the clock steps back', () => {
    const buckets = new TokenBuckets({ perMinute: 60, burst: 1 });
    buckets.take('a', 10_000);
    expect(buckets.take('a', 0).allowed).toBe(false);
    expect(buckets.take('a', 10_000).allowed).toBe(false);
    expect(buckets.take('a', 11_000).allowed).toBe(true);
  });

  it('remembers at most maxKeys callers, forgetting the least recently seen', () => {
    const buckets = new TokenBuckets({ perMinute: 1, burst: 1 }, 2);
    buckets.take('a', 0);
    buckets.take('b', 0);
    buckets.take('a', 0); // a is seen again: b is now the oldest
    buckets.take('c', 0);
    expect(buckets.size).toBe(2);
    expect(buckets.take('a', 0).allowed).toBe(false);
    expect(buckets.take('b', 0).allowed).toBe(true);
  });

  it('refuses a limit that would let nothing through', () => {
    expect(() => new TokenBuckets({ perMinute: 0, burst: 5 })).toThrow(/perMinute/);
    expect(() => new TokenBuckets({ perMinute: 60, burst: 0 })).toThrow(/burst/);
  });

  it('over any sequence of requests: at most burst + rate x elapsed get through, and Retry-After is exact to the second', () => {
    const replay = (limit: { perMinute: number; burst: number }, times: number[]) => {
      const buckets = new TokenBuckets(limit);
      for (const t of times) buckets.take('k', t);
      return buckets;
    };
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6_000 }),
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.integer({ min: 0, max: 5_000 }), { minLength: 1, maxLength: 60 }),
        (perMinute, burst, gaps) => {
          const limit = { perMinute, burst };
          const buckets = new TokenBuckets(limit);
          const times: number[] = [];
          let allowed = 0;
          for (const gap of gaps) {
            const now = (times.at(-1) ?? 0) + gap;
            const result = buckets.take('k', now);
            times.push(now);
            if (result.allowed) {
              allowed += 1;
              continue;
            }
            // Coming back after Retry-After seconds is enough; a second earlier is not.
            const wait = result.retryAfterSeconds * 1_000;
            expect(replay(limit, times).take('k', now + wait).allowed).toBe(true);
            if (result.retryAfterSeconds > 1)
              expect(replay(limit, times).take('k', now + wait - 1_000).allowed).toBe(false);
          }
          const elapsed = times.at(-1)! - times[0];
          expect(allowed).toBeLessThanOrEqual(burst + Math.floor((elapsed * perMinute) / 60_000 + 1e-9));
        },
      ),
      { numRuns: 200 },
    );
  });
});
