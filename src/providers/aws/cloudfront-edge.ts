import {
  DescribeStacksCommand,
  UpdateStackCommand,
  type CloudFormationClient,
  type Parameter,
  type Stack,
} from '@aws-sdk/client-cloudformation';
import { GetDistributionCommand, type CloudFrontClient } from '@aws-sdk/client-cloudfront';
import type { EdgeOrigin, EdgePort, StepResult } from '../ports';
import { awsErrorName, hasAwsErrorName, isMissingStackError, quoteAwsError } from './aws-errors';
import { decideEdgeStackAction, type EdgeTarget } from './edge-stack-decision';
import { edgeUpdateToken, isEdgeUpdateTokenFor } from './edge-update-token';
import { originEndpoint, parseOriginEndpoint } from './origin-endpoint';
import { readLastOperation } from './stack-last-operation';
import { done, failed, progressing } from './step-results';

export interface EdgeStackRef {
  stackName: string;
  /** https://<distribution domain>, what users hit. */
  publicUrl: string;
}

export interface CloudFrontEdgeOptions {
  cloudformation: CloudFormationClient;
  cloudfront: CloudFrontClient;
  /** One edge stack (made from cloudformation/edge.yaml) per app. */
  stacks: Record<string, EdgeStackRef>;
  originParameter?: string;
  releaseParameter?: string;
  protocolParameter?: string;
  /** The stack output naming the distribution. */
  distributionOutput?: string;
  retryAfterSeconds?: Partial<typeof DEFAULT_RETRY_SECONDS>;
  now?: () => Date;
}

/** A stack update of a distribution takes minutes; spreading to every edge location as well. */
const DEFAULT_RETRY_SECONDS = { stack: 10, distribution: 15 };

/**
 * The aws edge: one CloudFront distribution per app, owned by a CloudFormation stack whose
 * parameters name the origin. A flip is an UpdateStack of those parameters; it is done when
 * the stack is complete and the distribution is Deployed. The stack is never created or
 * deleted here (see edge-stack-bootstrap.ts).
 */
export class CloudFrontEdge implements EdgePort {
  private readonly params: { origin: string; release: string; protocol: string };
  private readonly retry: typeof DEFAULT_RETRY_SECONDS;

  constructor(private readonly options: CloudFrontEdgeOptions) {
    this.params = {
      origin: options.originParameter ?? 'OriginDomainName',
      release: options.releaseParameter ?? 'OriginRelease',
      protocol: options.protocolParameter ?? 'OriginProtocol',
    };
    this.retry = { ...DEFAULT_RETRY_SECONDS, ...options.retryAfterSeconds };
  }

  publicUrl(app: string): string {
    return this.ref(app).publicUrl.replace(/\/+$/, '');
  }

  /** The origin the stack is configured with (CloudFront may still be spreading it). */
  async currentOrigin(app: string): Promise<EdgeOrigin | null> {
    const stack = await this.describe(this.ref(app).stackName);
    if (!stack) return null;
    const host = parameter(stack, this.params.origin);
    const release = parameter(stack, this.params.release);
    if (!host || !release) return null;
    return { release, endpoint: originEndpoint(host, parameter(stack, this.params.protocol)) };
  }

  async routeTo(app: string, origin: EdgeOrigin | null): Promise<StepResult> {
    const { stackName } = this.ref(app);
    if (origin === null) {
      return failed(`the aws edge always has an origin: edge stack ${stackName} keeps serving its current release`);
    }
    const parsed = parseOriginEndpoint(origin.endpoint);
    if ('problem' in parsed) return failed(`cannot route the edge of ${app} to ${origin.release}: ${parsed.problem}`);
    const target: EdgeTarget = { host: parsed.host, release: origin.release };

    const stack = await this.describe(stackName);
    if (!stack) {
      return failed(
        `edge stack ${stackName} does not exist; create it with the edge bootstrap (routing never creates it)`,
      );
    }
    const missing = [this.params.origin, this.params.release].filter((k) => !hasParameter(stack, k));
    if (missing.length > 0) {
      return failed(
        `edge stack ${stackName} has no ${missing.join(' or ')} parameter; is it made from cloudformation/edge.yaml?`,
      );
    }
    const decision = decideEdgeStackAction(
      {
        status: stack.StackStatus ?? 'UNKNOWN',
        host: parameter(stack, this.params.origin),
        release: parameter(stack, this.params.release),
      },
      target,
    );
    const what = `edge stack ${stackName}`;
    switch (decision.action) {
      case 'wait':
        return progressing(`${what}: ${decision.reason}`, this.retry.stack);
      case 'needs-a-person': {
        const last = await readLastOperation(this.options.cloudformation, stackName);
        return failed(
          `${what} needs a person, ${decision.reason}${last.failure ? `; last failure: ${last.failure}` : ''}`,
        );
      }
      case 'check-distribution':
        return this.checkDistribution(stack, target);
      case 'explain-rollback': {
        const last = await readLastOperation(this.options.cloudformation, stackName);
        if (isEdgeUpdateTokenFor(last.clientRequestToken, target)) {
          return failed(
            `CloudFormation rolled back the update of ${what} to ${target.host} (release ${target.release}): ` +
              `${last.failure ?? 'it recorded no failure reason'}; the edge still serves release ${parameter(stack, this.params.release)}`,
          );
        }
        return this.update(stack, target, decision.reason);
      }
      case 'update':
        return this.update(stack, target, decision.reason);
    }
  }

  private async update(stack: Stack, target: EdgeTarget, reason: string): Promise<StepResult> {
    const stackName = stack.StackName ?? '';
    const parameters: Parameter[] = (stack.Parameters ?? []).map(({ ParameterKey }) => {
      if (ParameterKey === this.params.origin) return { ParameterKey, ParameterValue: target.host };
      if (ParameterKey === this.params.release) return { ParameterKey, ParameterValue: target.release };
      return { ParameterKey, UsePreviousValue: true };
    });
    try {
      await this.options.cloudformation.send(
        new UpdateStackCommand({
          StackName: stackName,
          UsePreviousTemplate: true,
          Parameters: parameters,
          ClientRequestToken: edgeUpdateToken(target, this.now()),
        }),
      );
    } catch (err) {
      const message = err instanceof Error ? err.message : '';
      if (awsErrorName(err) === 'ValidationError' && /No updates are to be performed/i.test(message)) {
        return this.checkDistribution(stack, target);
      }
      // Someone else's operation started between our look and our update.
      if (awsErrorName(err) === 'ValidationError' && /state and can ?not be updated/i.test(message)) {
        return progressing(`edge stack ${stackName} is busy: ${quoteAwsError(err)}`, this.retry.stack);
      }
      if (hasAwsErrorName(err, 'ValidationError', 'InsufficientCapabilitiesException', 'TokenAlreadyExistsException')) {
        return failed(`CloudFormation refused to update edge stack ${stackName}: ${quoteAwsError(err)}`);
      }
      throw err;
    }
    return progressing(
      `updating edge stack ${stackName} to origin ${target.host} (release ${target.release}); before, ${reason}`,
      this.retry.stack,
    );
  }

  /** The stack is at the target; users see it once CloudFront has deployed it everywhere. */
  private async checkDistribution(stack: Stack, target: EdgeTarget): Promise<StepResult> {
    const stackName = stack.StackName ?? '';
    const outputKey = this.options.distributionOutput ?? 'DistributionId';
    const id = stack.Outputs?.find((o) => o.OutputKey === outputKey)?.OutputValue;
    if (!id)
      return failed(`edge stack ${stackName} has no ${outputKey} output; is it made from cloudformation/edge.yaml?`);
    let distribution;
    try {
      distribution = (await this.options.cloudfront.send(new GetDistributionCommand({ Id: id }))).Distribution;
    } catch (err) {
      if (hasAwsErrorName(err, 'NoSuchDistribution')) {
        return failed(`edge stack ${stackName} names distribution ${id}, which does not exist: ${quoteAwsError(err)}`);
      }
      throw err;
    }
    const origins = (distribution?.DistributionConfig?.Origins?.Items ?? []).map((o) => o.DomainName);
    if (!origins.includes(target.host)) {
      return failed(
        `distribution ${id} sends users to ${origins.join(', ') || 'no origin'} although edge stack ${stackName} says ` +
          `${target.host}: it was changed outside CloudFormation (drift); fix it by hand`,
      );
    }
    if (distribution?.Status === 'Deployed') {
      return done(`edge serves release ${target.release}: distribution ${id} is Deployed with origin ${target.host}`);
    }
    return progressing(
      `distribution ${id} is ${distribution?.Status ?? 'in an unknown state'}, spreading origin ${target.host} to edge locations`,
      this.retry.distribution,
    );
  }

  private async describe(stackName: string): Promise<Stack | undefined> {
    try {
      const out = await this.options.cloudformation.send(new DescribeStacksCommand({ StackName: stackName }));
      return out.Stacks?.[0];
    } catch (err) {
      if (isMissingStackError(err)) return undefined;
      throw err;
    }
  }

  private ref(app: string): EdgeStackRef {
    const ref = this.options.stacks[app];
    if (!ref) throw new Error(`no edge stack is configured for app ${app}`);
    return ref;
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }
}

function parameter(stack: Stack, key: string): string | undefined {
  return stack.Parameters?.find((p) => p.ParameterKey === key)?.ParameterValue;
}

function hasParameter(stack: Stack, key: string): boolean {
  return (stack.Parameters ?? []).some((p) => p.ParameterKey === key);
}
