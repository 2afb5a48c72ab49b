import type { Command } from 'commander';
import { UsageError } from '../cli-errors';
import type { CommandContext } from '../context';
import { EXIT } from '../exit-codes';
import { summarize } from '../summary';
import { checkApp, checkDeploymentId } from '../validate';
import { untilFinished } from '../verdicts';
import { waitForDeployment } from '../wait-for-deployment';

export function registerWatch(program: Command, ctx: CommandContext): void {
  program
    .command('watch')
    .description("follow a deployment's steps until it finishes; exit 1 if it failed, was aborted or rolled back")
    .argument('[deployment]', 'deployment id')
    .option('--app <app>', 'the app whose in-flight deployment to follow (instead of an id)')
    .action(ctx.action((id: string | undefined, o: { app?: string }) => watch(ctx, id, o.app)));
}

async function watch(ctx: CommandContext, id: string | undefined, app: string | undefined): Promise<number> {
  if (id && app) throw new UsageError('give a deployment id or --app, not both');
  if (!id && !app) throw new UsageError('give a deployment id, or --app to follow its in-flight deployment');
  if (id) checkDeploymentId(id);
  if (app) checkApp(app);
  const client = ctx.client('viewer');
  let target = id;
  if (app) {
    const status = await client.getApp(app);
    if (!status.inFlight) {
      ctx.io.stderr.write(`app ${app} has no deployment in flight\n`);
      return EXIT.ok;
    }
    target = status.inFlight.id;
  }
  const printer = ctx.printer();
  const { deployment, verdict } = await waitForDeployment(client, target as string, {
    printer,
    rule: untilFinished('Succeeded'),
  });
  printer.end(summarize(deployment, verdict));
  if (ctx.json) ctx.printJson(deployment);
  return verdict.ok ? EXIT.ok : EXIT.deploymentFailed;
}
