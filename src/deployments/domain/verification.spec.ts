import type { VerificationProgress } from './deployment';
import { foldSamples, judgeVerification, type VerificationPolicy } from './verification';

const policy: VerificationPolicy = { windowSeconds: 5, maxErrorRate: 0.05, p95BudgetMs: 100, samplesPerTick: 20 };
const empty: VerificationProgress = {
  propagatedAt: '2026-01-01T00:00:00Z',
  samples: 0,
  errors: 0,
  wrongRelease: 0,
  latenciesMs: [],
};
const ok = (ms = 5) => ({ ok: true, release: 'v2', ms });
const bad = { ok: false, ms: 3, error: '503 broken' };

describe('verification window', () => {
  it('continues while the window is open and all is well, then passes', () => {
    const p = foldSamples(
      empty,
      Array.from({ length: 20 }, () => ok()),
      'v2',
    );
    expect(judgeVerification(p, policy, 1_000)).toEqual({ kind: 'continue' });
    expect(judgeVerification(p, policy, 5_000)).toMatchObject({
      kind: 'pass',
      reason: expect.stringMatching(/20 requests.*0 failed, p95 5 ms/),
    });
  });

  it('fails at once when a full tick of samples is over the error rate, quoting the last error', () => {
    const p = foldSamples(empty, [...Array.from({ length: 18 }, () => ok()), bad, bad], 'v2');
    expect(judgeVerification(p, policy, 100)).toEqual({
      kind: 'fail',
      reason: '2 of 20 requests through the edge failed (10.0%, allowed 5.0%); last: 503 broken',
    });
  });

  it('tolerates errors within the rate', () => {
    const p = foldSamples(
      foldSamples(
        empty,
        Array.from({ length: 39 }, () => ok()),
        'v2',
      ),
      [bad],
      'v2',
    );
    expect(judgeVerification(p, policy, 5_000).kind).toBe('pass');
  });

  it('fails at the end of the window on a high rate even with few samples', () => {
    const p = foldSamples(empty, [ok(), bad], 'v2');
    expect(judgeVerification(p, policy, 5_000).kind).toBe('fail');
  });

  it('fails when answers come from another release, or p95 is over budget', () => {
    expect(
      judgeVerification(foldSamples(empty, [ok(), { ok: true, release: 'v1', ms: 1 }], 'v2'), policy, 5_000),
    ).toMatchObject({
      kind: 'fail',
      reason: expect.stringMatching(/1 of 2 answers .* another release \(answered by v1\)/),
    });
    expect(
      judgeVerification(
        foldSamples(
          empty,
          Array.from({ length: 20 }, () => ok(250)),
          'v2',
        ),
        policy,
        5_000,
      ),
    ).toMatchObject({
      kind: 'fail',
      reason: expect.stringMatching(/p95 through the edge 250 ms/),
    });
  });

  it('keeps a bounded window of latencies', () => {
    let p = empty;
    for (let i = 0; i < 150; i++)
      p = foldSamples(
        p,
        Array.from({ length: 20 }, () => ok()),
        'v2',
      );
    expect(p.samples).toBe(3_000);
    expect(p.latenciesMs).toHaveLength(2_000);
  });
});
