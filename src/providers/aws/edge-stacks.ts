import { DescribeStacksCommand, type CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { AppSpec } from '../../config/app-spec';
import { isMissingStackError, quoteAwsError } from './aws-errors';
import type { EdgeStackRef } from './cloudfront-edge';

/** The stack output edge.yaml gives users' URL in. */
const PUBLIC_URL_OUTPUT = 'PublicUrl';

export function edgeStackName(app: AppSpec): string {
  return app.aws.edgeStack ?? `cutover-edge-${app.name}`;
}

/**
 * Each app's edge stack and the URL users hit: the configured one, else the stack's PublicUrl
 * output. Read once at boot, so a missing stack stops the controller with a message saying
 * how to create it, instead of failing every deployment later.
 */
export async function resolveEdgeStacks(
  apps: AppSpec[],
  cloudformation: CloudFormationClient,
): Promise<Record<string, EdgeStackRef>> {
  const refs: Record<string, EdgeStackRef> = {};
  for (const app of apps) {
    const stackName = edgeStackName(app);
    refs[app.name] = {
      stackName,
      publicUrl: app.aws.publicUrl ?? (await readPublicUrl(app.name, stackName, cloudformation)),
    };
  }
  return refs;
}

async function readPublicUrl(app: string, stackName: string, cloudformation: CloudFormationClient): Promise<string> {
  let outputs;
  try {
    const out = await cloudformation.send(new DescribeStacksCommand({ StackName: stackName }));
    outputs = out.Stacks?.[0]?.Outputs;
  } catch (err) {
    if (isMissingStackError(err)) {
      throw new Error(
        `edge stack ${stackName} of app ${app} does not exist: create it once from cloudformation/edge.yaml ` +
          `(cutover edge-create --app ${app} --origin <load balancer host> --release <id>), ` +
          `or name an existing one in the app's aws.edgeStack`,
      );
    }
    throw new Error(`cannot read edge stack ${stackName} of app ${app}: ${quoteAwsError(err)}`);
  }
  const url = outputs?.find((o) => o.OutputKey === PUBLIC_URL_OUTPUT)?.OutputValue;
  if (!url) {
    throw new Error(
      `edge stack ${stackName} of app ${app} has no ${PUBLIC_URL_OUTPUT} output yet (still being created?); ` +
        `wait for CREATE_COMPLETE or set the app's aws.publicUrl`,
    );
  }
  return url;
}
