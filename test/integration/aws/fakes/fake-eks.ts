import {
  CreateFargateProfileCommand,
  DeleteFargateProfileCommand,
  DescribeFargateProfileCommand,
  EKSClient,
  InvalidParameterException,
  InvalidRequestException,
  ResourceInUseException,
  ResourceLimitExceededException,
  ResourceNotFoundException,
  type CreateFargateProfileRequest,
  type DeleteFargateProfileRequest,
  type DescribeFargateProfileRequest,
  type FargateProfile,
} from '@aws-sdk/client-eks';
import { mockClient } from 'aws-sdk-client-mock';

export interface FakeEksOptions {
  clusterName: string;
  /** DescribeFargateProfile calls (of any profile) a create or delete takes to finish. */
  ticksToSettle?: number;
  /** Subnets EKS rejects at once (public ones: Fargate pods get no public IP). */
  publicSubnets?: string[];
  /** Subnets that pass validation but break the profile: it ends CREATE_FAILED. */
  brokenSubnets?: string[];
  /** The error code carrying "one operation at a time"; EKS documents ResourceInUseException. */
  busyErrorCode?: 'ResourceInUseException' | 'InvalidRequestException';
  now?: () => Date;
}

interface Entry {
  profile: FargateProfile;
  ticksLeft: number;
}

const metadata = { $metadata: {} };
const MAX_PROFILES = 10;
const NAME = /^[0-9A-Za-z][A-Za-z0-9\-_]*$/;

/**
 * An in-memory EKS, for Fargate profiles only, behaving as the service does rather than as a
 * test wants: profiles go CREATING → ACTIVE (or CREATE_FAILED) and DELETING → gone as time
 * passes (each DescribeFargateProfile is a tick); a cluster runs one profile operation at a
 * time and refuses the others with ResourceInUseException; a clientRequestToken is
 * remembered forever, and replaying it answers with the original response.
 */
export class FakeEks {
  private readonly profiles = new Map<string, Entry>();
  private readonly tokens = new Map<string, { request: string; response: FargateProfile }>();
  private readonly ticksToSettle: number;
  private serial = 0;
  private answersToLose = 0;
  private readonly laggingReads = new Map<string, number>();
  /** Every "one operation at a time" refusal, as its message: what a test can point at. */
  readonly busyRefusals: string[] = [];

  constructor(private readonly options: FakeEksOptions) {
    this.ticksToSettle = options.ticksToSettle ?? 2;
  }

  /** Wires this fake into aws-sdk-client-mock; returns the mock for call assertions. */
  install() {
    const mock = mockClient(EKSClient);
    mock.on(DescribeFargateProfileCommand).callsFake((input) => this.describe(input));
    mock.on(CreateFargateProfileCommand).callsFake((input) => this.create(input));
    mock.on(DeleteFargateProfileCommand).callsFake((input) => this.delete(input));
    return mock;
  }

  describe(input: DescribeFargateProfileRequest) {
    this.checkCluster(input.clusterName);
    this.tick();
    const name = input.fargateProfileName ?? '';
    const entry = this.profiles.get(name);
    const lagging = this.laggingReads.get(name) ?? 0;
    if (lagging > 0) this.laggingReads.set(name, lagging - 1);
    if (!entry || lagging > 0) throw this.profileNotFound(name);
    return { ...metadata, fargateProfile: structuredClone(entry.profile) };
  }

  create(input: CreateFargateProfileRequest) {
    this.checkCluster(input.clusterName);
    const name = input.fargateProfileName ?? '';
    const request = JSON.stringify({ ...input, clientRequestToken: undefined });
    const remembered = input.clientRequestToken ? this.tokens.get(input.clientRequestToken) : undefined;
    if (remembered) {
      if (remembered.request !== request) {
        throw new InvalidRequestException({
          ...metadata,
          message: 'The request token was already used with different parameters.',
        });
      }
      return { ...metadata, fargateProfile: structuredClone(remembered.response) };
    }
    if (!NAME.test(name) || name.length > 100) {
      throw this.invalidParameter(`Fargate profile name ${name} is invalid.`, name);
    }
    if (!input.podExecutionRoleArn) throw this.invalidParameter('podExecutionRoleArn is required.', name);
    if (!input.selectors?.length || input.selectors.some((s) => !s.namespace)) {
      throw this.invalidParameter('Each selector must have a namespace.', name);
    }
    const publicSubnet = input.subnets?.find((s) => this.options.publicSubnets?.includes(s));
    if (publicSubnet) {
      throw this.invalidParameter(`Subnet ${publicSubnet} provided in Fargate Profile is not a private subnet`, name);
    }
    if (this.profiles.has(name)) {
      throw this.inUse('A Fargate Profile already exists with this name in this cluster.');
    }
    this.refuseIfBusy(`Cannot create Fargate Profile ${name}`);
    if (this.profiles.size >= MAX_PROFILES) {
      throw new ResourceLimitExceededException({
        ...metadata,
        message: `Cluster ${this.options.clusterName} has reached its Fargate profile limit.`,
      });
    }
    const profile: FargateProfile = {
      fargateProfileName: name,
      fargateProfileArn: `arn:aws:eks:eu-west-1:111122223333:fargateprofile/${this.options.clusterName}/${name}/${++this.serial}`,
      clusterName: this.options.clusterName,
      createdAt: this.now(),
      podExecutionRoleArn: input.podExecutionRoleArn,
      subnets: [...(input.subnets ?? [])],
      selectors: structuredClone(input.selectors),
      status: 'CREATING',
      tags: { ...input.tags },
    };
    this.profiles.set(name, { profile, ticksLeft: this.ticksToSettle });
    if (input.clientRequestToken) {
      this.tokens.set(input.clientRequestToken, { request, response: structuredClone(profile) });
    }
    if (this.answersToLose > 0) {
      this.answersToLose--;
      throw Object.assign(new Error('Connection timed out after 5000 ms'), { name: 'TimeoutError' });
    }
    return { ...metadata, fargateProfile: structuredClone(profile) };
  }

  delete(input: DeleteFargateProfileRequest) {
    this.checkCluster(input.clusterName);
    const name = input.fargateProfileName ?? '';
    const entry = this.profiles.get(name);
    if (!entry) throw this.profileNotFound(name);
    this.refuseIfBusy(`Cannot delete Fargate Profile ${name}`);
    entry.profile.status = 'DELETING';
    entry.ticksLeft = this.ticksToSettle;
    return { ...metadata, fargateProfile: structuredClone(entry.profile) };
  }

  /** A profile someone else made, in any state (for mismatch and busy-cluster cases). */
  seed(profile: FargateProfile & { fargateProfileName: string }, ticksLeft = this.ticksToSettle): void {
    this.profiles.set(profile.fargateProfileName, {
      profile: { clusterName: this.options.clusterName, createdAt: this.now(), ...structuredClone(profile) },
      ticksLeft,
    });
  }

  /** The next create happens, but its answer never reaches the caller (a timeout). */
  loseNextCreateAnswer(): void {
    this.answersToLose++;
  }

  /** Reads are eventually consistent: the next `times` describes of `name` do not see it yet. */
  lagReads(name: string, times: number): void {
    this.laggingReads.set(name, times);
  }

  /** Lets time pass without anyone looking. */
  settle(ticks = this.ticksToSettle): void {
    for (let i = 0; i < ticks; i++) this.tick();
  }

  statusOf(name: string): string | undefined {
    return this.profiles.get(name)?.profile.status;
  }

  names(): string[] {
    return [...this.profiles.keys()];
  }

  private tick(): void {
    for (const [name, entry] of this.profiles) {
      const { status } = entry.profile;
      if (status !== 'CREATING' && status !== 'DELETING') continue;
      if (entry.ticksLeft-- > 0) continue;
      if (status === 'DELETING') {
        this.profiles.delete(name);
        continue;
      }
      const broken = entry.profile.subnets?.find((s) => this.options.brokenSubnets?.includes(s));
      entry.profile.status = broken ? 'CREATE_FAILED' : 'ACTIVE';
      if (broken) {
        entry.profile.health = {
          issues: [{ code: 'InternalFailure', message: `Subnet ${broken} has no route to EKS`, resourceIds: [broken] }],
        };
      }
    }
  }

  private refuseIfBusy(what: string): void {
    for (const [other, entry] of this.profiles) {
      const { status } = entry.profile;
      if (status === 'CREATING' || status === 'DELETING') {
        const message = `${what} because cluster ${this.options.clusterName} currently has Fargate profile ${other} in status ${status}`;
        this.busyRefusals.push(message);
        if (this.options.busyErrorCode === 'InvalidRequestException') {
          throw new InvalidRequestException({ ...metadata, message, clusterName: this.options.clusterName });
        }
        throw this.inUse(message);
      }
    }
  }

  private checkCluster(clusterName: string | undefined): void {
    if (clusterName !== this.options.clusterName) {
      throw new ResourceNotFoundException({
        ...metadata,
        message: `No cluster found for name: ${clusterName}.`,
        clusterName,
      });
    }
  }

  private profileNotFound(name: string | undefined) {
    return new ResourceNotFoundException({
      ...metadata,
      message: `No Fargate Profile found with name: ${name}.`,
      clusterName: this.options.clusterName,
      fargateProfileName: name,
    });
  }

  private inUse(message: string) {
    return new ResourceInUseException({ ...metadata, message, clusterName: this.options.clusterName });
  }

  private invalidParameter(message: string, fargateProfileName: string) {
    return new InvalidParameterException({
      ...metadata,
      message,
      clusterName: this.options.clusterName,
      fargateProfileName,
    });
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }
}
