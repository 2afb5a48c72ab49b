import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LoadGenerator } from '../../scripts/support/load';
import { startController, type ControllerUnderTest } from '../support/controller-process';
import { isListening, portOf, processesOf } from '../support/state-dir-processes';
import { makeTempDir, type TempDir } from '../support/temp-dir';
import { sleep, waitFor } from '../support/wait';

// Faults of the processes users depend on, under traffic through the edge: the edge itself
// killed (users lose requests until it is back; how many is reported), and green killed while
// it is being smoke-tested (users must lose nothing: they are still on blue).

const ROW =
  '{"CHAS":{"0":0},"RM":{"0":6.575},"TAX":{"0":296.0},"PTRATIO":{"0":15.3},"B":{"0":396.9},"LSTAT":{"0":4.98}}';
/** The controller's edge sync looks every 2 s; starting the edge takes well under a second more. */
const EDGE_RECOVERY_BOUND_MS = 10_000;

describe('faults under traffic', () => {
  let c: ControllerUnderTest;
  let dir: TempDir;
  beforeAll(async () => {
    dir = await makeTempDir('cutover-faults-');
    // A longer latency gate (1,000 requests instead of 50) keeps green under test long enough
    // for the kill to land inside the smoke test, not before or after it.
    const appsFile = join(dir.path, 'apps.json');
    writeFileSync(appsFile, JSON.stringify({ apps: [{ name: 'housing', smoke: { latency: { requests: 1000 } } }] }));
    c = await startController({ CUTOVER_APPS_FILE: appsFile });
  }, 60_000);
  afterAll(async () => {
    await c?.destroy();
    await dir?.remove();
  }, 60_000);

  it('an edge killed mid-traffic comes back on its persisted origin, started by the controller', async () => {
    const edgeDir = join(c.stateDir, 'edge', 'housing');
    const before = JSON.parse(readFileSync(join(edgeDir, 'state.json'), 'utf8'));
    const [edge] = processesOf(c.stateDir).filter((p) => p.kind === 'edge');
    expect(Number(readFileSync(join(edgeDir, 'edge.pid'), 'utf8'))).toBe(edge.pid);

    const load = new LoadGenerator({ url: c.edge, body: ROW, concurrency: 2, maxSeconds: 60 }).start();
    await waitFor(() => load.snapshot().sent > 200, { timeoutMs: 10_000, what: 'traffic through the edge' });
    const failedBefore = load.snapshot().failed;
    const killedAt = Date.now();
    process.kill(edge.pid, 'SIGKILL');
    // Back when requests through the edge succeed again (the load keeps knocking meanwhile).
    const back = await waitFor(
      async () => {
        const res = await fetch(`${c.edge}/version`).catch(() => undefined);
        return res?.ok ? ((await res.json()) as { release: string }) : undefined;
      },
      { timeoutMs: EDGE_RECOVERY_BOUND_MS, intervalMs: 20, what: 'the edge to answer again' },
    );
    const downMs = Date.now() - killedAt;
    const lostDuringOutage = load.snapshot().failed - failedBefore;

    // Then a stretch of traffic with nothing lost, to show it is really back.
    const settled = load.snapshot();
    await waitFor(() => load.snapshot().sent > settled.sent + 500, { timeoutMs: 20_000, what: 'traffic after' });
    const total = await load.stop();
    process.stdout.write(
      `[e2e] edge SIGKILLed mid-traffic: back after ${(downMs / 1000).toFixed(2)} s (bound ${EDGE_RECOVERY_BOUND_MS / 1000} s), ` +
        `${lostDuringOutage} requests lost while it was down, ${total.sent} sent in all\n`,
    );
    expect(back.release).toBe(before.origin.release);
    expect(total.failed - settled.failed).toBe(0);

    // One edge runs, the one the pid file names, on the origin it had persisted.
    const edges = processesOf(c.stateDir).filter((p) => p.kind === 'edge');
    expect(edges).toHaveLength(1);
    expect(edges[0].pid).not.toBe(edge.pid);
    expect(Number(readFileSync(join(edgeDir, 'edge.pid'), 'utf8'))).toBe(edges[0].pid);
    const after = JSON.parse(readFileSync(join(edgeDir, 'state.json'), 'utf8'));
    expect(after.origin).toEqual(before.origin);
    expect(c.proc.output()).toMatch(/edge for housing (was down|restarted)/);
  }, 90_000);

  it('a green killed mid-smoke-test fails the deployment cleanly while blue keeps serving', async () => {
    const blue = (await c.call('GET', '/v1/apps/housing', undefined, 'viewer')).body.active.release;
    const load = new LoadGenerator({ url: c.edge, body: ROW, concurrency: 2, maxSeconds: 90 }).start();
    const created = await c.call(
      'POST',
      '/v1/apps/housing/deployments',
      { release: 'v2', artifact: 'predictor/models/housing-v2.json', autoPromote: true },
      'ci',
    );
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    await waitFor(
      async () =>
        (await c.call('GET', `/v1/deployments/${id}`, undefined, 'viewer')).body.steps.some(
          (s: { step: string; status: string }) => s.step === 'smoke-test' && s.status === 'running',
        ),
      { timeoutMs: 30_000, intervalMs: 10, what: 'the smoke test to be running' },
    );
    const green = processesOf(c.stateDir).find((p) => p.name === 'housing-v2');
    expect(green).toBeDefined();
    process.kill(green!.pid, 'SIGKILL');
    const killedAt = new Date().toISOString();

    const done = await waitFor(
      async () => {
        const { body } = await c.call('GET', `/v1/deployments/${id}`, undefined, 'viewer');
        return body.finished ? body : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 200, what: 'the deployment to finish' },
    );
    // Let a little traffic through after the end, then count.
    await sleep(500);
    const total = await load.stop();
    const smoke = done.steps.filter((s: { step: string }) => s.step === 'smoke-test');
    process.stdout.write(
      `[e2e] green SIGKILLed mid-smoke-test: ${done.phase} (${done.outcome?.reason ?? 'no reason'}); ` +
        `${total.sent} user requests, ${total.failed} failed\n`,
    );
    // The kill landed while the smoke test ran: its only attempt started before and ended after.
    expect(smoke).toHaveLength(1);
    expect(smoke[0].startedAt < killedAt && smoke[0].endedAt > killedAt).toBe(true);
    expect(done.phase).toBe('Failed');
    expect(done.outcome).toMatchObject({ step: 'smoke-test' });
    expect(done.outcome.reason).toMatch(/ECONNREFUSED|refused|not answer|socket|fetch failed/i);
    expect(done.checkpoints).toMatchObject({ greenRetired: expect.any(String) });
    expect(done.checkpoints.edgeFlipped).toBeUndefined();

    // Users never left blue and lost nothing; green (restarted by the supervisor meanwhile, or not) is gone.
    expect(total.failures).toEqual([]);
    expect(Object.keys(total.byRelease)).toEqual([blue]);
    expect((await c.call('GET', '/v1/apps/housing', undefined, 'viewer')).body.active.release).toBe(blue);
    await waitFor(() => !processesOf(c.stateDir).some((p) => p.name === 'housing-v2'), {
      timeoutMs: 5_000,
      what: 'green to be gone',
    });
    if (done.greenEndpoint) expect(await isListening(portOf(done.greenEndpoint))).toBe(false);
  }, 120_000);
});
