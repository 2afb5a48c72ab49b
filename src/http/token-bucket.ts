/** Requests a caller may make: `burst` at once, then `perMinute` spread over each minute. */
export interface RateLimit {
  perMinute: number;
  burst: number;
}

export type TakeResult = { allowed: true } | { allowed: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  at: number;
}

/** Callers remembered at most; the least recently seen is forgotten first (it comes back full). */
const DEFAULT_MAX_KEYS = 10_000;

/**
 * One token bucket per caller: it holds up to `burst` tokens, refills at `perMinute` a minute,
 * and every request takes one. The caller passes the time, so this is pure arithmetic to test.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMs: number;

  constructor(
    private readonly limit: RateLimit,
    private readonly maxKeys = DEFAULT_MAX_KEYS,
  ) {
    if (!(limit.perMinute > 0 && limit.burst >= 1)) throw new Error('a rate limit needs perMinute > 0 and burst >= 1');
    this.perMs = limit.perMinute / 60_000;
  }

  take(key: string, nowMs: number): TakeResult {
    const bucket = this.buckets.get(key);
    // A clock that steps back refills nothing; a bucket never holds more than the burst.
    const tokens = bucket
      ? Math.min(this.limit.burst, bucket.tokens + Math.max(0, nowMs - bucket.at) * this.perMs)
      : this.limit.burst;
    const at = Math.max(nowMs, bucket?.at ?? nowMs);
    if (tokens >= 1) {
      this.remember(key, { tokens: tokens - 1, at });
      return { allowed: true };
    }
    this.remember(key, { tokens, at });
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / this.perMs / 1000)) };
  }

  get size(): number {
    return this.buckets.size;
  }

  private remember(key: string, bucket: Bucket): void {
    // Re-inserting keeps the map in least-recently-seen order, so the first key is the one to drop.
    this.buckets.delete(key);
    this.buckets.set(key, bucket);
    if (this.buckets.size > this.maxKeys) this.buckets.delete(this.buckets.keys().next().value as string);
  }
}
