import {
  CreateFargateProfileCommand,
  DeleteFargateProfileCommand,
  DescribeFargateProfileCommand,
  type EKSClient,
  type FargateProfile,
} from '@aws-sdk/client-eks';
import type { ComputePort, ReleaseTarget, StepResult } from '../ports';
import { hasAwsErrorName, quoteAwsError } from './aws-errors';
import {
  describeProfileMismatch,
  describeProfileNameProblem,
  desiredProfile,
  MANAGED_BY_TAG,
  type FargateProfileSpec,
} from './fargate-profile-spec';
import { fargateRequestToken, isRememberedAnswer } from './fargate-request-token';
import { done, failed, progressing } from './step-results';

export interface FargateComputeOptions {
  eks: EKSClient;
  clusterName: string;
  podExecutionRoleArn: string;
  /** Private subnets: Fargate pods get no public IP. */
  subnets: string[];
  tags?: Record<string, string>;
  /** How long to wait before looking again, by situation (seconds). */
  retryAfterSeconds?: Partial<typeof DEFAULT_RETRY_SECONDS>;
  now?: () => Date;
}

/** Profile creation and deletion each take a few minutes on EKS. */
const DEFAULT_RETRY_SECONDS = { creating: 15, deleting: 15, clusterBusy: 20 };
/** Bounds the token generations tried in one call (see fargate-request-token.ts). */
const MAX_TOKEN_GENERATIONS = 5;
/** EKS answers these when the request itself is wrong: retrying cannot help. */
const REFUSALS = [
  'InvalidParameterException',
  'InvalidRequestException',
  'ResourceLimitExceededException',
  'ResourceNotFoundException',
];

/**
 * Capacity for a release on EKS: a Fargate profile named `<app>-<release>` selecting the
 * release's namespace. Each call observes the profile, does at most one thing, and says when
 * to look again. EKS runs one profile operation per cluster at a time, so "busy" is a wait.
 */
export class FargateCompute implements ComputePort {
  private readonly retry: typeof DEFAULT_RETRY_SECONDS;

  constructor(private readonly options: FargateComputeOptions) {
    this.retry = { ...DEFAULT_RETRY_SECONDS, ...options.retryAfterSeconds };
  }

  async ensureCapacity(target: ReleaseTarget): Promise<StepResult> {
    const nameProblem = describeProfileNameProblem(target.name);
    if (nameProblem) return failed(`fargate profile name "${target.name}" ${nameProblem}`);
    const desired = desiredProfile(target, this.options);
    const lookedAt = this.now();
    const observed = await this.describe(target.name);
    if (!observed) return this.create(desired, lookedAt);

    const what = this.profileLabel(target.name);
    switch (observed.status) {
      case 'DELETING':
        return progressing(`${what} is still being deleted; it is created again once it is gone`, this.retry.deleting);
      case 'CREATE_FAILED':
        return failed(`${what} failed to create: ${describeHealth(observed)}`);
      case 'DELETE_FAILED':
        return failed(`${what} is DELETE_FAILED and cannot be used: ${describeHealth(observed)}`);
    }
    const mismatch = describeProfileMismatch(observed, desired);
    if (mismatch) {
      return failed(`${what} exists but ${mismatch}; profiles cannot be changed, delete it or pick another release id`);
    }
    if (observed.status === 'ACTIVE') return done(`${what} is ACTIVE and selects namespace ${target.name}`);
    return progressing(`${what} is ${observed.status ?? 'in an unknown state'}`, this.retry.creating);
  }

  async releaseCapacity(target: ReleaseTarget): Promise<StepResult> {
    const nameProblem = describeProfileNameProblem(target.name);
    if (nameProblem) return failed(`fargate profile name "${target.name}" ${nameProblem}`);
    const what = this.profileLabel(target.name);
    const observed = await this.describe(target.name);
    if (!observed) return done(`${what} does not exist; no capacity to release`);
    if (observed.status === 'DELETING') return progressing(`${what} is being deleted`, this.retry.deleting);
    // EKS refuses to delete a profile that is still being created; asking would only be refused.
    if (observed.status === 'CREATING') {
      return progressing(`${what} is still being created; it is deleted once creation finishes`, this.retry.creating);
    }
    if (observed.tags?.[MANAGED_BY_TAG.key] !== MANAGED_BY_TAG.value) {
      return failed(
        `${what} was not made by cutover (no ${MANAGED_BY_TAG.key}=${MANAGED_BY_TAG.value} tag); not deleting it`,
      );
    }
    try {
      await this.options.eks.send(
        new DeleteFargateProfileCommand({ clusterName: this.options.clusterName, fargateProfileName: target.name }),
      );
    } catch (err) {
      if (hasAwsErrorName(err, 'ResourceNotFoundException')) return done(`${what} is already gone`);
      if (isClusterBusy(err)) return this.clusterBusy(what, 'delete', err);
      throw err;
    }
    return progressing(`deleting ${what} (was ${observed.status})`, this.retry.deleting);
  }

  /** `seenAbsentAt`: when EKS said the profile does not exist; a "created" one older than that is a replay. */
  private async create(desired: FargateProfileSpec, seenAbsentAt: Date): Promise<StepResult> {
    const what = this.profileLabel(desired.fargateProfileName);
    for (let generation = 1; generation <= MAX_TOKEN_GENERATIONS; generation++) {
      let created: FargateProfile | undefined;
      try {
        const clientRequestToken = fargateRequestToken(desired, generation);
        created = (await this.options.eks.send(new CreateFargateProfileCommand({ ...desired, clientRequestToken })))
          .fargateProfile;
      } catch (err) {
        // Also what EKS says when a retried create races our own earlier one: look again.
        if (isClusterBusy(err)) return this.clusterBusy(what, 'create', err);
        if (hasAwsErrorName(err, ...REFUSALS)) return failed(`EKS refused to create ${what}: ${quoteAwsError(err)}`);
        throw err;
      }
      if (!isRememberedAnswer(created, this.now(), seenAbsentAt)) {
        return progressing(
          `creating ${what} selecting namespace ${desired.fargateProfileName} in subnets ${desired.subnets.join(', ')}`,
          this.retry.creating,
        );
      }
    }
    return failed(
      `EKS keeps answering CreateFargateProfile for ${what} with a profile that no longer exists ` +
        `(${MAX_TOKEN_GENERATIONS} request tokens tried); create it by hand or retry later`,
    );
  }

  private async describe(name: string): Promise<FargateProfile | undefined> {
    try {
      const out = await this.options.eks.send(
        new DescribeFargateProfileCommand({ clusterName: this.options.clusterName, fargateProfileName: name }),
      );
      return out.fargateProfile;
    } catch (err) {
      if (hasAwsErrorName(err, 'ResourceNotFoundException')) return undefined;
      throw err;
    }
  }

  private clusterBusy(what: string, operation: string, err: unknown): StepResult {
    return progressing(
      `cannot ${operation} ${what} yet, EKS runs one Fargate profile operation at a time: ${quoteAwsError(err)}`,
      this.retry.clusterBusy,
    );
  }

  private profileLabel(name: string): string {
    return `fargate profile ${name} on cluster ${this.options.clusterName}`;
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }
}

/**
 * EKS's "one profile operation at a time" answer: ResourceInUseException, though the rule's own
 * wording ("... currently has Fargate profile X in status CREATING") is what identifies it
 * whichever error code carries it.
 */
function isClusterBusy(err: unknown): boolean {
  if (hasAwsErrorName(err, 'ResourceInUseException')) return true;
  return err instanceof Error && /currently has Fargate profile \S+ in status (CREATING|DELETING)/.test(err.message);
}

function describeHealth(profile: FargateProfile): string {
  const issues = profile.health?.issues ?? [];
  if (issues.length === 0) return 'EKS reported no health issue';
  return issues
    .map(
      (i) =>
        `${i.code ?? 'Issue'}: ${i.message ?? 'no message'}${i.resourceIds?.length ? ` (${i.resourceIds.join(', ')})` : ''}`,
    )
    .join('; ');
}
