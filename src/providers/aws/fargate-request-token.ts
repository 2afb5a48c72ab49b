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
/** Clock difference tolerated between EKS's createdAt and ours. */
const CLOCK_SKEW_MS = 5_000;

/**
 * True when CreateFargateProfile answered with a profile created before this call: EKS
 * replayed an earlier request with this token rather than creating anything now. Either the
 * profile is old, or it was created before the moment we saw that no such profile exists.
 */
export function isRememberedAnswer(created: FargateProfile | undefined, now: Date, seenAbsentAt?: Date): boolean {
  if (!created?.createdAt) return false;
  const createdAt = created.createdAt.getTime();
  if (seenAbsentAt && createdAt < seenAbsentAt.getTime() - CLOCK_SKEW_MS) return true;
  return now.getTime() - createdAt > REMEMBERED_ANSWER_AGE_MS;
}
