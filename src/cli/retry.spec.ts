import { ApiError, ConnectionError } from './cli-errors';
import { backoffDelay, isRetryable, WAIT_RETRY, withRetry } from './retry';

describe('retry', () => {
  it('backs off exponentially up to 2 s, about a minute over 30 attempts', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelay(WAIT_RETRY, n))).toEqual([
      100, 200, 400, 800, 1600, 2000, 2000,
    ]);
    const total = Array.from({ length: WAIT_RETRY.attempts - 1 }, (_, i) => backoffDelay(WAIT_RETRY, i + 1)).reduce(
      (a, b) => a + b,
    );
    expect(total).toBeGreaterThan(30_000);
    expect(total).toBeLessThan(90_000);
  });

  it('retries connection errors and gateway answers, not client errors', () => {
    expect(isRetryable(new ConnectionError('u', 'ECONNRESET'))).toBe(true);
    expect(isRetryable(new ApiError(503, 'HTTP_503', ''))).toBe(true);
    expect(isRetryable(new ApiError(409, 'STEP_OUT_OF_ORDER', ''))).toBe(false);
    expect(isRetryable(new Error('other'))).toBe(false);
  });

  it('answers once the call works, after retrying', async () => {
    let calls = 0;
    const value = await withRetry(
      async () => {
        if (++calls < 3) throw new ConnectionError('u', 'ECONNREFUSED');
        return 'ok';
      },
      WAIT_RETRY,
      { sleep: async () => undefined },
    );
    expect([value, calls]).toEqual(['ok', 3]);
  });

  it('throws the last error after the attempts, and a non-retryable one at once', async () => {
    let calls = 0;
    const policy = { attempts: 3, baseDelayMs: 1, maxDelayMs: 1 };
    await expect(
      withRetry(
        async () => {
          calls++;
          throw new ConnectionError('u', 'ECONNREFUSED');
        },
        policy,
        { sleep: async () => undefined },
      ),
    ).rejects.toThrow('ECONNREFUSED');
    expect(calls).toBe(3);
    await expect(withRetry(async () => Promise.reject(new ApiError(404, 'X', 'x')), policy)).rejects.toThrow('x');
  });
});
