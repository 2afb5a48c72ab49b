import { createServer as createTcpServer, connect, type Server as TcpServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { freePort } from '../../support/free-port';
import { startHttpServer, type TestHttpServer } from '../../support/http-server';
import { ProcessGroup } from '../../support/processes';
import { makeTempDir, type TempDir } from '../../support/temp-dir';
import { waitFor, withTimeout } from '../../support/wait';
import { errorBody, startEdgeProcess, TestClient, type EdgeProcess } from './edge-harness';
import { startNamedUpstream, type NamedUpstream } from './named-upstream';

/** Sends raw bytes on a fresh connection and collects whatever comes back until the edge closes it (or 3 s pass). */
function rawExchange(port: number, bytes: string | Buffer, endAfterWrite = false): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let received = '';
    const done = () => (socket.destroy(), resolve(received));
    socket.setTimeout(3_000, done);
    socket.on('data', (chunk) => (received += chunk.toString('latin1')));
    socket.on('close', done);
    socket.on('error', done);
    socket.write(bytes);
    if (endAfterWrite) socket.end();
  });
}

/** A TCP server that plays a broken upstream: whatever `behave` does with each connection. */
async function startRawUpstream(behave: (socket: Socket) => void): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: TcpServer = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.once('close', () => sockets.delete(socket));
    behave(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}

describe('edge: failures are answered, never fatal', () => {
  const procs = new ProcessGroup();
  const closers: (() => Promise<void>)[] = [];
  let dir: TempDir;
  let a: NamedUpstream;
  let edge: EdgeProcess;
  let client: TestClient;

  beforeAll(async () => {
    dir = await makeTempDir('edge-failures-');
    a = await startNamedUpstream('A');
    edge = await startEdgeProcess({
      statePath: join(dir.path, 'state.json'),
      env: { EDGE_UPSTREAM_TIMEOUT_MS: '500' },
    });
    procs.add(edge.proc);
    client = new TestClient();
  });

  afterEach(async () => {
    await Promise.all(closers.splice(0).map((close) => close()));
  });

  afterAll(async () => {
    await client?.close();
    await procs.stopAll();
    await a?.close();
    await dir?.remove();
  });

  afterEach(() => {
    // Whatever the test did, the edge must still be running.
    expect(edge.proc.hasExited()).toBe(false);
  });

  it('answers 503 NO_ORIGIN before any flip', async () => {
    const reply = await client.send(`${edge.publicUrl}/predict`, { method: 'POST', body: '{}' });
    expect(reply.status).toBe(503);
    expect(reply.headers['content-type']).toMatch(/^application\/json/);
    expect(reply.json()).toEqual({ error: { code: 'NO_ORIGIN', message: expect.any(String), details: {} } });
  });

  it('answers 502 UPSTREAM_UNAVAILABLE when the origin is down', async () => {
    await client.flip(edge, `http://127.0.0.1:${await freePort()}`, 'gone');
    const reply = await client.send(`${edge.publicUrl}/`);
    expect(reply.status).toBe(502);
    expect(reply.json()).toEqual(errorBody('UPSTREAM_UNAVAILABLE'));
    expect(reply.json()).toMatchObject({ error: { details: { release: 'gone' } } });
  });

  it('answers 504 when the origin does not answer within the upstream timeout', async () => {
    await client.flip(edge, a.url, 'release-a');
    const reply = await client.send(`${edge.publicUrl}/hang`);
    expect(reply.status).toBe(504);
    expect(reply.json()).toEqual(errorBody('UPSTREAM_TIMEOUT'));
  });

  it.each<[string, (socket: Socket) => void]>([
    ['closes the connection without answering', (s) => s.end()],
    ['resets the connection', (s) => s.once('data', () => s.resetAndDestroy())],
    ['answers garbage', (s) => s.once('data', () => s.end('this is not http\r\n\r\n'))],
    ['answers a bad status line', (s) => s.once('data', () => s.end('HTTP/1.1 abc OK\r\n\r\n'))],
    [
      'sends both content-length and chunked',
      (s) =>
        s.once('data', () =>
          s.end('HTTP/1.1 200 OK\r\ncontent-length: 5\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n'),
        ),
    ],
  ])('answers 502 when the upstream %s', async (_name, behave) => {
    const broken = await startRawUpstream(behave);
    closers.push(broken.close);
    await client.flip(edge, broken.url, 'broken');
    const reply = await client.send(`${edge.publicUrl}/`);
    expect(reply.status).toBe(502);
    expect(reply.json()).toEqual(errorBody('UPSTREAM_UNAVAILABLE'));
  });

  it('cuts the client connection when the upstream breaks off mid-answer', async () => {
    const broken = await startRawUpstream((s) =>
      s.once('data', () => {
        s.write('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\npartial');
        setTimeout(() => s.destroy(), 50);
      }),
    );
    closers.push(broken.close);
    await client.flip(edge, broken.url, 'broken');
    await expect(client.send(`${edge.publicUrl}/`)).rejects.toThrow();
  });

  it('relays an upstream that breaks HTTP rules in ways Node tolerates, e.g. an odd status', async () => {
    const odd: TestHttpServer = await startHttpServer((_req, res) => {
      res.writeHead(599, 'Whatever', { 'x-odd': 'yes' });
      res.end('odd');
    });
    closers.push(odd.close);
    await client.flip(edge, odd.url, 'odd');
    const reply = await client.send(`${edge.publicUrl}/`);
    expect(reply).toMatchObject({ status: 599, text: 'odd', headers: { 'x-odd': 'yes', 'x-cutover-release': 'odd' } });
  });

  it('survives hostile and broken clients', async () => {
    await client.flip(edge, a.url, 'release-a');
    const answers = await Promise.all([
      rawExchange(edge.publicPort, 'GARBAGE\r\n\r\n'),
      rawExchange(edge.publicPort, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`),
      rawExchange(
        edge.publicPort,
        'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n',
      ),
      rawExchange(edge.publicPort, 'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nshort', true),
      rawExchange(edge.publicPort, 'CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n'),
      rawExchange(edge.publicPort, 'GET /slow?ms=200 HTTP/1.1\r\nHost: x\r\n\r\n', true),
      rawExchange(edge.publicPort, Buffer.from([0x16, 0x03, 0x01, 0x00, 0xa5, 0x01, 0x00, 0x00])),
    ]);
    expect(answers[0]).toMatch(/^HTTP\/1\.1 400/);
    expect(answers[1]).toMatch(/^HTTP\/1\.1 431/);
    expect(answers[2]).toMatch(/^HTTP\/1\.1 400/);
    expect(answers[4]).toMatch(/^HTTP\/1\.1 405/);

    // A client that leaves while its request is in flight upstream: the upstream request is abandoned too.
    await waitFor(() => a.inFlight() === 0, { what: 'earlier requests to finish', timeoutMs: 5_000 });
    const leaver = connect({ host: '127.0.0.1', port: edge.publicPort });
    leaver.on('error', () => undefined);
    leaver.write('GET /slow?ms=3000 HTTP/1.1\r\nHost: x\r\n\r\n');
    await waitFor(() => a.inFlight() === 1, { what: 'the request to reach A', timeoutMs: 5_000 });
    leaver.destroy();
    await waitFor(() => a.inFlight() === 0, { what: 'the edge to abandon the upstream request', timeoutMs: 2_000 });

    const reply = await withTimeout(client.send(`${edge.publicUrl}/`), 5_000, 'a normal request');
    expect(reply).toMatchObject({ status: 200, text: 'A' });
  });
});
