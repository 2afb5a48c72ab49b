import { startController, type ControllerUnderTest } from '../../support/controller-process';
import { rawRequest, type RawResponse } from '../../support/raw-http';
import { sleep } from '../../support/wait';
import { expectApiError } from './api-client';

const V2 = 'predictor/models/housing-v2.json';
const PER_MINUTE = 30; // one request back every 2 s
const BURST = 5;

describe('rate limiting: a token bucket per caller, 429 with Retry-After', () => {
  let c: ControllerUnderTest;
  let port: number;

  const get = (path: string, headers: [string, string][] = []): Promise<RawResponse> =>
    rawRequest(port, { method: 'GET', target: path, headers, timeoutMs: 10_000 });
  const as = (role: 'viewer' | 'ci' | 'operator'): [string, string] => ['authorization', `Bearer ${c.tokens[role]}`];

  /** Sends until the first 429 (at most 40 requests); answers the 2xx/4xx answers before it and the 429. */
  async function spend(
    send: () => Promise<RawResponse>,
  ): Promise<{ before: RawResponse[]; limited: RawResponse; ms: number }> {
    const started = Date.now();
    const before: RawResponse[] = [];
    for (let i = 0; i < 40; i += 1) {
      const res = await send();
      if (res.status === 429) return { before, limited: res, ms: Date.now() - started };
      before.push(res);
    }
    throw new Error(`no 429 after 40 requests: ${before.map((r) => r.status).join(' ')}`);
  }

  function expectLimited(res: RawResponse): number {
    expectApiError(res, 429, 'RATE_LIMITED');
    const retryAfter = Number(res.headers['retry-after']);
    expect(res.headers['retry-after']).toMatch(/^\d+$/);
    expect(res.body.error.details).toEqual({ retryAfterSeconds: retryAfter });
    // One request comes back every 60/PER_MINUTE seconds, so no caller ever waits longer.
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60 / PER_MINUTE);
    return retryAfter;
  }

  beforeAll(async () => {
    c = await startController({
      CUTOVER_RATE_LIMIT_PER_MINUTE: String(PER_MINUTE),
      CUTOVER_RATE_LIMIT_BURST: String(BURST),
    });
    port = Number(new URL(c.api).port);
  }, 90_000);
  afterAll(() => c?.destroy(), 60_000);

  it('a token gets its burst, then 429 RATE_LIMITED with Retry-After; after waiting that long it gets through again', async () => {
    const { before, limited, ms } = await spend(() => get('/v1/apps', [as('viewer')]));
    expect(before.map((r) => r.status)).toEqual(before.map(() => 200));
    // The burst, plus what refilled while the requests were being sent; never more.
    expect(before.length).toBeGreaterThanOrEqual(BURST);
    expect(before.length).toBeLessThanOrEqual(BURST + Math.floor((ms / 60_000) * PER_MINUTE));
    const retryAfter = expectLimited(limited);
    await sleep(retryAfter * 1_000);
    expect((await get('/v1/apps', [as('viewer')])).status).toBe(200);
  }, 30_000);

  it('each token is its own caller: one spending its burst leaves another untouched', async () => {
    await spend(() => get('/v1/apps', [as('viewer')]));
    expect((await get('/v1/apps', [as('ci')])).status).toBe(200);
  }, 30_000);

  it('without a valid token the client address is the caller, counted before authentication: guessing tokens is throttled too', async () => {
    const { before, limited } = await spend(() => get('/v1/apps'));
    expect(before.length).toBeGreaterThanOrEqual(BURST);
    for (const res of before) expectApiError(res, 401, 'UNAUTHENTICATED');
    expectLimited(limited);
    // A different wrong token, or a spoofed client address, is the same caller.
    expectLimited(await get('/v1/apps', [['authorization', `Bearer cut_operator_${'x'.repeat(32)}`]]));
    expectLimited(await get('/v1/apps', [['x-forwarded-for', '203.0.113.9']]));
    // A valid token from the same address still has its own bucket.
    expect((await get('/v1/apps', [as('ci')])).status).toBe(200);
  }, 30_000);

  it('the platform endpoints are never limited: probes and scrapes keep answering while the address is over its rate', async () => {
    expectLimited((await spend(() => get('/v1/apps'))).limited);
    for (let i = 0; i < 3 * BURST; i += 1) {
      for (const path of ['/healthz', '/readyz', '/metrics'])
        expect([path, (await get(path)).status]).toEqual([path, 200]);
    }
  }, 30_000);

  it('a write refused for its rate does nothing', async () => {
    const { limited } = await spend(() => get('/v1/apps/housing/deployments', [as('ci')]));
    expectLimited(limited);
    const body = JSON.stringify({ release: 'v2', artifact: V2 });
    const create = await rawRequest(port, {
      method: 'POST',
      target: '/v1/apps/housing/deployments',
      headers: [as('ci'), ['content-type', 'application/json']],
      body,
    });
    const retryAfter = expectLimited(create);
    await sleep(retryAfter * 1_000);
    const history = await get('/v1/apps/housing/deployments', [as('ci')]);
    expect(history.status).toBe(200);
    expect(history.body.items.map((d: { release: string }) => d.release)).toEqual(['v1']);
  }, 30_000);
});
