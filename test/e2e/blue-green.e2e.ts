import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MODELS_DIR } from '../../predictor/src/project-paths';
import { LoadGenerator, type LoadReport } from '../../scripts/support/load';
import { startController, type ControllerUnderTest } from '../support/controller-process';
import { waitFor } from '../support/wait';

const ROW =
  '{"CHAS":{"0":0},"RM":{"0":6.575},"TAX":{"0":296.0},"PTRATIO":{"0":15.3},"B":{"0":396.9},"LSTAT":{"0":4.98}}';

async function finished(c: ControllerUnderTest, id: string, timeoutMs = 60_000) {
  return waitFor(
    async () => {
      const { body } = await c.call('GET', `/v1/deployments/${id}`, undefined, 'viewer');
      return body.finished ? body : undefined;
    },
    { timeoutMs, intervalMs: 200, what: `deployment ${id} to finish` },
  );
}

async function phase(c: ControllerUnderTest, id: string, wanted: string, timeoutMs = 60_000) {
  return waitFor(
    async () => {
      const { body } = await c.call('GET', `/v1/deployments/${id}`, undefined, 'viewer');
      return body.phase === wanted ? body : undefined;
    },
    { timeoutMs, intervalMs: 100, what: `deployment ${id} to reach ${wanted}` },
  );
}

async function servedRelease(c: ControllerUnderTest): Promise<string | undefined> {
  const res = await fetch(`${c.edge}/version`);
  return ((await res.json()) as { release?: string }).release;
}

function report(name: string, r: LoadReport): void {
  process.stdout.write(
    `[e2e] ${name}: ${r.sent} requests through the edge, ${r.failed} failed, answered by ${JSON.stringify(r.byRelease)}\n`,
  );
}

describe('blue-green on the local provider, with live traffic through the edge', () => {
  let c: ControllerUnderTest;
  beforeAll(async () => {
    c = await startController();
  }, 60_000);
  afterAll(() => c?.destroy(), 60_000);

  it('deployed housing v1 at first start and said where the API, docs, edge and tokens are', async () => {
    expect(await servedRelease(c)).toBe('v1');
    const banner = c.proc.output();
    expect(banner).toContain(`API      ${c.api}/v1   (OpenAPI: ${c.api}/docs)`);
    expect(banner).toContain(`edge     ${c.edge}   app housing`);
    expect(banner).toContain(`tokens   ${c.stateDir}/tokens.json  (generated now, readable only by you)`);
    expect((await fetch(`${c.api}/docs`)).status).toBe(200);
  });

  it('deploys v2 with autoPromote and rolls back to v1, without one failed request', async () => {
    expect(await servedRelease(c)).toBe('v1');
    const load = new LoadGenerator({ url: c.edge, body: ROW, concurrency: 8, maxSeconds: 90 }).start();
    await waitFor(() => load.snapshot().sent > 200, { timeoutMs: 10_000, what: 'traffic to flow' });

    const created = await c.call(
      'POST',
      '/v1/apps/housing/deployments',
      { release: 'v2', artifact: 'predictor/models/housing-v2.json', autoPromote: true },
      'ci',
    );
    expect(created.status).toBe(201);
    const v2 = await finished(c, created.body.id);
    expect(v2.phase).toBe('Succeeded');
    expect(await servedRelease(c)).toBe('v2');
    const afterDeploy = load.snapshot();
    report('deploy v2', afterDeploy);
    expect(afterDeploy.failed).toBe(0);

    const rollback = await c.call('POST', '/v1/apps/housing/rollback', {});
    expect(rollback.status).toBe(202);
    expect(rollback.body).toMatchObject({ kind: 'rollback', release: 'v1', created: true });
    const back = await finished(c, rollback.body.id);
    expect(back.phase).toBe('Succeeded');
    expect(await servedRelease(c)).toBe('v1');
    await waitFor(() => load.snapshot().sent > afterDeploy.sent + 200, {
      timeoutMs: 10_000,
      what: 'traffic after the rollback',
    });

    const total = await load.stop();
    report('deploy v2 then roll back', total);
    expect(total.failures).toEqual([]);
    expect(total.failed).toBe(0);
    expect(total.byRelease.v1).toBeGreaterThan(0);
    expect(total.byRelease.v2).toBeGreaterThan(0);
    const app = await c.call('GET', '/v1/apps/housing', undefined, 'viewer');
    expect(app.body).toMatchObject({ active: { release: 'v1' }, previous: { release: 'v2' }, inFlight: null });
  }, 180_000);
});

describe('operator paths and a broken release, on the local provider', () => {
  let c: ControllerUnderTest;
  let modelsDir: string;
  beforeAll(async () => {
    c = await startController({ CUTOVER_SCALE_DOWN_DELAY_SECONDS: '60' });
    // A folder of test-only artifacts, allowed next to the shipped models.
    modelsDir = join(c.stateDir, '..', 'models');
    mkdirSync(modelsDir, { recursive: true });
    const v2 = readFileSync(join(MODELS_DIR, 'housing-v2.json'));
    writeFileSync(join(modelsDir, 'corrupt.json'), v2.subarray(0, v2.length / 2));
    c.env.CUTOVER_ARTIFACT_DIRS = `predictor/models,${modelsDir}`;
    await c.restart();
  }, 60_000);
  afterAll(() => c?.destroy(), 60_000);

  it('a green whose artifact is corrupt fails in Deploying and is torn down; blue keeps serving', async () => {
    const created = await c.call(
      'POST',
      '/v1/apps/housing/deployments',
      { release: 'bad', artifact: join(modelsDir, 'corrupt.json'), autoPromote: true },
      'ci',
    );
    expect([created.status, created.body.error]).toEqual([201, undefined]);
    const done = await finished(c, created.body.id);
    expect(done).toMatchObject({
      phase: 'Failed',
      outcome: { step: 'deploy', reason: expect.stringMatching(/not valid JSON/) },
    });
    expect(done.checkpoints.greenRetired).toBeDefined();
    expect(await servedRelease(c)).toBe('v1');
  }, 90_000);

  it('a deployment waiting for promotion is promoted by an operator call', async () => {
    const created = await c.call(
      'POST',
      '/v1/apps/housing/deployments',
      { release: 'v2', artifact: 'predictor/models/housing-v2.json' },
      'ci',
    );
    await phase(c, created.body.id, 'AwaitingPromotion');
    expect(await servedRelease(c)).toBe('v1');
    const forbidden = await c.call('POST', `/v1/deployments/${created.body.id}/promote`, undefined, 'ci');
    expect(forbidden.status).toBe(403);
    const promoted = await c.call('POST', `/v1/deployments/${created.body.id}/promote`, undefined, 'operator');
    expect(promoted.status).toBe(202);
    await phase(c, created.body.id, 'ScalingDownBlue');
    expect(await servedRelease(c)).toBe('v2');
  }, 90_000);

  it('rollback during the scale-down delay flips back to the still-running blue in one call', async () => {
    const rollback = await c.call('POST', '/v1/apps/housing/rollback', {});
    expect(rollback.body).toMatchObject({ release: 'v2', created: false });
    const done = await finished(c, rollback.body.id);
    expect(done).toMatchObject({ phase: 'RolledBack', outcome: { by: 'local-operator' } });
    expect(await servedRelease(c)).toBe('v1');
    const steps = done.steps.map((s: { step: string }) => s.step);
    // After the outcome: the edge went back to blue, then green was torn down; blue was never redeployed.
    expect(steps.indexOf('restore-edge')).toBeGreaterThan(steps.lastIndexOf('verify'));
    expect(steps[steps.length - 1]).toBe('retire-green');
  }, 90_000);

  it('abort leaves blue serving and no green process', async () => {
    const created = await c.call(
      'POST',
      '/v1/apps/housing/deployments',
      { release: 'v3', artifact: 'predictor/models/housing-v2.json' },
      'ci',
    );
    const waiting = await phase(c, created.body.id, 'AwaitingPromotion');
    const green = waiting.greenEndpoint as string;
    expect((await fetch(`${green}/healthz`)).status).toBe(200);
    const aborted = await c.call('POST', `/v1/deployments/${created.body.id}/abort`);
    expect(aborted.status).toBe(202);
    const done = await finished(c, created.body.id);
    expect(done.phase).toBe('Aborted');
    expect(await servedRelease(c)).toBe('v1');
    await expect(fetch(`${green}/healthz`)).rejects.toThrow();
  }, 90_000);
});
