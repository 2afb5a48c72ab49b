/**
 * npm run demo — cutover end to end on this machine, in about a minute:
 * starts the controller on the local provider (it deploys housing v1 behind the local edge),
 * sends live traffic through the edge, deploys v2 with the `cutover` CLI (its live step list),
 * promotes it, rolls back to v1 with the CLI, prints a summary (requests sent and failed, each
 * step's duration, flip times) and stops every process it started.
 *
 * Everything lives in a fresh temp dir on free loopback ports, so the demo never touches
 * ./.cutover or a controller started with `npm start`. Exit 0 when every command succeeded, no
 * request through the edge failed and v1 serves at the end; 1 otherwise; 130 on Ctrl-C.
 * Env: DEMO_TIMEOUT_SECONDS (default 300), DEMO_KEEP_STATE=1 keeps the temp dir and its logs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeploymentRecord } from './bench/controller';
import { flipTimes, stepTimings } from './bench/flip-report';
import { startDemoController, type DemoController } from './demo/controller';
import { killClis, runCli, type CliRun } from './demo/run-cli';
import { summarize, type DeploymentFigures } from './demo/summary';
import { LoadGenerator } from './support/load';

const ROW =
  '{"CHAS":{"0":0},"RM":{"0":6.575},"TAX":{"0":296.0},"PTRATIO":{"0":15.3},"B":{"0":396.9},"LSTAT":{"0":4.98}}';
// Blue stays up 5 s after green is verified (30 s by default): long enough to see, short for a demo.
const CONTROLLER_ENV = { CUTOVER_SCALE_DOWN_DELAY_SECONDS: '5', CUTOVER_RECONCILE_INTERVAL_MS: '200' };
const TIMEOUT_S = Number(process.env.DEMO_TIMEOUT_SECONDS ?? 300);

const banner = (text: string) => console.log(`\n== ${text}`);

async function figures(c: DemoController, label: string, id: string): Promise<DeploymentFigures> {
  const { record, events } = await c.finished(id);
  let flip;
  try {
    flip = flipTimes(record, events);
  } catch {
    flip = undefined; // It never flipped: the summary says so.
  }
  return { label, id, phase: record.phase, steps: stepTimings(events), flip };
}

async function main(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'cutover-demo-'));
  let controller: DemoController | undefined;
  let load: LoadGenerator | undefined;
  let cleaned: Promise<void> | undefined;
  const cleanup = () =>
    (cleaned ??= (async () => {
      killClis();
      await load?.stop();
      const leftovers = (await controller?.stop()) ?? 0;
      if (leftovers > 0) console.error(`cleanup: killed ${leftovers} process(es) the controller left running`);
      if (process.env.DEMO_KEEP_STATE === '1') console.log(`state and logs kept in ${dir}`);
      else rmSync(dir, { recursive: true, force: true });
    })());
  let interrupted = false;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
    process.once(signal, () => {
      interrupted = true;
      console.error(`\ndemo: ${signal}: stopping everything it started`);
      void cleanup().finally(() => process.exit(130));
    });
  const timer = setTimeout(() => {
    console.error(`demo: still running after ${TIMEOUT_S} s; stopping everything`);
    void cleanup().finally(() => process.exit(1));
  }, TIMEOUT_S * 1000);
  timer.unref();

  try {
    banner('starting the controller on the local provider (it deploys housing v1 behind the edge)');
    controller = await startDemoController(dir, CONTROLLER_ENV);
    const api = controller.api;
    console.log(`  API    ${api}/v1\n  edge   ${controller.edge}\n  state  ${controller.stateDir}`);
    console.log(`  log    ${controller.logFile}`);

    banner('sending live traffic through the edge (4 workers, POST /predict) for the rest of the demo');
    load = new LoadGenerator({ url: controller.edge, body: ROW, concurrency: 4, maxSeconds: TIMEOUT_S }).start();
    // The CLI finds the local controller's tokens in its state dir, as it would for `npm start`.
    const env = { CUTOVER_URL: api, CUTOVER_STATE_DIR: controller.stateDir };
    const commands: CliRun[] = [];
    const cli = async (...args: string[]) => {
      const run = await runCli(args, env);
      commands.push(run);
      if (run.code !== 0) throw new Error(`${run.command} exited ${run.code}`);
    };
    await cli('status', '--app', 'housing');

    banner('deploying v2 (the retrained model): provision, deploy, smoke test, then it waits for promotion');
    await cli('deploy', 'v2', '--app', 'housing', '--artifact', 'predictor/models/housing-v2.json', '--wait');
    const app = await controller.get<{ inFlight: { id: string } | null }>('/v1/apps/housing');
    if (!app.inFlight) throw new Error('v2 is not waiting for promotion');
    const deployId = app.inFlight.id;

    banner('promoting v2: the edge flips, is verified, and blue v1 retires after the scale-down delay');
    await cli('promote', deployId, '--wait');

    banner('rolling back to v1: blue has retired, so v1 is deployed again through the same steps');
    await cli('rollback', '--app', 'housing', '--wait');
    const history = await controller.get<{ items: DeploymentRecord[] }>('/v1/apps/housing/deployments?limit=1');
    await cli('status', '--app', 'housing');

    const served = ((await (await fetch(`${controller.edge}/version`)).json()) as { release?: string }).release;
    const deployments = [
      await figures(controller, 'deploy v2', deployId),
      await figures(controller, 'rollback to v1', history.items[0].id),
    ];
    const traffic = await load.stop();
    const { lines, ok } = summarize({ traffic, commands, deployments, served, expectServed: 'v1' });
    console.log(lines.join('\n'));
    return ok ? 0 : 1;
  } catch (err) {
    if (interrupted) return 130;
    console.error(`\ndemo: ${(err as Error).message}`);
    if (controller) console.error(`--- controller log (last lines) ---\n${controller.logTail(15)}`);
    return 1;
  } finally {
    banner('stopping the controller, every release process and the edge');
    await cleanup();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
