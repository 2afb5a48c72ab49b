import type { Command } from 'commander';
import type { CommandContext } from '../context';
import { EXIT } from '../exit-codes';
import { summarize } from '../summary';
import { checkDeploymentId } from '../validate';
import { untilFinished } from '../verdicts';
import { waitForDeployment } from '../wait-for-deployment';

export function registerPromote(program: Command, ctx: CommandContext): void {
  program
    .command('promote')
    .description('approve the promotion of a deployment that passed its smoke test (operator)')
    .argument('<deployment>', 'deployment id')
    .option('--wait', 'follow it until it finishes; exit 1 if it fails or is rolled back')
    .action(ctx.action((id: string, o: { wait?: boolean }) => promote(ctx, id, o.wait === true)));
}

async function promote(ctx: CommandContext, id: string, wait: boolean): Promise<number> {
  checkDeploymentId(id);
  const client = ctx.client('operator');
  const { body } = await client.promote(id);
  if (!wait) {
    if (ctx.json) ctx.printJson(body);
    else
      ctx.print(
        `promotion approved: deployment ${body.id} (app ${body.app}, release ${body.release}) is ${body.phase}`,
      );
    return EXIT.ok;
  }
  const printer = ctx.printer();
  const { deployment, verdict } = await waitForDeployment(client, id, { printer, rule: untilFinished('Succeeded') });
  printer.end(summarize(deployment, verdict));
  if (ctx.json) ctx.printJson(deployment);
  return verdict.ok ? EXIT.ok : EXIT.deploymentFailed;
}
