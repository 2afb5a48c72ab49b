import { aDeployment, at } from './deployment.fixtures';
import type { Deployment } from './deployment';
import { decideRollbackRequest } from './rollback-request';

const flipped = (overrides: Partial<Deployment> = {}) =>
  aDeployment({
    checkpoints: { profileReady: at(0), workloadReady: at(1), smokePassed: at(2), edgeFlipped: at(3) },
    ...overrides,
  });
const aborted = { phase: 'Aborted' as const, reason: 'aborted by bob', at: at(4), by: 'bob' };

describe('decideRollbackRequest', () => {
  it('with nothing in flight, redeploys the previous release', () => {
    expect(decideRollbackRequest(undefined)).toEqual({ kind: 'redeploy-previous' });
  });

  it('flips back a deployment that has flipped and has no outcome yet', () => {
    expect(decideRollbackRequest(flipped())).toEqual({ kind: 'flip-back' });
    expect(decideRollbackRequest(flipped(), 'v1')).toEqual({ kind: 'flip-back' });
  });

  it('refuses, naming it, a deployment in flight that has not flipped or whose blue is not the target', () => {
    for (const [d, to] of [
      [aDeployment(), undefined],
      [flipped(), 'v0'],
      [flipped({ blue: null }), undefined],
    ] as const) {
      expect(() => decideRollbackRequest(d, to)).toThrow(
        expect.objectContaining({
          code: 'DEPLOYMENT_IN_FLIGHT',
          details: { app: 'housing', inFlight: { id: 'd-1', release: 'v2' } },
        }),
      );
    }
  });

  it('answers with a deployment already taking the edge back to blue, instead of rolling back further', () => {
    expect(decideRollbackRequest(flipped({ outcome: aborted }))).toEqual({ kind: 'already-going-back' });
    // A flip started but not recorded is unwound the same way.
    const started = aDeployment({
      outcome: aborted,
      checkpoints: { smokePassed: at(2) },
      steps: [{ step: 'promote', attempt: 1, startedAt: at(3), status: 'running', message: '' }],
    });
    expect(decideRollbackRequest(started)).toEqual({ kind: 'already-going-back' });
    const restored = flipped({ outcome: { ...aborted, phase: 'RolledBack' } });
    restored.checkpoints.edgeRestored = at(5);
    expect(decideRollbackRequest(restored, 'v1')).toEqual({ kind: 'already-going-back' });
  });

  it('after an unwind that never left blue, or towards another release, waits and redeploys', () => {
    expect(decideRollbackRequest(aDeployment({ outcome: aborted }))).toEqual({ kind: 'redeploy-previous' });
    expect(decideRollbackRequest(flipped({ outcome: aborted }), 'v0')).toEqual({ kind: 'redeploy-previous' });
  });
});
