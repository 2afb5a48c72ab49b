import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { MODELS_DIR } from '../../../predictor/src/project-paths';
import { startController, type ControllerUnderTest } from '../../support/controller-process';
import { freePort } from '../../support/free-port';
import { makeTempDir, type TempDir } from '../../support/temp-dir';
import { waitFor } from '../../support/wait';
import { cutover, startCutover, type CliRun } from './run-cli';

/** Needs `npx tsc -p tsconfig.build.json` first: it runs dist/src/cli/main.js against a real controller. */

const V2 = 'predictor/models/housing-v2.json';
const NO_STACK = /\n\s+at .+:\d+:\d+/;

async function servedRelease(c: ControllerUnderTest): Promise<string | undefined> {
  return ((await (await fetch(`${c.edge}/version`)).json()) as { release?: string }).release;
}

async function finished(c: ControllerUnderTest, id: string) {
  return waitFor(
    async () => {
      const { body } = await c.call('GET', `/v1/deployments/${id}`, undefined, 'viewer');
      return body.finished ? body : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 200, what: `deployment ${id} to finish` },
  );
}

function expectOneLine(run: CliRun): void {
  expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(run.stderr + run.stdout).not.toMatch(NO_STACK);
}

describe('cutover CLI without a controller', () => {
  let counting: Server;
  let requests = 0;
  let url: string;
  beforeAll(async () => {
    counting = createServer((_req, res) => {
      requests++;
      res.end('{}');
    });
    await new Promise<void>((r) => counting.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(counting.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((r) => counting.close(() => r())));

  it('refuses an invalid release id locally: exit 2, and the server never hears of it', async () => {
    const run = await cutover(['deploy', 'V2_bad', '--app', 'housing', '--artifact', V2, '--wait'], {
      CUTOVER_URL: url,
      CUTOVER_TOKEN: 'x'.repeat(40),
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^error: invalid release "V2_bad": release id must be a DNS-1123 label/);
    expectOneLine(run);
    const step = await cutover(['step', 'provision', '--app', 'housing', '--release', '-x'], { CUTOVER_URL: url });
    expect(step.code).toBe(2);
    expect(requests).toBe(0);
  });

  it('exits 2 on unknown commands, options and steps', async () => {
    for (const args of [
      ['frobnicate'],
      ['status', '--bogus'],
      ['step', 'launch', '--app', 'a', '--release', 'r'],
      [],
    ]) {
      const run = await cutover(args, { CUTOVER_URL: url });
      expect([args, run.code]).toEqual([args, 2]);
      expect(run.stderr).not.toMatch(NO_STACK);
    }
    expect((await cutover(['--help'])).code).toBe(0);
    expect(requests).toBe(0);
  });

  it('says in one line, without a stack, that an unreachable controller cannot be reached', async () => {
    const port = await freePort();
    const run = await cutover(['status'], { CUTOVER_URL: `http://127.0.0.1:${port}` });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`cannot reach the controller at http://127.0.0.1:${port}: ECONNREFUSED\n`);
    expect(run.stdout).toBe('');
  });
});

describe('cutover CLI against a real controller', () => {
  let c: ControllerUnderTest;
  let models: TempDir;
  let env: Record<string, string>;
  const as = (role: 'viewer' | 'ci' | 'operator') => ({ ...env, CUTOVER_TOKEN: c.tokens[role] });

  beforeAll(async () => {
    // A folder of test-only artifacts, allowed next to the shipped models: a truncated copy of v2.
    models = await makeTempDir('cutover-cli-models-');
    mkdirSync(models.path, { recursive: true });
    const v2 = readFileSync(join(MODELS_DIR, 'housing-v2.json'));
    writeFileSync(join(models.path, 'truncated.json'), v2.subarray(0, v2.length / 2));
    c = await startController({ CUTOVER_ARTIFACT_DIRS: `predictor/models,${models.path}` });
    env = { CUTOVER_URL: c.api };
  }, 60_000);
  afterAll(async () => {
    await c?.destroy();
    await models?.remove();
  }, 60_000);

  it('a wrong token is exit 2 with UNAUTHENTICATED, and the token is never printed', async () => {
    const token = `cut_operator_${'z'.repeat(32)}`;
    const run = await cutover(['status', '--app', 'housing'], { ...env, CUTOVER_TOKEN: token });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^UNAUTHENTICATED: /);
    expectOneLine(run);
    expect(run.stdout + run.stderr).not.toContain(token);
  });

  it('deploy --auto-promote --wait prints every step and exits 0 once v2 is active', async () => {
    const run = await cutover(
      ['deploy', 'v2', '--app', 'housing', '--artifact', V2, '--auto-promote', '--wait'],
      as('ci'),
    );
    expect([run.code, run.stderr]).toEqual([0, '']);
    const lines = run.stdout.trimEnd().split('\n');
    for (const line of lines) expect(line).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z {2}\S/);
    for (const step of ['provision', 'deploy', 'smoke-test', 'promote', 'verify', 'scale-down-blue']) {
      expect(run.stdout).toContain(`step ${step} started`);
      expect(run.stdout).toMatch(new RegExp(`step ${step} succeeded in \\d+\\.\\ds: \\S`));
    }
    expect(lines[lines.length - 1]).toMatch(/Succeeded: app housing serves release v2 \(deployment housing-v2-/);
    expect(await servedRelease(c)).toBe('v2');
  }, 90_000);

  it('status shows v2 active, with the token found in the local state dir', async () => {
    const run = await cutover(['status'], { ...env, CUTOVER_STATE_DIR: c.stateDir });
    expect([run.code, run.stderr]).toEqual([0, '']);
    expect(run.stdout).toMatch(/app housing\n\s+active\s+v2 {2}\(predictor\/models\/housing-v2\.json\)/);
    expect(run.stdout).toMatch(/previous\s+v1/);
    const json = await cutover(['status', '--app', 'housing', '--json'], as('viewer'));
    expect(JSON.parse(json.stdout)).toMatchObject({ app: 'housing', active: { release: 'v2' }, inFlight: null });
  });

  it('rollback --app housing --json exits 0 with the API answer', async () => {
    const run = await cutover(['rollback', '--app', 'housing', '--json'], { ...env, CUTOVER_STATE_DIR: c.stateDir });
    expect([run.code, run.stderr]).toEqual([0, '']);
    const body = JSON.parse(run.stdout);
    expect(body).toMatchObject({ app: 'housing', kind: 'rollback', release: 'v1', created: true });
    await finished(c, body.id);
  }, 90_000);

  it('step provision … cleanup, in order, exit 0 each and leave the edge on the release', async () => {
    const step = (name: string) =>
      cutover(
        ['step', name, '--app', 'housing', '--release', 'ci1', '--artifact', V2, '--commit', 'abc1234'],
        as('ci'),
      );
    const early = await step('deploy');
    expect(early.code).toBe(2);
    expect(early.stderr).toBe('STEP_OUT_OF_ORDER: step provision must complete before deploy\n');

    for (const name of ['provision', 'deploy', 'smoke-test', 'promote', 'cleanup']) {
      const run = await step(name);
      expect([name, run.code, run.stderr]).toEqual([name, 0, '']);
      expect(run.stdout).toContain(`step ${name} requested by local-ci`);
      expect(run.stdout).toMatch(new RegExp(`step ${name} of release ci1 done: phase \\w+\\n$`));
      if (name === 'promote') expect(run.stdout).toMatch(/step verify succeeded/);
      if (name === 'cleanup') expect(run.stdout).toMatch(/step scale-down-blue succeeded/);
    }
    expect(await servedRelease(c)).toBe('ci1');
    const again = await step('cleanup');
    expect([again.code, again.stdout]).toEqual([
      0,
      expect.stringContaining('step cleanup of release ci1 is already done'),
    ]);
    const app = await c.call('GET', '/v1/apps/housing', undefined, 'viewer');
    expect(app.body).toMatchObject({ active: { release: 'ci1' }, inFlight: null });
  }, 120_000);

  it('a deployment whose artifact is not a valid model: --wait exits 1 with the reason', async () => {
    const artifact = join(models.path, 'truncated.json');
    const run = await cutover(
      ['deploy', 'broken', '--app', 'housing', '--artifact', artifact, '--auto-promote', '--wait'],
      as('ci'),
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/step deploy failed after \d+\.\ds: /);
    const last = run.stdout.trimEnd().split('\n').pop() ?? '';
    expect(last).toMatch(/Failed in step deploy: .*not valid JSON.* \(release ci1 keeps serving\)$/);
    expect(await servedRelease(c)).toBe('ci1');
  }, 90_000);

  it('deploy --wait stops at AwaitingPromotion; watch survives a controller restart; promote --wait ends it', async () => {
    const deploy = await cutover(['deploy', 'v5', '--app', 'housing', '--artifact', V2, '--wait'], as('ci'));
    expect(deploy.code).toBe(0);
    const id = /cutover promote (\S+)/.exec(deploy.stdout)?.[1] as string;
    expect(id).toMatch(/^housing-v5-/);

    const watch = startCutover(['watch', id], as('viewer'));
    await waitFor(() => watch.output().includes('step smoke-test succeeded'), {
      timeoutMs: 10_000,
      what: 'watch to replay',
    });
    await c.restart();
    const promote = await cutover(['promote', id, '--wait'], as('operator'));
    expect(promote.code).toBe(0);
    expect(promote.stdout).toMatch(/Succeeded: app housing serves release v5/);
    const watched = await watch.done;
    expect(watched.output).toContain(`lost the controller at ${c.api} (`);
    expect(watched.output).toMatch(/promoted by local-operator/);
    expect(watched.code).toBe(0);
    // The stream resumed after the last event: nothing was printed twice.
    expect(watched.output.match(/step smoke-test succeeded/g)).toHaveLength(1);
  }, 120_000);

  it('abort --app --release aborts the deployment of that release in flight; watch then exits 1', async () => {
    const deploy = await cutover(['deploy', 'ab1', '--app', 'housing', '--artifact', V2, '--json'], as('ci'));
    expect(deploy.code).toBe(0);
    const id = JSON.parse(deploy.stdout).id as string;

    const abort = await cutover(['abort', '--app', 'housing', '--release', 'ab1'], as('operator'));
    expect([abort.code, abort.stderr]).toEqual([0, '']);
    expect(abort.stdout).toMatch(new RegExp(`abort requested: deployment ${id} .* is Aborted`));

    const watch = await cutover(['watch', id], as('viewer'));
    expect(watch.code).toBe(1);
    expect(watch.stdout.trimEnd().split('\n').pop()).toMatch(/^.*Aborted: aborted by local-operator/);
    expect((await finished(c, id)).phase).toBe('Aborted');
    expect(await servedRelease(c)).toBe('v5');

    const nothing = await cutover(['abort', '--app', 'housing', '--release', 'ab1'], as('operator'));
    expect([nothing.code, nothing.stdout]).toEqual([0, expect.stringContaining('nothing to abort')]);
  }, 90_000);

  it('history lists the deployments, newest first', async () => {
    const run = await cutover(['history', '--app', 'housing', '--limit', '3', '--json'], as('viewer'));
    expect(run.code).toBe(0);
    const page = JSON.parse(run.stdout);
    expect(page.items.map((d: { release: string }) => d.release)).toEqual(['ab1', 'v5', 'broken']);
    const text = await cutover(['history', '--app', 'housing'], as('viewer'));
    expect(text.stdout).toMatch(/^ID\s+RELEASE\s+KIND\s+PHASE/);
    expect(text.stdout).toMatch(/ab1\s+deploy\s+Aborted/);
  });

  it('releases: a clear "not supported yet" and exit 2 while the server has no such route', async () => {
    const route = await c.call('GET', '/v1/apps/housing/releases', undefined, 'viewer');
    const run = await cutover(['releases', '--app', 'housing'], as('viewer'));
    if (route.status === 404) {
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^the server does not support this yet/);
      expectOneLine(run);
    } else {
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('v2');
    }
  });

  it('API errors are exit 2 with code and message: an unknown deployment, a role too weak', async () => {
    const missing = await cutover(['watch', 'housing-nope-1'], as('viewer'));
    expect([missing.code, missing.stderr]).toEqual([2, expect.stringMatching(/^DEPLOYMENT_NOT_FOUND: /)]);
    const weak = await cutover(['rollback', '--app', 'housing'], as('ci'));
    expect([weak.code, weak.stderr]).toEqual([2, expect.stringMatching(/^FORBIDDEN: /)]);
  });
});
