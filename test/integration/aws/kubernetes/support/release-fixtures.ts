import type { ReleasePodSettings } from '../../../../../src/providers/aws/kubernetes/release-inputs';
import type { ReleaseTarget } from '../../../../../src/providers/ports';

export const REGISTRY = '111122223333.dkr.ecr.eu-west-1.amazonaws.com/cutover-predictor';

/** A release as the controller hands it to the workload: `<app>-<release>` and an image per commit. */
export function releaseTarget(release: string, image = `${REGISTRY}:${release}`, app = 'housing'): ReleaseTarget {
  return { app, release, artifact: image, name: `${app}-${release}` };
}

export const HOUSING_SETTINGS: ReleasePodSettings = {
  replicas: 2,
  modelPath: '/app/predictor/models/housing-v1.json',
};
