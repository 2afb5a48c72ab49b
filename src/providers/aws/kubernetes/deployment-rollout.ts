import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';

export type RolloutState =
  | { state: 'complete'; message: string }
  | { state: 'progressing'; message: string }
  | { state: 'failed'; message: string };

/**
 * Whether a Deployment has rolled out, by the rules `kubectl rollout status` uses: the
 * deployment controller has seen the latest spec, every replica runs it, no old replica is
 * left, and all of them are available (ready for minReadySeconds). Pure: reads the object only.
 */
export function describeRollout(deployment: IDeployment): RolloutState {
  const name = `deployment ${deployment.metadata?.namespace}/${deployment.metadata?.name}`;
  const generation = deployment.metadata?.generation ?? 0;
  const status = deployment.status ?? {};
  if ((status.observedGeneration ?? 0) < generation) {
    return {
      state: 'progressing',
      message: `${name}: waiting for the deployment controller to see generation ${generation}`,
    };
  }
  const stalled = status.conditions?.find((c) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded');
  if (stalled) {
    return { state: 'failed', message: `${name} exceeded its progress deadline: ${stalled.message ?? 'no message'}` };
  }
  const desired = deployment.spec?.replicas ?? 1;
  const updated = status.updatedReplicas ?? 0;
  const total = status.replicas ?? 0;
  const available = status.availableReplicas ?? 0;
  if (updated < desired) return { state: 'progressing', message: `${name}: ${updated} of ${desired} replicas created` };
  if (total > updated) {
    return { state: 'progressing', message: `${name}: ${total - updated} old replicas are still terminating` };
  }
  if (available < updated) {
    return { state: 'progressing', message: `${name}: ${available} of ${desired} replicas available` };
  }
  return { state: 'complete', message: `${name}: ${available} of ${desired} replicas available` };
}
