import { statSync } from 'node:fs';
import { join } from 'node:path';
import { startController, type ControllerUnderTest } from '../../support/controller-process';
import {
  bearer,
  edgeAdminToken,
  expectApiError,
  expectNoSecretWritten,
  json,
  readSse,
  ROLES,
  send,
  type Role,
} from './api-client';

/** A token of the right shape that the controller never issued. */
const FORGED = 'cut_operator_' + 'Zq9'.repeat(11);

interface Route {
  method: 'GET' | 'POST';
  path: (v1: string) => string;
  needs: Role;
  body?: unknown;
  /** What a caller with enough rights gets: an exact answer, chosen so nothing changes. */
  allowed: { status: number; code?: string };
}

// v1 (the bootstrap deployment) has finished: writes on it are refused for domain reasons, which
// proves the caller got past authentication and authorisation without changing anything.
const ROUTES: Route[] = [
  { method: 'GET', path: () => '/v1/apps', needs: 'viewer', allowed: { status: 200 } },
  { method: 'GET', path: () => '/v1/apps/housing', needs: 'viewer', allowed: { status: 200 } },
  {
    method: 'POST',
    path: () => '/v1/apps/housing/deployments',
    needs: 'ci',
    body: { release: 'v1', artifact: 'predictor/models/housing-v1.json' },
    allowed: { status: 409, code: 'INVALID_TRANSITION' },
  },
  { method: 'GET', path: () => '/v1/apps/housing/deployments', needs: 'viewer', allowed: { status: 200 } },
  { method: 'GET', path: (v1) => `/v1/deployments/${v1}`, needs: 'viewer', allowed: { status: 200 } },
  { method: 'GET', path: (v1) => `/v1/deployments/${v1}/events`, needs: 'viewer', allowed: { status: 200 } },
  { method: 'POST', path: (v1) => `/v1/deployments/${v1}/steps/provision`, needs: 'ci', allowed: { status: 200 } },
  {
    method: 'POST',
    path: (v1) => `/v1/deployments/${v1}/promote`,
    needs: 'operator',
    allowed: { status: 409, code: 'INVALID_TRANSITION' },
  },
  {
    method: 'POST',
    path: (v1) => `/v1/deployments/${v1}/abort`,
    needs: 'operator',
    allowed: { status: 409, code: 'INVALID_TRANSITION' },
  },
  {
    method: 'POST',
    path: () => '/v1/apps/housing/rollback',
    needs: 'operator',
    body: {},
    allowed: { status: 409, code: 'NO_PREVIOUS_RELEASE' },
  },
];

const BAD_AUTHORIZATION: [string, Record<string, string>][] = [
  ['no Authorization header', {}],
  ['"Bearer" alone', { authorization: 'Bearer' }],
  ['"Bearer " and nothing', { authorization: 'Bearer ' }],
  ['a Basic credential', { authorization: 'Basic x' }],
  ['"Bearer a b"', { authorization: 'Bearer a b' }],
  ['a 4 KB bearer token', { authorization: `Bearer ${'a'.repeat(4096)}` }],
  ['a token the controller never issued', { authorization: `Bearer ${FORGED}` }],
];

const rank = (role: Role) => ROLES.indexOf(role);

describe('who may call what: every route of the API', () => {
  let c: ControllerUnderTest;
  let v1: string;

  beforeAll(async () => {
    c = await startController();
    v1 = (await c.call('GET', '/v1/apps/housing/deployments', undefined, 'viewer')).body.items[0].id;
  }, 60_000);
  afterAll(() => c?.destroy(), 60_000);

  const call = (route: Route, headers: Record<string, string>) => {
    const body = route.body === undefined ? undefined : JSON.stringify(route.body);
    return send(c, route.method, route.path(v1), {
      headers: { ...headers, ...(body === undefined ? {} : json) },
      body,
    });
  };

  describe.each(ROUTES.map((r) => [`${r.method} ${r.path(':id')}`, r] as const))('%s', (_name, route) => {
    it.each(BAD_AUTHORIZATION)('answers 401 UNAUTHENTICATED to %s', async (_what, headers) => {
      expectApiError(await call(route, headers), 401, 'UNAUTHENTICATED');
    });

    it.each(ROLES.map((role) => [role]))(
      `with a %s token: ${route.needs} or above is let through, below is 403 FORBIDDEN`,
      async (role) => {
        const res = await call(route, bearer(c.tokens[role]));
        if (rank(role) < rank(route.needs)) {
          expectApiError(res, 403, 'FORBIDDEN');
          expect(res.body.error.details).toEqual({ needs: route.needs, has: role });
          return;
        }
        expect([res.status, res.body?.error?.code]).toEqual([route.allowed.status, route.allowed.code]);
        if (route.allowed.code) expectApiError(res, route.allowed.status, route.allowed.code);
      },
    );
  });

  it('a route whose answer would name something unknown still asks for a token first', async () => {
    expectApiError(await send(c, 'GET', '/v1/apps/nope'), 401, 'UNAUTHENTICATED');
    expectApiError(await send(c, 'GET', '/v1/deployments/nope'), 401, 'UNAUTHENTICATED');
    expectApiError(
      await send(c, 'POST', '/v1/apps/housing/deployments', { headers: json, body: '{"not":"valid"}' }),
      401,
      'UNAUTHENTICATED',
    );
    expectApiError(
      await send(c, 'POST', '/v1/apps/housing/deployments', {
        headers: { ...bearer(c.tokens.viewer), ...json },
        body: '{"x":1}',
      }),
      403,
      'FORBIDDEN',
    );
  });

  it('a token is matched whole and case-sensitively: a prefix, an extension or another case is refused', async () => {
    const token = c.tokens.viewer;
    for (const variant of [token.slice(0, -1), `${token}x`, token.toUpperCase(), `${c.tokens.ci}${token}`]) {
      expectApiError(await send(c, 'GET', '/v1/apps', { headers: bearer(variant) }), 401, 'UNAUTHENTICATED');
    }
  });

  it('headers too large for the server are refused in the same error shape', async () => {
    const res = await send(c, 'GET', '/v1/apps', { headers: { authorization: `Bearer ${'a'.repeat(20_000)}` } });
    expectApiError(res, 431, 'REQUEST_HEADERS_TOO_LARGE');
    expect(res.contentType).toMatch(/^application\/json/);
  });

  it('the events stream of the finished v1 deployment answers a viewer and ends by itself', async () => {
    const stream = await readSse(c, `/v1/deployments/${v1}/events`, bearer(c.tokens.viewer), 10_000);
    expect(stream.status).toBe(200);
    expect(stream.events.at(-1)).toMatchObject({ event: 'finished', data: { phase: 'Succeeded' } });
  });

  it.each([
    ['/healthz', { status: 'ok' }],
    ['/readyz', { status: 'ready' }],
  ])('%s needs no token, and ignores a bad one', async (path, answer) => {
    for (const headers of [{}, { authorization: `Bearer ${FORGED}` }, { authorization: 'Basic x' }] as Record<
      string,
      string
    >[]) {
      const res = await send(c, 'GET', path, { headers });
      expect([res.status, res.body]).toEqual([200, answer]);
    }
  });

  it('/metrics needs no token, and ignores a bad one', async () => {
    for (const headers of [{}, { authorization: `Bearer ${FORGED}` }] as Record<string, string>[]) {
      const res = await send(c, 'GET', '/metrics', { headers });
      expect(res.status).toBe(200);
      expect(res.contentType).toMatch(/^text\/plain/);
      expect(res.text).toContain('# TYPE cutover_deployments_total counter');
    }
  });

  describe('OpenAPI at /docs', () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- an OpenAPI document, read loosely
    let doc: any;
    beforeAll(async () => {
      const res = await send(c, 'GET', '/docs/openapi.json');
      expect([res.status, res.contentType]).toEqual([200, expect.stringMatching(/^application\/json/)]);
      doc = res.body;
    });

    it('lists every /v1 route with its method, and each needs a bearer token', () => {
      const documented = Object.entries(doc.paths as Record<string, Record<string, { security?: unknown }>>)
        .filter(([path]) => path.startsWith('/v1/'))
        .flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`));
      const expected = ROUTES.map((r) => `${r.method} ${r.path('{id}')}`).map((route) =>
        route.replace('/apps/housing', '/apps/{app}').replace('/steps/provision', '/steps/{step}'),
      );
      expect(expected).toHaveLength(10);
      expect(documented.sort()).toEqual(expect.arrayContaining(expected));
      for (const route of expected) {
        const [method, path] = route.split(' ');
        expect({ route, security: doc.paths[path][method.toLowerCase()].security }).toEqual({
          route,
          security: [{ bearer: [] }],
        });
      }
      expect(Object.keys(doc.paths)).not.toEqual(expect.arrayContaining(['/healthz']));
    });

    it('documents the request body of POST /v1/apps/{app}/deployments', () => {
      const op = doc.paths['/v1/apps/{app}/deployments'].post;
      let schema = op.requestBody.content['application/json'].schema;
      if (schema.$ref) schema = doc.components.schemas[String(schema.$ref).replace('#/components/schemas/', '')];
      expect(Object.keys(schema.properties)).toEqual(
        expect.arrayContaining(['release', 'artifact', 'commit', 'autoPromote', 'supersede', 'stepwise']),
      );
      expect(schema.required).toEqual(expect.arrayContaining(['release', 'artifact']));
      expect(schema.properties.release).toMatchObject({ type: 'string', maxLength: 40 });
      expect(schema.properties.autoPromote.type).toBe('boolean');
      expect(doc.paths['/v1/deployments/{id}/steps/{step}'].post.parameters).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            name: 'step',
            schema: expect.objectContaining({ enum: ['provision', 'deploy', 'smoke-test', 'promote', 'cleanup'] }),
          }),
        ]),
      );
    });

    it('GET /docs answers the HTML page, without a token', async () => {
      const res = await send(c, 'GET', '/docs');
      expect([res.status, res.contentType]).toEqual([200, expect.stringMatching(/^text\/html/)]);
      expect(res.text).toMatch(/<html/i);
    });
  });

  it('the generated tokens file is readable by its owner only, and holds one distinct token per role', () => {
    const mode = statSync(join(c.stateDir, 'tokens.json')).mode & 0o777;
    expect(mode.toString(8)).toBe('600');
    const tokens = ROLES.map((r) => c.tokens[r]);
    expect(new Set(tokens).size).toBe(3);
    for (const t of tokens) expect(t.length).toBeGreaterThanOrEqual(32);
  });

  // Last: the controller is stopped, so its shutdown logging is looked at too.
  it('no token, nor a forged one, nor the edge admin token, appears in the controller output or anywhere under its state dir', async () => {
    const adminToken = edgeAdminToken(c);
    expect(adminToken.length).toBeGreaterThanOrEqual(32);
    await c.proc.stop({ signal: 'SIGINT', timeoutMs: 30_000 });
    expectNoSecretWritten(c, [...ROLES.map((r) => c.tokens[r]), FORGED, adminToken]);
  }, 40_000);
});
