import { startController, type ApiAnswer, type ControllerUnderTest } from '../../support/controller-process';
import { waitFor } from '../../support/wait';
import {
  bearer,
  edgeAdminToken,
  expectApiError,
  expectNoSecretWritten,
  find,
  readSse,
  ROLES,
  scrape,
  type Sample,
  type SseEvent,
} from './api-client';

const V2 = 'predictor/models/housing-v2.json';
const STEPS = ['provision', 'deploy', 'smoke-test', 'promote', 'verify'];

type Body = ApiAnswer['body'];

async function deployment(c: ControllerUnderTest, id: string): Promise<Body> {
  const res = await c.call('GET', `/v1/deployments/${id}`, undefined, 'viewer');
  expect(res.status).toBe(200);
  return res.body;
}

async function finished(c: ControllerUnderTest, id: string, timeoutMs = 60_000): Promise<Body> {
  return waitFor(
    async () => {
      const d = await deployment(c, id);
      return d.finished ? d : undefined;
    },
    { timeoutMs, intervalMs: 200, what: `deployment ${id} to finish` },
  );
}

const value = (samples: Sample[], name: string, labels: Record<string, string>) =>
  find(samples, name, labels).reduce((sum, s) => sum + s.value, 0);

describe('deployments over HTTP: create, steps, history, events and metrics', () => {
  let c: ControllerUnderTest;
  let v1: string;
  let stepwise: string;
  let v2: string;
  let stream: SseEvent[];

  beforeAll(async () => {
    c = await startController();
    v1 = (await c.call('GET', '/v1/apps/housing/deployments', undefined, 'viewer')).body.items[0].id;
  }, 60_000);
  afterAll(() => c?.destroy(), 60_000);

  it('create is 201, the same release again 200 with the same id, another release 409 naming the one in flight', async () => {
    const body = { release: 'v2', artifact: V2, stepwise: true, commit: 'abc1234' };
    const created = await c.call('POST', '/v1/apps/housing/deployments', body, 'ci');
    expect([created.status, created.body.error]).toEqual([201, undefined]);
    expect(created.body).toMatchObject({
      app: 'housing',
      release: 'v2',
      artifact: V2,
      phase: 'Pending',
      finished: false,
      blue: { release: 'v1' },
      trigger: { source: 'ci', actor: 'local-ci', commit: 'abc1234' },
    });
    stepwise = created.body.id;

    const again = await c.call('POST', '/v1/apps/housing/deployments', body, 'ci');
    expect([again.status, again.body.id]).toEqual([200, stepwise]);

    const other = await c.call('POST', '/v1/apps/housing/deployments', { release: 'v3', artifact: V2 }, 'ci');
    expectApiError(other, 409, 'DEPLOYMENT_IN_FLIGHT');
    expect(other.body.error.details).toEqual({ app: 'housing', inFlight: { id: stepwise, release: 'v2' } });
    expect(other.body.error.message).toContain(stepwise);

    const app = await c.call('GET', '/v1/apps/housing', undefined, 'viewer');
    expect(app.body.inFlight).toMatchObject({ id: stepwise, release: 'v2' });
  });

  it('a stepwise deployment runs only the steps asked for, in order; a step already done is 200 alreadyDone', async () => {
    const early = await c.call('POST', `/v1/deployments/${stepwise}/steps/deploy`, undefined, 'ci');
    expectApiError(early, 409, 'STEP_OUT_OF_ORDER');
    expect(early.body.error.details).toEqual({ step: 'deploy', mustComeFirst: 'provision' });
    expect(early.body.error.message).toContain('provision');

    const provision = await c.call('POST', `/v1/deployments/${stepwise}/steps/provision`, undefined, 'ci');
    expect([provision.status, provision.body.step, provision.body.alreadyDone]).toEqual([202, 'provision', false]);

    await waitFor(async () => (await deployment(c, stepwise)).checkpoints.profileReady !== undefined, {
      timeoutMs: 20_000,
      intervalMs: 100,
      what: 'provision to complete',
    });
    const again = await c.call('POST', `/v1/deployments/${stepwise}/steps/provision`, undefined, 'ci');
    expect([again.status, again.body.step, again.body.alreadyDone]).toEqual([200, 'provision', true]);

    // Not allowed past provision: it does not deploy on its own.
    const now = await deployment(c, stepwise);
    expect(now.checkpoints.workloadReady).toBeUndefined();
    expect(now.steps.map((s: { step: string }) => s.step)).not.toContain('deploy');

    const aborted = await c.call('POST', `/v1/deployments/${stepwise}/abort`, undefined, 'operator');
    expect(aborted.status).toBe(202);
    const done = await finished(c, stepwise, 30_000);
    expect(done).toMatchObject({ phase: 'Aborted', outcome: { by: 'local-operator' } });
    const app = await c.call('GET', '/v1/apps/housing', undefined, 'viewer');
    expect(app.body).toMatchObject({ active: { release: 'v1' }, inFlight: null });
  }, 60_000);

  it('streams a deployment as server-sent events, from creation until it has finished', async () => {
    const before = await scrape(c);
    const created = await c.call(
      'POST',
      '/v1/apps/housing/deployments',
      { release: 'v2', artifact: V2, autoPromote: true },
      'ci',
    );
    expect(created.status).toBe(201);
    v2 = created.body.id;

    const res = await readSse(c, `/v1/deployments/${v2}/events`, bearer(c.tokens.viewer), 60_000);
    expect([res.status, res.contentType]).toEqual([200, expect.stringMatching(/^text\/event-stream/)]);
    stream = res.events;

    const ids = stream.map((e) => e.id);
    expect(ids.every((id) => Number.isSafeInteger(id))).toBe(true);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
    expect(stream.every((e) => e.data.deploymentId === v2)).toBe(true);
    expect(stream[0]).toMatchObject({ event: 'created', data: { release: 'v2', blue: 'v1' } });

    const seen = (type: string) => stream.filter((e) => e.event === type).map((e) => e.data.step as string);
    for (const step of STEPS) {
      expect({ step, started: seen('step.started').includes(step) }).toEqual({ step, started: true });
      expect({ step, finished: seen('step.finished').includes(step) }).toEqual({ step, finished: true });
    }
    // Each step starts before it finishes, and in the order of a deployment.
    const firstStart = (step: string) => stream.findIndex((e) => e.event === 'step.started' && e.data.step === step);
    expect(STEPS.map(firstStart)).toEqual([...STEPS.map(firstStart)].sort((a, b) => a - b));
    const last = stream[stream.length - 1];
    expect(last).toMatchObject({ event: 'finished', data: { phase: 'Succeeded' } });
    expect(stream.filter((e) => e.event === 'finished')).toHaveLength(1);

    const d = await deployment(c, v2);
    expect([d.phase, d.finished]).toEqual(['Succeeded', true]);

    // The metrics moved by exactly this deployment.
    const after = await scrape(c);
    const delta = (name: string, labels: Record<string, string>) =>
      value(after, name, labels) - value(before, name, labels);
    expect(delta('cutover_deployments_total', { app: 'housing', phase: 'Succeeded' })).toBe(1);
    expect(delta('cutover_edge_flips_total', { app: 'housing', direction: 'to-green' })).toBe(1);
  }, 90_000);

  it('resumes the stream after Last-Event-ID (or ?after=) with only the later events', async () => {
    const middle = stream[Math.floor(stream.length / 2)];
    const later = stream.filter((e) => e.id > middle.id);
    expect(later.length).toBeGreaterThan(0);

    const resumed = await readSse(
      c,
      `/v1/deployments/${v2}/events`,
      { ...bearer(c.tokens.viewer), 'last-event-id': String(middle.id) },
      15_000,
    );
    expect(resumed.status).toBe(200);
    expect(resumed.events).toEqual(later);

    const viaQuery = await readSse(
      c,
      `/v1/deployments/${v2}/events?after=${middle.id}`,
      bearer(c.tokens.viewer),
      15_000,
    );
    expect(viaQuery.events).toEqual(later);

    const atEnd = await readSse(
      c,
      `/v1/deployments/${v2}/events`,
      { ...bearer(c.tokens.viewer), 'last-event-id': String(stream[stream.length - 1].id) },
      15_000,
    );
    expect([atEnd.status, atEnd.events]).toEqual([200, []]);
  }, 60_000);

  it('/metrics after the deployment: outcomes, step durations, flips and the active release', async () => {
    const samples = await scrape(c);
    expect(value(samples, 'cutover_deployments_total', { app: 'housing', phase: 'Succeeded' })).toBe(2);
    expect(value(samples, 'cutover_deployments_total', { app: 'housing', phase: 'Aborted' })).toBe(1);
    for (const step of STEPS) {
      const buckets = find(samples, 'cutover_step_duration_seconds_bucket', { step });
      expect({ step, buckets: buckets.length > 1 }).toEqual({ step, buckets: true });
      expect(find(buckets, 'cutover_step_duration_seconds_bucket', { le: '+Inf' }).length).toBeGreaterThan(0);
      expect(value(samples, 'cutover_step_duration_seconds_count', { step })).toBeGreaterThan(0);
    }
    expect(value(samples, 'cutover_edge_flips_total', { app: 'housing', direction: 'to-green' })).toBe(2);
    expect(find(samples, 'cutover_active_release', { app: 'housing' })).toEqual([
      { name: 'cutover_active_release', labels: { app: 'housing', release: 'v2' }, value: 1 },
    ]);
  });

  it('history pages newest first with nextCursor, and the pages add up to the whole history', async () => {
    const all = await c.call('GET', '/v1/apps/housing/deployments?limit=100', undefined, 'viewer');
    expect(all.body.nextCursor).toBeNull();
    expect(all.body.items.map((d: Body) => [d.id, d.phase])).toEqual([
      [v2, 'Succeeded'],
      [stepwise, 'Aborted'],
      [v1, 'Succeeded'],
    ]);
    const created = all.body.items.map((d: Body) => d.createdAt as string);
    expect(created).toEqual([...created].sort().reverse());

    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `limit=2&cursor=${encodeURIComponent(cursor)}` : 'limit=2';
      const page: ApiAnswer = await c.call('GET', `/v1/apps/housing/deployments?${query}`, undefined, 'viewer');
      expect(page.status).toBe(200);
      pages.push(page.body.items.map((d: Body) => d.id));
      cursor = page.body.nextCursor;
    } while (cursor && pages.length < 5);
    expect(pages).toEqual([[v2, stepwise], [v1]]);

    const one = await c.call('GET', '/v1/apps/housing/deployments?limit=1', undefined, 'viewer');
    expect([one.body.items.length, typeof one.body.nextCursor]).toEqual([1, 'string']);
  });

  // Last: the controller is stopped, so its shutdown logging is looked at too.
  it('no token, nor the edge admin token, appears in the controller output or anywhere under its state dir', async () => {
    const adminToken = edgeAdminToken(c);
    await c.proc.stop({ signal: 'SIGINT', timeoutMs: 30_000 });
    expectNoSecretWritten(c, [...ROLES.map((r) => c.tokens[r]), adminToken]);
  }, 40_000);
});
