import type { Command } from 'commander';
import type { CommandContext } from '../context';
import { EXIT } from '../exit-codes';
import { summarize } from '../summary';
import { checkApp, checkRelease } from '../validate';
import { untilFinished } from '../verdicts';
import { waitForDeployment } from '../wait-for-deployment';

interface RollbackOptions {
  app: string;
  to?: string;
  wait?: boolean;
}

export function registerRollback(program: Command, ctx: CommandContext): void {
  program
    .command('rollback')
    .description('go back to the previous release (or --to): a flip while blue still runs, else a redeploy (operator)')
    .requiredOption('--app <app>', 'the app')
    .option('--to <release>', 'the release to go back to (default: the previous one)')
    .option('--wait', 'follow it until it finishes; exit 1 if it fails')
    .action(ctx.action((o: RollbackOptions) => rollback(ctx, o)));
}

async function rollback(ctx: CommandContext, o: RollbackOptions): Promise<number> {
  checkApp(o.app);
  if (o.to !== undefined) checkRelease(o.to, '--to');
  const client = ctx.client('operator');
  const { body } = await client.rollback(o.app, o.to);
  if (!o.wait) {
    if (ctx.json) ctx.printJson(body);
    else if (body.created)
      ctx.print(
        `rollback started: deployment ${body.id} deploys release ${body.release} of app ${body.app} again (follow it: cutover watch ${body.id})`,
      );
    else
      ctx.print(
        `rolling back: deployment ${body.id} flips app ${body.app} back to release ${body.blue?.release ?? '?'}, still running`,
      );
    return EXIT.ok;
  }
  const printer = ctx.printer();
  // A redeploy succeeds as a deployment does; a flip back ends the deployment it undoes as RolledBack.
  const rule = body.created ? untilFinished('Succeeded') : untilFinished('RolledBack');
  const { deployment, verdict } = await waitForDeployment(client, body.id, { printer, rule });
  printer.end(summarize(deployment, verdict));
  if (ctx.json) ctx.printJson(deployment);
  return verdict.ok ? EXIT.ok : EXIT.deploymentFailed;
}
