import type { Command } from 'commander';
import type { ApiClient } from '../api-client';
import { UsageError } from '../cli-errors';
import type { CommandContext } from '../context';
import { EXIT } from '../exit-codes';
import { summarize } from '../summary';
import { checkApp, checkDeploymentId, checkRelease } from '../validate';
import { untilFinished } from '../verdicts';
import { waitForDeployment } from '../wait-for-deployment';

interface AbortOptions {
  app?: string;
  release?: string;
  wait?: boolean;
}

export function registerAbort(program: Command, ctx: CommandContext): void {
  program
    .command('abort')
    .description('abort a deployment: green torn down, the edge stays on blue (operator)')
    .argument('[deployment]', 'deployment id')
    .option('--app <app>', 'with --release: abort the deployment of that release in flight (CI on_fail)')
    .option('--release <release>', 'with --app: the release whose in-flight deployment to abort')
    .option('--wait', 'follow it until green is torn down')
    .action(ctx.action((id: string | undefined, o: AbortOptions) => abort(ctx, id, o)));
}

async function abort(ctx: CommandContext, id: string | undefined, o: AbortOptions): Promise<number> {
  const byRelease = o.app !== undefined || o.release !== undefined;
  if (id && byRelease) throw new UsageError('give a deployment id or --app and --release, not both');
  if (!id && !(o.app && o.release)) throw new UsageError('give a deployment id, or --app and --release');
  if (id) checkDeploymentId(id);
  if (o.app) checkApp(o.app);
  if (o.release) checkRelease(o.release);
  const client = ctx.client('operator');
  const target = id ?? (await inFlightOf(client, o.app as string, o.release as string));
  if (!target) {
    if (ctx.json) ctx.printJson({ aborted: null });
    else ctx.print(`nothing to abort: no deployment of release ${o.release} is in flight for app ${o.app}`);
    return EXIT.ok;
  }
  const { body } = await client.abort(target);
  if (!o.wait) {
    if (ctx.json) ctx.printJson(body);
    else
      ctx.print(
        `abort requested: deployment ${body.id} (app ${body.app}, release ${body.release}) is ${body.phase}` +
          (body.outcome?.reason ? `: ${body.outcome.reason}` : ''),
      );
    return EXIT.ok;
  }
  const printer = ctx.printer();
  const { deployment, verdict } = await waitForDeployment(client, target, {
    printer,
    rule: untilFinished('Aborted', 'Failed', 'RolledBack'),
  });
  printer.end(summarize(deployment, verdict));
  if (ctx.json) ctx.printJson(deployment);
  return verdict.ok ? EXIT.ok : EXIT.deploymentFailed;
}

async function inFlightOf(client: ApiClient, app: string, release: string): Promise<string | undefined> {
  const status = await client.getApp(app);
  return status.inFlight?.release === release ? status.inFlight.id : undefined;
}
