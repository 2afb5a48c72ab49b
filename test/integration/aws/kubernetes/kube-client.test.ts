import { request } from 'undici';
import { KubeClient } from '../../../../src/providers/aws/kubernetes/kube-client';
import {
  KubeApiError,
  KubeConflictError,
  KubeForbiddenError,
  KubeInvalidError,
  KubeNotFoundError,
  KubeRequestError,
  KubeUnauthorizedError,
} from '../../../../src/providers/aws/kubernetes/kube-errors';
import { startHttpServer, type TestHttpServer } from '../../../support/http-server';
import { lines, startKubeHarness, TOKEN, type KubeHarness } from './support/kube-harness';

jest.setTimeout(10_000);

const NS = '/api/v1/namespaces/team-a';
const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } };

describe('KubeClient against the fake API server', () => {
  let h: KubeHarness;
  beforeAll(async () => (h = await startKubeHarness()));
  afterAll(() => h.close());
  beforeEach(() => h.takeRequests());

  it('reads discovery with the bearer token', async () => {
    await expect(h.client.get('/api')).resolves.toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
    await expect(h.client.get('/apis')).resolves.toMatchObject({ kind: 'APIGroupList' });
  });

  it('applies with PATCH, the apply content type, fieldManager=cutover and force=true, and a JSON body', async () => {
    const applied = await h.client.apply<{ metadata: { generation: number } }>(NS, namespace);
    expect(applied.metadata.generation).toBe(1);
    expect(h.takeRequests()).toEqual([
      {
        method: 'PATCH',
        path: NS,
        query: { fieldManager: 'cutover', force: 'true' },
        contentType: 'application/apply-patch+yaml',
        body: namespace,
      },
    ]);
  });

  it('find answers undefined for 404 and the object otherwise', async () => {
    await expect(h.client.find('/api/v1/namespaces/nobody')).resolves.toBeUndefined();
    await expect(h.client.find(NS)).resolves.toMatchObject({ metadata: { name: 'team-a' } });
  });

  it.each([
    [401, 'Unauthorized', KubeUnauthorizedError],
    [403, 'Forbidden', KubeForbiddenError],
    [404, 'NotFound', KubeNotFoundError],
    [409, 'Conflict', KubeConflictError],
    [422, 'Invalid', KubeInvalidError],
    [500, 'InternalError', KubeApiError],
  ])('turns %d into a typed error carrying the Status message', async (code, reason, type) => {
    h.fake.failNext({ path: /team-a$/ }, { code, reason, message: `the ${reason} story` });
    const err = await h.client.get(NS).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(type);
    expect(err).toMatchObject({ statusCode: code, reason, apiMessage: `the ${reason} story` });
    expect((err as Error).message).toBe(`GET ${NS} answered ${code} ${reason}: the ${reason} story`);
  });

  it('is refused with 401 for a wrong token, and the token is in no error', async () => {
    const stranger = new KubeClient({ server: h.fake.url, token: async () => 'stolen-or-expired' });
    try {
      const err = await stranger.get('/api').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(KubeUnauthorizedError);
      expect((err as Error).message).not.toContain('stolen-or-expired');
    } finally {
      await stranger.close();
    }
  });

  it('the fake refuses apply without the apply content type (415) or without a field manager (422)', async () => {
    const fresh = { ...namespace, metadata: { name: 'team-b' } };
    const patch = (contentType: string, query = '?fieldManager=x') =>
      request(`${h.fake.url}/api/v1/namespaces/team-b${query}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': contentType },
        body: JSON.stringify(fresh),
      }).then(async (res) => ({ status: res.statusCode, body: (await res.body.json()) as { reason: string } }));
    await expect(patch('application/merge-patch+json')).resolves.toMatchObject({
      status: 415,
      body: { reason: 'UnsupportedMediaType' },
    });
    await expect(patch('application/json')).resolves.toMatchObject({ status: 415 });
    await expect(patch('application/apply-patch+yaml', '')).resolves.toMatchObject({ status: 422 });
    await expect(patch('application/apply-patch+yaml')).resolves.toMatchObject({ status: 201 });
  });

  it('records the exact requests it was sent', async () => {
    await h.client.get(NS);
    await h.client.delete(NS, { propagationPolicy: 'Foreground' });
    expect(lines(h.fake.requests)).toEqual([`GET ${NS}`, `DELETE ${NS}`]);
    expect(h.fake.requests[1].query).toEqual({ propagationPolicy: 'Foreground' });
  });
});

describe('KubeClient when the server misbehaves', () => {
  let server: TestHttpServer;
  afterEach(() => server.close());

  it('gives up after its timeout with a KubeRequestError', async () => {
    server = await startHttpServer(() => undefined); // accepts, never answers
    const client = new KubeClient({ server: server.url, token: async () => TOKEN, timeoutMs: 300 });
    const started = Date.now();
    try {
      const err = await client.get('/api').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(KubeRequestError);
      expect((err as Error).message).toBe('GET /api: no answer within 300 ms');
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      await client.close();
    }
  });

  it('quotes a non-Status error body (a proxy answering) and refuses an oversized answer', async () => {
    server = await startHttpServer((req, res) => {
      if (req.url === '/big') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ data: 'x'.repeat(4096) }));
        return;
      }
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end('upstream connect error');
    });
    const client = new KubeClient({ server: server.url, token: async () => TOKEN, maxResponseBytes: 1024 });
    try {
      await expect(client.get('/api')).rejects.toThrow('GET /api answered 502 Bad Gateway: upstream connect error');
      await expect(client.get('/big')).rejects.toThrow('GET /big: the answer is larger than 1024 bytes');
    } finally {
      await client.close();
    }
  });

  it('refuses to send a token over plain http anywhere but loopback', () => {
    const token = async () => TOKEN;
    expect(() => new KubeClient({ server: 'http://10.0.0.1:8080', token })).toThrow(
      'Kubernetes API server "http://10.0.0.1:8080" must be https (plain http only on loopback)',
    );
    expect(() => new KubeClient({ server: 'not a url', token })).toThrow(/is not a URL/);
  });

  it('says the server is unreachable', async () => {
    server = await startHttpServer(() => undefined);
    const url = server.url;
    await server.close();
    const client = new KubeClient({ server: url, token: async () => TOKEN, timeoutMs: 1_000 });
    try {
      await expect(client.get('/api')).rejects.toThrow(/^GET \/api: connect ECONNREFUSED/);
    } finally {
      await client.close();
    }
  });
});
