import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CloudFormationClient, CreateStackCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import type { EdgeOrigin } from '../ports';
import { hasAwsErrorName, isMissingStackError, quoteAwsError } from './aws-errors';
import { parseOriginEndpoint, type OriginProtocolPolicy } from './origin-endpoint';

export interface EdgeStackBootstrapInput {
  cloudformation: CloudFormationClient;
  stackName: string;
  appName: string;
  /** The release the edge serves first (the app's active release, or a placeholder origin). */
  origin: EdgeOrigin;
  originProtocol?: OriginProtocolPolicy;
  /** cloudformation/edge.yaml's text. */
  templateBody: string;
  /** The EdgeStackServiceRoleArn output of controller-iam.yaml; CloudFormation keeps using it. */
  roleArn?: string;
  tags?: Record<string, string>;
}

export type EdgeStackBootstrapResult =
  | { status: 'created'; stackId: string; message: string }
  | { status: 'exists'; stackStatus: string; message: string }
  | { status: 'failed'; message: string };

/**
 * Creates an app's edge stack if it does not exist yet: an explicit, operator-run step (a CLI
 * command), never part of a deployment, because an edge's domain name is what users bookmark.
 * Returns once CloudFormation accepted the request; creating a distribution takes minutes.
 */
export async function createEdgeStackIfMissing(input: EdgeStackBootstrapInput): Promise<EdgeStackBootstrapResult> {
  const { cloudformation, stackName } = input;
  const parsed = parseOriginEndpoint(input.origin.endpoint);
  if ('problem' in parsed)
    return { status: 'failed', message: `cannot bootstrap edge stack ${stackName}: ${parsed.problem}` };

  const existing = await describeStatus(cloudformation, stackName);
  if (existing) return exists(stackName, existing);
  try {
    const out = await cloudformation.send(
      new CreateStackCommand({
        StackName: stackName,
        TemplateBody: input.templateBody,
        Parameters: [
          { ParameterKey: 'AppName', ParameterValue: input.appName },
          { ParameterKey: 'OriginDomainName', ParameterValue: parsed.host },
          { ParameterKey: 'OriginRelease', ParameterValue: input.origin.release },
          { ParameterKey: 'OriginProtocol', ParameterValue: input.originProtocol ?? 'http-only' },
        ],
        RoleARN: input.roleArn,
        Tags: Object.entries({ ...input.tags, app: input.appName, 'managed-by': 'cutover' }).map(([Key, Value]) => ({
          Key,
          Value,
        })),
        // The edge must outlive mistakes: deleting it takes turning this off first.
        EnableTerminationProtection: true,
        // Keep a failed creation's resources and events for the person who has to read them.
        OnFailure: 'ROLLBACK',
      }),
    );
    return {
      status: 'created',
      stackId: out.StackId ?? stackName,
      message: `creating edge stack ${stackName} for ${input.appName} with origin ${parsed.host} (release ${input.origin.release})`,
    };
  } catch (err) {
    if (hasAwsErrorName(err, 'AlreadyExistsException')) return exists(stackName, 'CREATE_IN_PROGRESS');
    if (hasAwsErrorName(err, 'ValidationError', 'InsufficientCapabilitiesException', 'LimitExceededException')) {
      return {
        status: 'failed',
        message: `CloudFormation refused to create edge stack ${stackName}: ${quoteAwsError(err)}`,
      };
    }
    throw err;
  }
}

/** Finds cloudformation/edge.yaml from the source tree or the compiled one (dist/src/...). */
export function findEdgeTemplate(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'cloudformation', 'edge.yaml');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error(`cloudformation/edge.yaml not found above ${from}`);
  }
}

export function readEdgeTemplate(path: string = findEdgeTemplate()): string {
  return readFileSync(path, 'utf8');
}

async function describeStatus(cloudformation: CloudFormationClient, stackName: string): Promise<string | undefined> {
  try {
    const out = await cloudformation.send(new DescribeStacksCommand({ StackName: stackName }));
    return out.Stacks?.[0]?.StackStatus ?? 'UNKNOWN';
  } catch (err) {
    if (isMissingStackError(err)) return undefined;
    throw err;
  }
}

function exists(stackName: string, stackStatus: string): EdgeStackBootstrapResult {
  return {
    status: 'exists',
    stackStatus,
    message: `edge stack ${stackName} already exists (${stackStatus}); left as it is`,
  };
}

/** The operator's `cutover edge-create`: one CloudFormation client from the default credential chain, used once. */
export async function createAppEdgeStack(
  input: Omit<EdgeStackBootstrapInput, 'cloudformation' | 'templateBody'> & { region?: string },
): Promise<EdgeStackBootstrapResult> {
  const { region, ...rest } = input;
  const cloudformation = new CloudFormationClient(region ? { region } : {});
  try {
    return await createEdgeStackIfMissing({ ...rest, cloudformation, templateBody: readEdgeTemplate() });
  } finally {
    cloudformation.destroy();
  }
}
