import { LoadGenerator } from '../../scripts/support/load';
import { startController, type ControllerUnderTest } from '../support/controller-process';
import { waitFor } from '../support/wait';

const ROW =
  '{"CHAS":{"0":0},"RM":{"0":6.575},"TAX":{"0":296.0},"PTRATIO":{"0":15.3},"B":{"0":396.9},"LSTAT":{"0":4.98}}';

describe('a controller killed in the middle of a deployment', () => {
  let c: ControllerUnderTest;
  beforeAll(async () => {
    c = await startController();
  }, 60_000);
  afterAll(() => c?.destroy(), 60_000);

  it('keeps user traffic flowing, re-adopts green, and resumes the deployment after a restart', async () => {
    const load = new LoadGenerator({ url: c.edge, body: ROW, concurrency: 4, maxSeconds: 90 }).start();
    const created = await c.call(
      'POST',
      '/v1/apps/housing/deployments',
      { release: 'v2', artifact: 'predictor/models/housing-v2.json' },
      'ci',
    );
    const waiting = await waitFor(
      async () => {
        const { body } = await c.call('GET', `/v1/deployments/${created.body.id}`, undefined, 'viewer');
        return body.phase === 'AwaitingPromotion' ? body : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 100, what: 'AwaitingPromotion' },
    );

    // SIGKILL: no shutdown hook runs. The edge and both predictors are their own processes.
    await c.proc.stop({ signal: 'SIGKILL' });
    const duringOutage = load.snapshot().sent;
    await waitFor(() => load.snapshot().sent > duringOutage + 200, {
      timeoutMs: 10_000,
      what: 'traffic while the controller is down',
    });
    await c.restart();

    const resumed = await c.call('GET', `/v1/deployments/${created.body.id}`, undefined, 'viewer');
    expect(resumed.body).toMatchObject({ phase: 'AwaitingPromotion', greenEndpoint: waiting.greenEndpoint });
    expect(
      (await fetch(`${waiting.greenEndpoint}/version`).then((r) => r.json())) as { release: string },
    ).toMatchObject({ release: 'v2' });
    expect(c.proc.output()).toMatch(/re-adopted housing-v2/);

    await c.call('POST', `/v1/deployments/${created.body.id}/promote`);
    const done = await waitFor(
      async () => {
        const { body } = await c.call('GET', `/v1/deployments/${created.body.id}`, undefined, 'viewer');
        return body.finished ? body : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 200, what: 'the deployment to finish' },
    );
    expect(done.phase).toBe('Succeeded');
    // Green was never started twice: its first start is the only deploy attempt that spawned.
    expect(done.greenEndpoint).toBe(waiting.greenEndpoint);

    const total = await load.stop();
    process.stdout.write(
      `[e2e] controller SIGKILLed mid-deployment: ${total.sent} requests through the edge, ${total.failed} failed\n`,
    );
    expect(total.failures).toEqual([]);
    expect(total.byRelease.v2).toBeGreaterThan(0);
  }, 180_000);
});
