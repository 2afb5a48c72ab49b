import { createHash } from 'node:crypto';
import type { FargateProfile } from '@aws-sdk/client-eks';
import type { FargateProfileSpec } from './fargate-profile-spec';

/**
 * CreateFargateProfile's clientRequestToken, derived from the request itself so a create
 * retried after a lost answer (or by a restarted controller) is the same request to EKS.
 *
 * The generation exists because a token outlives the profile it created: when a release's
 * profile is deleted and later made again (a redeploy, a retry after a failure), the same
 * token may get back EKS's remembered answer about the deleted profile instead of a new one.
 * The adapter then moves to the next generation, which is just as deterministic.
 */
export function fargateRequestToken(spec: FargateProfileSpec, generation: number): string {
  const canonical = JSON.stringify({
    cluster: spec.clusterName,
    name: spec.fargateProfileName,
    role: spec.podExecutionRoleArn,
    subnets: [...spec.subnets].sort(),
    selectors: spec.selectors,
    tags: Object.entries(spec.tags).sort(([a], [b]) => a.localeCompare(b)),
  });
  const digest = createHash('sha256').update(canonical).digest('hex').slice(0, 32);
  return `cutover-${digest}-g${generation}`;
}

/** How old a "new" profile may look before it is taken for a remembered answer. */
export const REMEMBERED_ANSWER_AGE_MS = 120_000;

/**
 * True when CreateFargateProfile answered with a profile created long before this call: EKS
 * replayed an earlier request with this token rather than creating anything now.
 */
export function isRememberedAnswer(created: FargateProfile | undefined, now: Date): boolean {
  if (!created?.createdAt) return false;
  return now.getTime() - created.createdAt.getTime() > REMEMBERED_ANSWER_AGE_MS;
}
