import {
  describeImageReferenceProblem,
  describeReleaseIdProblem,
  DNS1123_LABEL,
  MAX_APP_LENGTH,
  resourceName,
} from '../../../deployments/domain/names';
import { IMAGE_MODEL_PATH } from '../../../config/app-spec';
import type { ReleaseTarget } from '../../ports';

/** Kubernetes resource quantities ("500m", "512Mi", "1"), as the API server parses them. */
const QUANTITY = /^[+]?[0-9]+(\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;
const MAX_REPLICAS = 50;

export interface ContainerResources {
  requests: { cpu: string; memory: string };
  limits: { cpu?: string; memory: string };
}

/** What an app's release pods need, from the app's config. */
export interface ReleasePodSettings {
  replicas: number;
  /** Where the model artifact is inside the image (it ships predictor/models under /app). */
  modelPath: string;
  /** Default: DEFAULT_RESOURCES. */
  resources?: ContainerResources;
}

/**
 * Requests equal to limits: Guaranteed QoS, and Fargate sizes the pod from them (0.5 vCPU,
 * 1 GB once its own overhead is added), so the price of a release is predictable.
 */
export const DEFAULT_RESOURCES: ContainerResources = {
  requests: { cpu: '500m', memory: '512Mi' },
  limits: { cpu: '500m', memory: '512Mi' },
};

/** Why a target's names cannot be used in Kubernetes, or undefined. Enough to find or delete it. */
export function describeReleaseTargetProblem(target: ReleaseTarget): string | undefined {
  if (target.app.length > MAX_APP_LENGTH || !DNS1123_LABEL.test(target.app)) {
    return `app "${target.app.slice(0, 40)}" must be a DNS-1123 label of at most ${MAX_APP_LENGTH} characters`;
  }
  const releaseProblem = describeReleaseIdProblem(target.release);
  if (releaseProblem) return releaseProblem;
  if (target.name !== resourceName(target.app, target.release)) {
    return `resource name "${target.name.slice(0, 80)}" is not ${resourceName(target.app, target.release)}`;
  }
  return undefined;
}

/** Why a release cannot be rendered into manifests, or undefined. */
export function describeReleaseInputProblem(target: ReleaseTarget, settings: ReleasePodSettings): string | undefined {
  const targetProblem = describeReleaseTargetProblem(target);
  if (targetProblem) return targetProblem;
  const imageProblem = describeImageReferenceProblem(target.artifact);
  if (imageProblem) return imageProblem;
  if (!Number.isInteger(settings.replicas) || settings.replicas < 1 || settings.replicas > MAX_REPLICAS) {
    return `replicas must be an integer from 1 to ${MAX_REPLICAS}`;
  }
  if (settings.modelPath.length > 255 || !IMAGE_MODEL_PATH.test(settings.modelPath)) {
    return 'model path must be an absolute path of letters, digits, ".", "_" and "-" segments';
  }
  const resources = settings.resources ?? DEFAULT_RESOURCES;
  const quantities = {
    'requests.cpu': resources.requests.cpu,
    'requests.memory': resources.requests.memory,
    'limits.cpu': resources.limits.cpu,
    'limits.memory': resources.limits.memory,
  };
  for (const [field, value] of Object.entries(quantities)) {
    if (value !== undefined && !QUANTITY.test(value)) return `resources.${field} "${value}" is not a quantity`;
  }
  return undefined;
}
