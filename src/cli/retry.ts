import { ApiError, ConnectionError } from './cli-errors';

/** How long to keep trying while following a deployment: bounded attempts, exponential backoff with a cap. */
export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** About a minute of a restarting or unreachable controller before giving up. */
export const WAIT_RETRY: RetryPolicy = { attempts: 30, baseDelayMs: 100, maxDelayMs: 2_000 };

/** The delay before retry number `failures` (1-based). */
export function backoffDelay(policy: RetryPolicy, failures: number): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, failures - 1));
}

/** A broken or refused connection, or a gateway-ish 5xx: worth trying again. */
export function isRetryable(err: unknown): boolean {
  if (err instanceof ConnectionError) return true;
  return err instanceof ApiError && [500, 502, 503, 504].includes(err.status);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface RetryHooks {
  onRetry?: (err: unknown, failures: number, delayMs: number) => void;
  sleep?: (ms: number) => Promise<void>;
}

/** Runs `fn`, retrying retryable failures up to the policy's attempts; the last error is thrown. */
export async function withRetry<T>(fn: () => Promise<T>, policy: RetryPolicy, hooks: RetryHooks = {}): Promise<T> {
  for (let failures = 0; ;) {
    try {
      return await fn();
    } catch (err) {
      failures++;
      if (!isRetryable(err) || failures >= policy.attempts) throw err;
      const delay = backoffDelay(policy, failures);
      hooks.onRetry?.(err, failures, delay);
      await (hooks.sleep ?? sleep)(delay);
    }
  }
}
