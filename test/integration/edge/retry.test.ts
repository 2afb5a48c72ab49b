import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { Agent } from 'undici';
import { createProxyHandler } from '../../../src/providers/local/edge/proxy-handler';
import type { Origin } from '../../../src/providers/local/edge/origin';
import { freePort } from '../../support/free-port';
import { startHttpServer, type TestHttpServer } from '../../support/http-server';
import { TestClient } from './edge-harness';
import { startNamedUpstream, type NamedUpstream } from './named-upstream';

// The proxy handler in-process, so the test can script what each origin lookup returns.
describe('proxy handler: one retry when the connection is refused', () => {
  let b: NamedUpstream;
  let dispatcher: Agent;
  let client: TestClient;
  const servers: TestHttpServer[] = [];
  const tcpServers: TcpServer[] = [];

  async function proxyFor(lookups: (Origin | null)[]): Promise<{ url: string; lookups: () => number }> {
    let calls = 0;
    const handler = createProxyHandler({
      currentOrigin: () => lookups[Math.min(calls++, lookups.length - 1)],
      dispatcher,
      upstreamTimeoutMs: 2_000,
    });
    const server = await startHttpServer(handler);
    servers.push(server);
    return { url: server.url, lookups: () => calls };
  }

  beforeAll(async () => {
    b = await startNamedUpstream('B');
    dispatcher = new Agent();
    client = new TestClient();
  });

  afterAll(async () => {
    await client?.close();
    await Promise.all(servers.map((s) => s.close()));
    await Promise.all(tcpServers.map((s) => new Promise((resolve) => s.close(resolve))));
    await dispatcher?.close();
    await b?.close();
  });

  it('retries a refused request once, against the origin current at that moment', async () => {
    const dead = { url: `http://127.0.0.1:${await freePort()}`, release: 'dead' };
    const proxy = await proxyFor([dead, { url: b.url, release: 'release-b' }]);
    const reply = await client.send(`${proxy.url}/echo`, { method: 'POST', body: 'payload' });
    expect(reply.status).toBe(200);
    expect(reply.headers['x-cutover-release']).toBe('release-b');
    // The body was not consumed by the refused attempt.
    expect(reply.json()).toMatchObject({ name: 'B', body: 'payload' });
    expect(proxy.lookups()).toBe(2);
  });

  it('retries only once', async () => {
    const dead = { url: `http://127.0.0.1:${await freePort()}`, release: 'dead' };
    const proxy = await proxyFor([dead]);
    const reply = await client.send(`${proxy.url}/`);
    expect(reply.status).toBe(502);
    expect(proxy.lookups()).toBe(2);
  });

  it('does not retry once the request may have reached the upstream', async () => {
    let connections = 0;
    const resetter = createTcpServer((socket: Socket) => {
      connections += 1;
      socket.on('error', () => undefined);
      socket.once('data', () => socket.resetAndDestroy());
    });
    tcpServers.push(resetter);
    await new Promise<void>((resolve) => resetter.listen(0, '127.0.0.1', resolve));
    const port = (resetter.address() as { port: number }).port;
    const proxy = await proxyFor([{ url: `http://127.0.0.1:${port}`, release: 'reset' }]);
    const reply = await client.send(`${proxy.url}/`, { method: 'POST', body: 'once' });
    expect(reply.status).toBe(502);
    expect(proxy.lookups()).toBe(1);
    expect(connections).toBe(1);
  });
});
