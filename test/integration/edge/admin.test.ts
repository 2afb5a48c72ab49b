import { networkInterfaces } from 'node:os';
import { connect } from 'node:net';
import { join } from 'node:path';
import { spawnNode, ProcessGroup } from '../../support/processes';
import { makeTempDir, type TempDir } from '../../support/temp-dir';
import { withTimeout } from '../../support/wait';
import { ADMIN_TOKEN, EDGE_MAIN, errorBody, startEdgeProcess, TestClient, type EdgeProcess } from './edge-harness';

describe('edge: admin API', () => {
  const procs = new ProcessGroup();
  let dir: TempDir;
  let edge: EdgeProcess;
  let client: TestClient;
  const originUrl = () => `${edge.adminUrl}/admin/origin`;
  const put = (body: string | Buffer, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
    client.send(originUrl(), { method: 'PUT', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...headers }, body });

  beforeAll(async () => {
    dir = await makeTempDir('edge-admin-');
    edge = await startEdgeProcess({ statePath: join(dir.path, 'state.json'), readyOn: 'admin' });
    procs.add(edge.proc);
    client = new TestClient();
  });

  afterAll(async () => {
    await client?.close();
    await procs.stopAll();
    await dir?.remove();
  });

  describe('authentication', () => {
    it('answers 401 without a token', async () => {
      const reply = await client.send(originUrl());
      expect(reply.status).toBe(401);
      expect(reply.headers['www-authenticate']).toBe('Bearer');
      expect(reply.json()).toEqual(errorBody('UNAUTHORIZED'));
    });

    it.each([
      ['a wrong token of the same length', 'x'.repeat(ADMIN_TOKEN.length)],
      ['a prefix of the token', ADMIN_TOKEN.slice(0, 32)],
      ['the token plus a character', `${ADMIN_TOKEN}x`],
    ])('answers 401 for %s', async (_name, token) => {
      const reply = await client.admin(edge, 'GET', undefined, token);
      expect(reply.status).toBe(401);
      expect(reply.json()).toEqual(errorBody('UNAUTHORIZED'));
    });

    it('answers 401 to a PUT with a bad token before looking at the body', async () => {
      const reply = await client.admin(edge, 'PUT', { url: 'http://127.0.0.1:1', release: 'x' }, 'nope');
      expect(reply.status).toBe(401);
    });

    it('answers 200 with the right token', async () => {
      const reply = await client.admin(edge, 'GET');
      expect(reply.status).toBe(200);
      expect(reply.json()).toEqual({ origin: null, generation: 0, updatedAt: null });
    });

    it('serves /healthz without a token', async () => {
      const reply = await client.send(`${edge.adminUrl}/healthz`);
      expect(reply).toMatchObject({ status: 200, text: '{"status":"ok"}' });
    });
  });

  describe('bodies', () => {
    it.each([
      ['no content type', {}],
      ['text/plain', { 'content-type': 'text/plain' }],
      ['form encoding', { 'content-type': 'application/x-www-form-urlencoded' }],
    ])('answers 415 for %s', async (_name, headers) => {
      const reply = await put('{"url":"http://127.0.0.1:4001","release":"r"}', headers);
      expect(reply.status).toBe(415);
      expect(reply.json()).toEqual(errorBody('UNSUPPORTED_MEDIA_TYPE'));
    });

    it('answers 400 for a body that is not JSON', async () => {
      const reply = await put('{"url":');
      expect(reply.status).toBe(400);
      expect(reply.json()).toEqual(errorBody('INVALID_JSON'));
    });

    it.each([
      ['a remote origin', { url: 'http://192.168.1.10:4001', release: 'r' }, 'url'],
      ['an origin without a port', { url: 'http://127.0.0.1', release: 'r' }, 'url'],
      ['a release that is not a DNS label', { url: 'http://127.0.0.1:4001', release: 'Not_A_Label' }, 'release'],
      ['a release longer than 63', { url: 'http://127.0.0.1:4001', release: 'a'.repeat(64) }, 'release'],
      ['unknown fields', { url: 'http://127.0.0.1:4001', release: 'r', weight: 10 }, ''],
      ['an array', [], ''],
    ])('answers 400 for %s, naming the field', async (_name, body, path) => {
      const reply = await put(JSON.stringify(body));
      expect(reply.status).toBe(400);
      expect(reply.json()).toEqual(errorBody('VALIDATION_FAILED'));
      expect(reply.json<{ error: { details: { issues: { path: string }[] } } }>().error.details.issues).toEqual(
        expect.arrayContaining([expect.objectContaining({ path })]),
      );
    });

    it('answers 413 for a body over 16 KB, declared or streamed', async () => {
      const big = JSON.stringify({ url: 'http://127.0.0.1:4001', release: 'r', pad: 'x'.repeat(17 * 1024) });
      const declared = await put(big);
      expect(declared.status).toBe(413);
      expect(declared.json()).toEqual(errorBody('PAYLOAD_TOO_LARGE'));
      const streamed = await client.send(originUrl(), {
        method: 'PUT',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: (async function* () {
          for (let i = 0; i < 20; i += 1) yield Buffer.alloc(1024, 0x20);
        })() as unknown as Buffer,
      });
      expect(streamed.status).toBe(413);
    });

    it("answers 400 for an origin on one of the edge's own ports, which would loop", async () => {
      for (const port of [edge.publicPort, edge.adminPort]) {
        const reply = await put(JSON.stringify({ url: `http://127.0.0.1:${port}`, release: 'loop' }));
        expect(reply.status).toBe(400);
        expect(reply.json()).toEqual(errorBody('VALIDATION_FAILED'));
      }
    });

    it('changed nothing with all those bad bodies', async () => {
      expect((await client.admin(edge, 'GET')).json()).toEqual({ origin: null, generation: 0, updatedAt: null });
    });
  });

  describe('flips', () => {
    it('answers the new state, and repeating the same flip changes nothing', async () => {
      const first = await client.admin(edge, 'PUT', { url: 'http://localhost:4001/', release: 'abc1234' });
      expect(first.status).toBe(200);
      const state = first.json<{ updatedAt: string }>();
      expect(state).toEqual({
        origin: { url: 'http://localhost:4001', release: 'abc1234' },
        generation: 1,
        updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      });
      const again = await client.admin(edge, 'PUT', { url: 'http://localhost:4001', release: 'abc1234' });
      expect(again.json()).toEqual(state);
    });

    it('applies ifGeneration only when it matches (409 otherwise)', async () => {
      const stale = await client.admin(edge, 'PUT', {
        url: 'http://127.0.0.1:4002',
        release: 'def5678',
        ifGeneration: 0,
      });
      expect(stale.status).toBe(409);
      expect(stale.json()).toMatchObject({
        error: { code: 'GENERATION_MISMATCH', details: { expected: 0, actual: 1 } },
      });
      const fresh = await client.admin(edge, 'PUT', {
        url: 'http://127.0.0.1:4002',
        release: 'def5678',
        ifGeneration: 1,
      });
      expect(fresh.status).toBe(200);
      expect(fresh.json()).toMatchObject({ generation: 2, origin: { release: 'def5678' } });
    });
  });

  describe('routing', () => {
    it('answers 405 with Allow for other methods', async () => {
      const reply = await client.admin(edge, 'DELETE');
      expect(reply.status).toBe(405);
      expect(reply.headers.allow).toBe('GET, PUT');
      expect(reply.json()).toEqual(errorBody('METHOD_NOT_ALLOWED'));
    });

    it('answers 404 elsewhere', async () => {
      const reply = await client.send(`${edge.adminUrl}/admin/other`);
      expect(reply.status).toBe(404);
      expect(reply.json()).toEqual(errorBody('NOT_FOUND'));
    });
  });

  describe('loopback only', () => {
    it('is not reachable on a non-loopback address of this machine', async () => {
      const external = Object.values(networkInterfaces())
        .flat()
        .find((i) => i && i.family === 'IPv4' && !i.internal);
      if (!external) return; // no other interface to try from
      const outcome = await new Promise<string>((resolve) => {
        const socket = connect({ host: external.address, port: edge.adminPort });
        socket.setTimeout(2_000, () => (socket.destroy(), resolve('timeout')));
        socket.once('connect', () => (socket.destroy(), resolve('connected')));
        socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
      });
      expect(outcome).not.toBe('connected');
    });

    it('refuses to start with a non-loopback admin host', async () => {
      const proc = procs.add(
        spawnNode(EDGE_MAIN, {
          inheritEnv: false,
          env: { EDGE_ADMIN_HOST: '0.0.0.0', EDGE_ADMIN_TOKEN: ADMIN_TOKEN, EDGE_STATE_FILE: join(dir.path, 'x.json') },
        }),
      );
      expect(await withTimeout(proc.exited, 10_000, 'the edge to exit')).toEqual({ code: 1, signal: null });
      expect(proc.output()).toContain('EDGE_ADMIN_HOST: must be a loopback address');
    });

    it('refuses to start without a token, without echoing a short one', async () => {
      const proc = procs.add(
        spawnNode(EDGE_MAIN, {
          inheritEnv: false,
          env: { EDGE_ADMIN_TOKEN: 'too-short-secret', EDGE_PORT: '0', EDGE_ADMIN_PORT: '0' },
        }),
      );
      expect(await withTimeout(proc.exited, 10_000, 'the edge to exit')).toEqual({ code: 1, signal: null });
      expect(proc.output()).toContain('at least 32 characters');
      expect(proc.output()).not.toContain('too-short-secret');
    });
  });

  it('never wrote the token to its output', () => {
    expect(edge.proc.output()).not.toContain(ADMIN_TOKEN);
  });
});
