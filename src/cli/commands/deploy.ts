import type { Command } from 'commander';
import { UsageError } from '../cli-errors';
import type { CommandContext } from '../context';
import { EXIT } from '../exit-codes';
import { headline } from '../progress-printer';
import { summarize } from '../summary';
import { checkApp, checkRelease } from '../validate';
import { deployWait } from '../verdicts';
import { waitForDeployment } from '../wait-for-deployment';

interface DeployOptions {
  app: string;
  artifact: string;
  commit?: string;
  autoPromote?: boolean;
  supersede?: boolean;
  stepwise?: boolean;
  wait?: boolean;
}

export function registerDeploy(program: Command, ctx: CommandContext): void {
  program
    .command('deploy')
    .description('start deploying a release (the same release again answers the deployment in flight)')
    .argument('<release>', 'release id, a DNS-1123 label (e.g. the short commit sha)')
    .requiredOption('--app <app>', 'the app to deploy')
    .requiredOption('--artifact <ref>', 'model artifact path (local) or image reference (aws)')
    .option('--commit <sha>', 'the commit this release was built from')
    .option('--auto-promote', 'promote as soon as the smoke test passes')
    .option('--supersede', 'abort another release in flight and deploy this one')
    .option('--stepwise', 'run only the steps requested with `cutover step` (CI)')
    .option('--wait', 'follow the deployment until it finishes (or waits for promotion); exit 1 if it fails')
    .action(ctx.action((release: string, o: DeployOptions) => deploy(ctx, release, o)));
}

async function deploy(ctx: CommandContext, release: string, o: DeployOptions): Promise<number> {
  checkRelease(release);
  checkApp(o.app);
  if (o.stepwise && o.wait)
    throw new UsageError('--wait cannot follow a --stepwise deployment: run `cutover step <step>` for each step');
  const client = ctx.client('ci');
  const { status, body } = await client.createDeployment(o.app, {
    release,
    artifact: o.artifact,
    commit: o.commit,
    autoPromote: o.autoPromote,
    supersede: o.supersede,
    stepwise: o.stepwise,
  });
  if (!o.wait) {
    if (ctx.json) ctx.printJson(body);
    else {
      ctx.print(`${status === 201 ? 'created' : 'already in flight'}: ${headline(body)}`);
      ctx.print(`follow it with: cutover watch ${body.id}`);
    }
    return EXIT.ok;
  }
  const printer = ctx.printer();
  const { deployment, verdict } = await waitForDeployment(client, body.id, { printer, rule: deployWait });
  printer.end(summarize(deployment, verdict));
  if (ctx.json) ctx.printJson(deployment);
  return verdict.ok ? EXIT.ok : EXIT.deploymentFailed;
}
