import { needsEdgeRestore } from './decide-next-step';
import type { Deployment } from './deployment';
import { DeploymentInFlight } from './errors';

export type RollbackRequestDecision =
  /** Green is serving and blue still runs: record the rollback, the reconciler flips back. */
  | { kind: 'flip-back' }
  /** The deployment in flight is already taking the edge back to its blue: that is this rollback. */
  | { kind: 'already-going-back' }
  /** Nothing is going back: once the app is at rest, deploy the previous release again. */
  | { kind: 'redeploy-previous' };

/**
 * What a rollback asked of an app with `inFlight` (if any) means. Pure. A rollback that arrives
 * while the deployment is already unwinding a flip (an abort, another rollback, a failed
 * verification got there first) must not roll back the release before it as well: retried or
 * racing rollbacks make one flip back, not two.
 */
export function decideRollbackRequest(inFlight: Deployment | undefined, to?: string): RollbackRequestDecision {
  if (!inFlight) return { kind: 'redeploy-previous' };
  const backToBlue = inFlight.blue !== null && (!to || to === inFlight.blue.release);
  if (!inFlight.outcome) {
    if (backToBlue && inFlight.checkpoints.edgeFlipped) return { kind: 'flip-back' };
    throw new DeploymentInFlight(inFlight.app, { id: inFlight.id, release: inFlight.release });
  }
  const edgeLeftBlue = needsEdgeRestore(inFlight) || inFlight.checkpoints.edgeRestored !== undefined;
  return backToBlue && edgeLeftBlue ? { kind: 'already-going-back' } : { kind: 'redeploy-previous' };
}
