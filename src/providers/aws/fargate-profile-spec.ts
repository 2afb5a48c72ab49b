import type { FargateProfile } from '@aws-sdk/client-eks';
import { DNS1123_LABEL } from '../../deployments/domain/names';
import type { ReleaseTarget } from '../ports';

/** EKS's own limit on a Fargate profile name. */
export const MAX_PROFILE_NAME_LENGTH = 100;
/** The profile selects the namespace of the same name, and a namespace is a DNS-1123 label. */
export const MAX_NAMESPACE_LENGTH = 63;
export const MANAGED_BY_TAG = { key: 'managed-by', value: 'cutover' } as const;

/** What a release's Fargate profile must be, in CreateFargateProfile's terms. */
export interface FargateProfileSpec {
  clusterName: string;
  fargateProfileName: string;
  podExecutionRoleArn: string;
  subnets: string[];
  selectors: { namespace: string }[];
  tags: Record<string, string>;
}

export interface FargateProfileSettings {
  clusterName: string;
  podExecutionRoleArn: string;
  subnets: string[];
  tags?: Record<string, string>;
}

export function describeProfileNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'is empty';
  if (name.length > MAX_PROFILE_NAME_LENGTH)
    return `is longer than ${MAX_PROFILE_NAME_LENGTH} characters (EKS's limit)`;
  if (name.length > MAX_NAMESPACE_LENGTH) {
    return `is longer than ${MAX_NAMESPACE_LENGTH} characters, the limit of the Kubernetes namespace it selects`;
  }
  if (!DNS1123_LABEL.test(name)) {
    return 'must be a DNS-1123 label (lowercase letters, digits and "-", starting and ending with a letter or digit), because it is also the namespace the profile selects';
  }
  return undefined;
}

export function desiredProfile(target: ReleaseTarget, settings: FargateProfileSettings): FargateProfileSpec {
  return {
    clusterName: settings.clusterName,
    fargateProfileName: target.name,
    podExecutionRoleArn: settings.podExecutionRoleArn,
    subnets: [...settings.subnets],
    selectors: [{ namespace: target.name }],
    // cutover's own tags last: a configured tag must not disown the profile.
    tags: { ...settings.tags, app: target.app, release: target.release, [MANAGED_BY_TAG.key]: MANAGED_BY_TAG.value },
  };
}

/**
 * Why an existing profile of the right name is not the one this release needs, or undefined.
 * Fargate profiles are immutable, so a mismatch cannot be repaired in place, and reusing it
 * would schedule the release with another role, into other subnets, or not at all.
 */
export function describeProfileMismatch(observed: FargateProfile, desired: FargateProfileSpec): string | undefined {
  const problems: string[] = [];
  const selectors = (observed.selectors ?? []).map(formatSelector);
  const wanted = desired.selectors.map(formatSelector);
  if (selectors.join(' ') !== wanted.join(' ')) {
    problems.push(`selects [${selectors.join(', ')}] instead of [${wanted.join(', ')}]`);
  }
  if (observed.podExecutionRoleArn !== desired.podExecutionRoleArn) {
    problems.push(`uses pod execution role ${observed.podExecutionRoleArn} instead of ${desired.podExecutionRoleArn}`);
  }
  const subnets = [...(observed.subnets ?? [])].sort();
  const wantedSubnets = [...desired.subnets].sort();
  if (subnets.join(',') !== wantedSubnets.join(',')) {
    problems.push(`uses subnets [${subnets.join(', ')}] instead of [${wantedSubnets.join(', ')}]`);
  }
  if (observed.tags?.[MANAGED_BY_TAG.key] !== MANAGED_BY_TAG.value) {
    problems.push(`is not tagged ${MANAGED_BY_TAG.key}=${MANAGED_BY_TAG.value} (it was made outside cutover)`);
  }
  return problems.length > 0 ? problems.join('; ') : undefined;
}

function formatSelector(selector: { namespace?: string; labels?: Record<string, string> }): string {
  const labels = Object.entries(selector.labels ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`);
  return `namespace=${selector.namespace ?? ''}${labels.length > 0 ? ` labels{${labels.join(',')}}` : ''}`;
}
