import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import { describeRollout } from './deployment-rollout';

function deployment(status: NonNullable<IDeployment['status']>, generation = 2, replicas = 2): IDeployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'housing', namespace: 'housing-a1', generation },
    spec: { replicas, selector: {}, template: {} },
    status,
  };
}

describe('describeRollout', () => {
  it.each([
    [{ observedGeneration: 1 }, 'progressing', 'waiting for the deployment controller to see generation 2'],
    [{ observedGeneration: 2, updatedReplicas: 1, replicas: 2 }, 'progressing', '1 of 2 replicas created'],
    [
      { observedGeneration: 2, updatedReplicas: 2, replicas: 3, availableReplicas: 2 },
      'progressing',
      '1 old replicas are still terminating',
    ],
    [
      { observedGeneration: 2, updatedReplicas: 2, replicas: 2, availableReplicas: 1 },
      'progressing',
      '1 of 2 replicas available',
    ],
    [
      { observedGeneration: 2, updatedReplicas: 2, replicas: 2, availableReplicas: 2 },
      'complete',
      '2 of 2 replicas available',
    ],
  ])('%j is %s', (status, state, message) => {
    expect(describeRollout(deployment(status))).toEqual({
      state,
      message: `deployment housing-a1/housing: ${message}`,
    });
  });

  it('fails when the deployment controller gave up (progress deadline exceeded)', () => {
    const stalled = deployment({
      observedGeneration: 2,
      conditions: [
        {
          type: 'Progressing',
          status: 'False',
          reason: 'ProgressDeadlineExceeded',
          message: 'ReplicaSet "housing-5d4" has timed out progressing.',
        },
      ],
    });
    expect(describeRollout(stalled)).toEqual({
      state: 'failed',
      message:
        'deployment housing-a1/housing exceeded its progress deadline: ReplicaSet "housing-5d4" has timed out progressing.',
    });
  });
});
