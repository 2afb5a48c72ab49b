import type { Command } from 'commander';
import { createAppEdgeStack } from '../../providers/aws/edge-stack-bootstrap';
import type { OriginProtocolPolicy } from '../../providers/aws/origin-endpoint';
import { UsageError } from '../cli-errors';
import type { CommandContext } from '../context';
import { EXIT } from '../exit-codes';
import { checkApp, checkRelease } from '../validate';

interface EdgeCreateOptions {
  app: string;
  origin: string;
  release: string;
  stack?: string;
  region?: string;
  roleArn?: string;
  originProtocol: string;
}

const PROTOCOLS: OriginProtocolPolicy[] = ['http-only', 'https-only'];
/** What edge.yaml's OriginDomainName accepts: a bare host name. */
const HOST_NAME = /^[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?$/;

/**
 * Creates an app's CloudFront edge stack, once, before its first deployment on aws. It talks to
 * CloudFormation directly with the caller's AWS credentials (the default chain), not to the
 * controller: the controller only ever updates an edge stack, so a typo in its config can
 * never make a new distribution (and a new URL users do not know).
 */
export function registerEdgeCreate(program: Command, ctx: CommandContext): void {
  program
    .command('edge-create')
    .description("aws: create an app's edge stack (CloudFront) from cloudformation/edge.yaml, if it does not exist")
    .requiredOption('--app <app>', 'the app, as named in the controller config')
    .requiredOption('--origin <host>', "the first origin: a release's load balancer host name")
    .requiredOption('--release <release>', 'the release behind that origin')
    .option('--stack <name>', 'stack name (default cutover-edge-<app>, what the controller expects)')
    .option('--region <region>', 'AWS region of the stack (default: AWS_REGION / the profile)')
    .option('--role-arn <arn>', 'the EdgeStackServiceRoleArn output of controller-iam.yaml')
    .option('--origin-protocol <protocol>', 'how CloudFront reaches the origin: http-only or https-only', 'http-only')
    .action(ctx.action((o: EdgeCreateOptions) => edgeCreate(ctx, o)));
}

async function edgeCreate(ctx: CommandContext, o: EdgeCreateOptions): Promise<number> {
  checkApp(o.app);
  checkRelease(o.release);
  if (o.origin.length > 253 || !HOST_NAME.test(o.origin)) {
    throw new UsageError(`--origin must be a host name, without scheme, port or path (got "${o.origin.slice(0, 80)}")`);
  }
  if (!PROTOCOLS.includes(o.originProtocol as OriginProtocolPolicy)) {
    throw new UsageError(`--origin-protocol must be ${PROTOCOLS.join(' or ')}`);
  }
  const stackName = o.stack ?? `cutover-edge-${o.app}`;
  const result = await createAppEdgeStack({
    region: o.region,
    stackName,
    appName: o.app,
    origin: { release: o.release, endpoint: `http://${o.origin}` },
    originProtocol: o.originProtocol as OriginProtocolPolicy,
    roleArn: o.roleArn,
  });
  if (ctx.json) ctx.printJson(result);
  else ctx.print(result.message);
  return result.status === 'failed' ? EXIT.usage : EXIT.ok;
}
