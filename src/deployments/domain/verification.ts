import type { VerificationProgress } from './deployment';

export interface VerificationPolicy {
  windowSeconds: number;
  maxErrorRate: number;
  p95BudgetMs: number;
  samplesPerTick: number;
}

export type VerificationVerdict =
  { kind: 'continue' } | { kind: 'pass'; reason: string } | { kind: 'fail'; reason: string };

const KEEP_LATENCIES = 2_000;

/** Adds one tick's samples to what verification has seen. Pure. */
export function foldSamples(
  progress: VerificationProgress,
  samples: { ok: boolean; release?: string; ms: number; error?: string }[],
  green: string,
): VerificationProgress {
  const errors = samples.filter((s) => !s.ok);
  const wrong = samples.filter((s) => s.ok && s.release !== green);
  return {
    ...progress,
    samples: progress.samples + samples.length,
    errors: progress.errors + errors.length,
    wrongRelease: progress.wrongRelease + wrong.length,
    latenciesMs: [...progress.latenciesMs, ...samples.map((s) => Math.round(s.ms * 100) / 100)].slice(-KEEP_LATENCIES),
    lastError: errors.at(-1)?.error ?? (wrong.length ? `answered by ${wrong.at(-1)?.release}` : progress.lastError),
  };
}

/**
 * Judges the verification window. It fails as soon as the error rate is over the limit on a
 * full tick of samples — every extra second on a broken green costs users — and passes only
 * when the whole window was healthy, answered by green, within the latency budget.
 */
export function judgeVerification(
  progress: VerificationProgress,
  policy: VerificationPolicy,
  elapsedMs: number,
): VerificationVerdict {
  const rate = progress.samples === 0 ? 0 : progress.errors / progress.samples;
  const describe = () =>
    `${progress.errors} of ${progress.samples} requests through the edge failed (${(rate * 100).toFixed(1)}%, allowed ${(policy.maxErrorRate * 100).toFixed(1)}%)${progress.lastError ? `; last: ${progress.lastError}` : ''}`;
  if (progress.samples >= policy.samplesPerTick && rate > policy.maxErrorRate)
    return { kind: 'fail', reason: describe() };
  if (elapsedMs < policy.windowSeconds * 1000) return { kind: 'continue' };
  if (rate > policy.maxErrorRate) return { kind: 'fail', reason: describe() };
  if (progress.wrongRelease > 0) {
    return {
      kind: 'fail',
      reason: `${progress.wrongRelease} of ${progress.samples} answers through the edge came from another release (${progress.lastError})`,
    };
  }
  const sorted = [...progress.latenciesMs].sort((a, b) => a - b);
  const p95 = sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(0.95 * sorted.length))] : 0;
  if (p95 > policy.p95BudgetMs)
    return {
      kind: 'fail',
      reason: `p95 through the edge ${p95} ms over ${progress.samples} requests, budget ${policy.p95BudgetMs} ms`,
    };
  return {
    kind: 'pass',
    reason: `${progress.samples} requests through the edge in ${policy.windowSeconds}s: ${progress.errors} failed, p95 ${p95} ms, all answered by green`,
  };
}
