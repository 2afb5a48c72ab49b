import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PROJECT_ROOT } from '../../../predictor/src/project-paths';
import { LoadGenerator } from '../../../scripts/support/load';
import { startController, type ControllerUnderTest } from '../../support/controller-process';
import { makeTempDir, type TempDir } from '../../support/temp-dir';
import { waitFor } from '../../support/wait';
import { deployPlan, describeResults, replay, type JobResult } from './replay';

/**
 * The deploy jobs' commands, read from .circleci/config.yml and run with bash as CircleCI would,
 * against a real controller on the local provider. Needs `npx tsc -p tsconfig.build.json` first.
 * CUTOVER_ARTIFACT stands in for the ECR image: the local provider deploys model files.
 */

const ROW =
  '{"CHAS":{"0":0},"RM":{"0":6.575},"TAX":{"0":296.0},"PTRATIO":{"0":15.3},"B":{"0":396.9},"LSTAT":{"0":4.98}}';

const served = async (c: ControllerUnderTest) =>
  ((await (await fetch(`${c.edge}/version`)).json()) as { release: string }).release;

/** What ran in each job: [job, ok, [step, exit code or 'skipped']]. */
const outline = (results: JobResult[]) =>
  results.map((j) => [j.job, j.ok, j.steps.map((s) => [s.when, s.ran ? s.code : 'skipped'])]);

describe('the CircleCI deploy workflow replayed against a real controller', () => {
  let c: ControllerUnderTest;
  let models: TempDir;
  let load: LoadGenerator;
  let active = 'v1';

  /** The environment a CircleCI job on main has, with the cutover-production context. */
  const circleEnv = (sha: string, artifact: string) => ({
    PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`,
    HOME: process.env.HOME ?? '/tmp',
    CI: 'true',
    CIRCLECI: 'true',
    CIRCLE_SHA1: sha,
    CIRCLE_BRANCH: 'main',
    CIRCLE_PROJECT_REPONAME: 'cutover',
    CUTOVER_URL: c.api,
    // The context's token has the operator role: the steps need ci, the on_fail abort operator.
    CUTOVER_TOKEN: c.tokens.operator,
    CUTOVER_ARTIFACT: artifact,
  });

  beforeAll(async () => {
    models = await makeTempDir('cutover-replay-models-');
    // A model trained on shuffled labels: valid, ready, and far worse than blue on the holdout.
    const yaml = join(models.path, 'shuffled.yaml');
    writeFileSync(
      yaml,
      'name: housing\nversion: v90\nalgorithm: cart\nseed: 7\nlabels: shuffle\nparams: {maxDepth: 5}\n',
    );
    execFileSync(
      process.execPath,
      [
        join(PROJECT_ROOT, 'dist/predictor/train/train.js'),
        '--config',
        yaml,
        '--out',
        join(models.path, 'shuffled.json'),
      ],
      { cwd: PROJECT_ROOT, stdio: 'pipe' },
    );
    c = await startController({ CUTOVER_ARTIFACT_DIRS: `predictor/models,${models.path}` });
    load = new LoadGenerator({ url: c.edge, body: ROW, concurrency: 2, maxSeconds: 300 }).start();
  }, 120_000);

  afterAll(async () => {
    const report = await load?.stop();
    if (report)
      process.stdout.write(`[e2e] replay: ${report.sent} requests through the edge, ${report.failed} failed\n`);
    await c?.destroy();
    await models?.remove();
  }, 60_000);

  it('workflow deploy: every job passes, no abort runs, and the edge serves the commit', async () => {
    const sha = randomBytes(20).toString('hex');
    const release = sha.slice(0, 7);
    const before = load.snapshot();
    const results = await replay(deployPlan('deploy'), circleEnv(sha, 'predictor/models/housing-v2.json'));
    const ran = (step: string) => [
      step,
      true,
      [
        ['on_success', 0],
        ['on_fail', 'skipped'],
      ],
    ];
    expect({ outline: outline(results), log: describeResults(results) }).toMatchObject({
      outline: ['provision-green', 'deploy-green', 'smoke-test-green', 'promote', 'cleanup'].map(ran),
    });
    expect(results[0].steps[0].name).toBe('cutover step provision');
    expect(await served(c)).toBe(release);
    active = release;
    // cleanup returns at blueRetired; the deployment is marked finished on the next reconciler tick.
    const app = await waitFor(
      async () => {
        const { body } = await c.call('GET', '/v1/apps/housing', undefined, 'viewer');
        return body.inFlight === null && body;
      },
      { timeoutMs: 10_000, intervalMs: 100, what: 'the deployment to finish' },
    );
    expect(app).toMatchObject({ active: { release }, previous: { release: 'v1' } });
    const latest = (await c.call('GET', '/v1/apps/housing/deployments?limit=1', undefined, 'viewer')).body.items[0];
    expect(latest).toMatchObject({
      release,
      phase: 'Succeeded',
      allowedThrough: 'cleanup',
      trigger: { source: 'ci', commit: sha },
    });
    expect(load.snapshot().failed - before.failed).toBe(0);
  }, 180_000);

  it('workflow deploy-with-approval (hold skipped): a failing smoke test fails its job, the on_fail abort runs, blue serves', async () => {
    const sha = randomBytes(20).toString('hex');
    const release = sha.slice(0, 7);
    const before = load.snapshot();
    const results = await replay(
      deployPlan('deploy-with-approval'),
      circleEnv(sha, join(models.path, 'shuffled.json')),
    );
    expect({ outline: outline(results), log: describeResults(results) }).toMatchObject({
      outline: [
        [
          'provision-green',
          true,
          [
            ['on_success', 0],
            ['on_fail', 'skipped'],
          ],
        ],
        [
          'deploy-green',
          true,
          [
            ['on_success', 0],
            ['on_fail', 'skipped'],
          ],
        ],
        // promote and cleanup never start: CircleCI does not run jobs that require a failed one.
        [
          'smoke-test-green',
          false,
          [
            ['on_success', 1],
            ['on_fail', 0],
          ],
        ],
      ],
    });
    const [smoke, abort] = results[2].steps;
    process.stdout.write(`[e2e] replay: smoke-test-green failed; its on_fail step said: ${abort.output.trim()}\n`);
    expect(smoke.output).toMatch(/quality/);
    // The controller has already failed the deployment (green torn down or going); abort is the safety net.
    expect(abort.output).toMatch(
      new RegExp(`nothing to abort|abort requested: deployment \\S+ \\(app housing, release ${release}\\)`),
    );
    await waitFor(async () => (await c.call('GET', '/v1/apps/housing', undefined, 'viewer')).body.inFlight === null, {
      timeoutMs: 30_000,
      intervalMs: 200,
      what: 'the failed release to be torn down',
    });
    const latest = (await c.call('GET', '/v1/apps/housing/deployments?limit=1', undefined, 'viewer')).body.items[0];
    expect(latest).toMatchObject({ release, phase: 'Failed', outcome: { step: 'smoke-test' } });
    expect(latest.checkpoints.edgeFlipped).toBeUndefined();
    expect(await served(c)).toBe(active);
    const after = load.snapshot();
    expect([after.failed - before.failed, after.byRelease[release]]).toEqual([0, undefined]);
  }, 180_000);
});
