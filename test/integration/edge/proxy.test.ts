import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { join } from 'node:path';
import { ProcessGroup } from '../../support/processes';
import { makeTempDir, type TempDir } from '../../support/temp-dir';
import { waitFor } from '../../support/wait';
import { startEdgeProcess, TestClient, type EdgeProcess } from './edge-harness';
import { startNamedUpstream, type NamedUpstream } from './named-upstream';

/** One request on its own connection (`Connection: close` expected among `lines`); answers the raw response. */
function rawRequest(port: number, lines: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let received = '';
    socket.setTimeout(5_000, () => socket.destroy(new Error('no answer within 5 s')));
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
    socket.on('end', () => resolve(received));
    socket.on('error', reject);
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
  });
}

interface Echo {
  name: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  bodyLength: number;
  body?: string;
}

describe('edge: what it forwards', () => {
  const procs = new ProcessGroup();
  let dir: TempDir;
  let a: NamedUpstream;
  let edge: EdgeProcess;
  let client: TestClient;

  beforeAll(async () => {
    dir = await makeTempDir('edge-proxy-');
    a = await startNamedUpstream('A');
    edge = await startEdgeProcess({ statePath: join(dir.path, 'state.json') });
    procs.add(edge.proc);
    client = new TestClient();
    await client.flip(edge, a.url, 'release-a');
  });

  afterAll(async () => {
    await client?.close();
    await procs.stopAll();
    await a?.close();
    await dir?.remove();
  });

  it.each(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const)(
    'forwards %s with path and query',
    async (method) => {
      const body = method === 'GET' || method === 'OPTIONS' ? undefined : '{"x":1}';
      const reply = await client.send(`${edge.publicUrl}/echo?a=1&b=%20two`, {
        method,
        body,
        headers: body ? { 'content-type': 'application/json' } : {},
      });
      expect(reply.status).toBe(200);
      expect(reply.headers['x-cutover-release']).toBe('release-a');
      expect(reply.json()).toMatchObject({ method, url: '/echo?a=1&b=%20two', body: body ?? '' });
    },
  );

  it('answers HEAD with the headers only', async () => {
    const reply = await client.send(`${edge.publicUrl}/`, { method: 'HEAD' });
    expect(reply).toMatchObject({ status: 200, text: '', headers: { 'x-cutover-release': 'release-a' } });
  });

  it('streams a large body both ways intact', async () => {
    const payload = randomBytes(4 * 1024 * 1024);
    const reply = await client.send(`${edge.publicUrl}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: payload,
    });
    expect(reply.json()).toMatchObject({ bodyLength: payload.length });
  });

  it('streams a chunked request body', async () => {
    const reply = await client.send(`${edge.publicUrl}/echo`, {
      method: 'POST',
      body: (async function* () {
        for (let i = 0; i < 50; i += 1) yield Buffer.alloc(10_000, 0x61);
      })() as unknown as Buffer,
    });
    expect(reply.json()).toMatchObject({ bodyLength: 500_000 });
  });

  it('sets x-forwarded-*, drops hop-by-hop headers both ways and keeps end-to-end ones', async () => {
    // Raw bytes: HTTP clients (undici included) will not send a Connection header naming other headers.
    const raw = await rawRequest(edge.publicPort, [
      'GET /echo HTTP/1.1',
      'Host: edge.test',
      'Connection: close, X-Client-Hop',
      'X-Client-Hop: secret',
      'Keep-Alive: timeout=5',
      'X-Forwarded-For: 203.0.113.9',
      'X-Forwarded-Proto: https',
      'X-Request-Id: req-1',
      'Authorization: Bearer for-the-upstream',
    ]);
    const [head, body] = raw.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 200/);
    expect(head).toMatch(/\r\nx-cutover-release: release-a\r\n/i);
    // The upstream's own hop-by-hop header, named in its Connection header, stays on its hop.
    expect(head).not.toMatch(/x-upstream-hop/i);
    const seen = (JSON.parse(body) as Echo).headers;
    expect(seen['x-client-hop']).toBeUndefined();
    expect(seen['keep-alive']).toBeUndefined();
    expect(seen['x-forwarded-for']).toBe('203.0.113.9, 127.0.0.1');
    expect(seen['x-forwarded-proto']).toBe('http');
    expect(seen['x-forwarded-host']).toBe('edge.test');
    expect(seen['x-request-id']).toBe('req-1');
    expect(seen.authorization).toBe('Bearer for-the-upstream');
    expect(seen.host).toBe(new URL(a.url).host);
  });

  it('relays the upstream status and its headers', async () => {
    const reply = await client.send(`${edge.publicUrl}/nope`, { method: 'POST', body: 'x' });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('text/plain');
  });

  it('logs no line per request by default, and one when EDGE_ACCESS_LOG is on', async () => {
    expect(edge.proc.output()).not.toContain('"event":"request"');
    const logged = await startEdgeProcess({
      statePath: join(dir.path, 'logged.json'),
      env: { EDGE_ACCESS_LOG: 'true' },
    });
    procs.add(logged.proc);
    await client.flip(logged, a.url, 'release-a');
    await client.send(`${logged.publicUrl}/echo?q=1`);
    const line = await waitFor(
      () =>
        logged.proc
          .output()
          .split('\n')
          .find((l) => l.includes('"event":"request"') && l.includes('/echo?q=1')),
      { what: 'the access log line' },
    );
    expect(JSON.parse(line)).toMatchObject({
      method: 'GET',
      status: 200,
      release: 'release-a',
      completed: true,
    });
  });
});
