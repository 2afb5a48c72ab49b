import { Argument, type Command } from 'commander';
import { PUBLIC_STEPS, type PublicStep } from '../../deployments/domain/deployment';
import type { ApiClient } from '../api-client';
import type { DeploymentView } from '../api-types';
import { UsageError } from '../cli-errors';
import type { CommandContext } from '../context';
import { EXIT } from '../exit-codes';
import { summarize } from '../summary';
import { checkApp, checkRelease } from '../validate';
import { stepDone } from '../verdicts';
import { waitForDeployment } from '../wait-for-deployment';

interface StepOptions {
  app: string;
  release: string;
  artifact?: string;
  commit?: string;
}

export function registerStep(program: Command, ctx: CommandContext): void {
  program
    .command('step')
    .description(
      'run one step of a release for CI (creating its step-by-step deployment if needed) and wait until it is done',
    )
    .addArgument(new Argument('<step>', 'the step').choices(PUBLIC_STEPS))
    .requiredOption('--app <app>', 'the app')
    .requiredOption('--release <release>', 'the release id')
    .option('--artifact <ref>', 'the artifact, to create the deployment if none is in flight')
    .option('--commit <sha>', 'the commit the release was built from')
    .action(ctx.action((step: PublicStep, o: StepOptions) => runStep(ctx, step, o)));
}

async function runStep(ctx: CommandContext, step: PublicStep, o: StepOptions): Promise<number> {
  checkApp(o.app);
  checkRelease(o.release);
  const client = ctx.client('ci');
  const deployment = await findOrCreate(client, o);
  if (deployment.outcome) {
    const summary = summarize(deployment, { ok: false, because: 'outcome' });
    ctx.io.stderr.write(`deployment ${deployment.id}: ${summary.text}\n`);
    if (ctx.json) ctx.printJson(deployment);
    return EXIT.deploymentFailed;
  }
  const { body } = await client.requestStep(deployment.id, step);
  if (body.alreadyDone) {
    if (ctx.json) ctx.printJson(body);
    else ctx.print(`step ${step} of release ${o.release} is already done (deployment ${body.id}, phase ${body.phase})`);
    return EXIT.ok;
  }
  const printer = ctx.printer();
  const result = await waitForDeployment(client, deployment.id, {
    printer,
    rule: stepDone(step),
    printFrom: (e) => e.type === 'step.requested' && e.data.step === step,
  });
  printer.end(summarize(result.deployment, result.verdict, `step ${step} of release ${o.release}`));
  if (ctx.json) ctx.printJson(result.deployment);
  return result.verdict.ok ? EXIT.ok : EXIT.deploymentFailed;
}

/**
 * The deployment of this release: the one in flight, the one that made it active (a re-run
 * of a finished pipeline), or a new step-by-step deployment when --artifact is given.
 */
async function findOrCreate(client: ApiClient, o: StepOptions): Promise<DeploymentView> {
  const app = await client.getApp(o.app);
  if (app.inFlight?.release === o.release) return client.getDeployment(app.inFlight.id);
  if (app.active?.release === o.release) {
    const latest = (await client.history(o.app, 20)).items.find((d) => d.release === o.release);
    if (latest) return latest;
  }
  if (!o.artifact)
    throw new UsageError(
      `no deployment of release ${o.release} is in flight for app ${o.app}; pass --artifact to start one`,
    );
  const { body } = await client.createDeployment(o.app, {
    release: o.release,
    artifact: o.artifact,
    commit: o.commit,
    stepwise: true,
  });
  return body;
}
