import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Logger } from 'pino';
import { Agent } from 'undici';
import { isLoopbackHost, type EdgeConfig } from '../../../config/edge.config';
import { createAdminHandler } from './admin-handler';
import { createBearerCheck } from './admin-auth';
import type { OriginStore } from './origin-store';
import { createProxyHandler } from './proxy-handler';

export interface EdgeHandle {
  publicAddress: AddressInfo;
  adminAddress: AddressInfo;
  /** Stops accepting, lets in-flight requests finish within the drain timeout; `drained` is false if some were cut. */
  stop(): Promise<{ drained: boolean }>;
}

export interface EdgeDeps {
  config: EdgeConfig;
  store: OriginStore;
  logger: Logger;
}

const DRAIN_POLL_MS = 50;

export async function startEdge({ config, store, logger }: EdgeDeps): Promise<EdgeHandle> {
  const dispatcher = new Agent({
    connections: config.upstreamConnections,
    connect: { timeout: config.connectTimeoutMs },
    headersTimeout: config.upstreamTimeoutMs,
    bodyTimeout: config.upstreamTimeoutMs,
  });
  const proxy = createProxyHandler({
    currentOrigin: () => store.current().origin,
    dispatcher,
    upstreamTimeoutMs: config.upstreamTimeoutMs,
    onExchangeEnd: config.accessLog
      ? (exchange) => logger.info({ event: 'request', ...exchange }, 'request')
      : undefined,
  });
  let draining = false;
  const publicServer = createServer((req, res) => {
    // While draining, every answer closes its connection, so keep-alive clients move elsewhere.
    if (draining) res.shouldKeepAlive = false;
    proxy(req, res);
  });
  // CONNECT tunnels are not something an API edge offers; without a listener Node would just drop the socket.
  publicServer.on('connect', (_req: IncomingMessage, socket: Socket) => {
    socket.on('error', () => undefined);
    socket.end('HTTP/1.1 405 Method Not Allowed\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
  });
  // Filled once both listeners are bound (ports may be OS-assigned); no admin request is served before.
  const ownPorts: number[] = [];
  const adminServer = createServer(
    { requestTimeout: 10_000, headersTimeout: 5_000 },
    createAdminHandler({ store, isAuthorized: createBearerCheck(config.adminToken), logger, ownPorts }),
  );

  const publicAddress = await listen(publicServer, config.listen.host, config.listen.port);
  let adminAddress: AddressInfo;
  try {
    adminAddress = await listen(adminServer, config.admin.host, config.admin.port);
    if (!isLoopbackHost(adminAddress.address)) {
      throw new Error(`admin listener resolved to non-loopback address ${adminAddress.address}; refusing to serve`);
    }
    ownPorts.push(publicAddress.port, adminAddress.port);
  } catch (err) {
    adminServer.close();
    publicServer.close();
    await dispatcher.destroy();
    throw err;
  }

  const stop = async (): Promise<{ drained: boolean }> => {
    draining = true;
    const deadline = Date.now() + config.drainTimeoutMs;
    const drained = (await Promise.all([drain(publicServer, deadline), drain(adminServer, deadline)])).every(Boolean);
    // Upstream requests ended with their client requests; what is left are idle keep-alive sockets.
    await closeWithin(dispatcher, Math.max(deadline - Date.now(), 100));
    return { drained };
  };
  return { publicAddress, adminAddress, stop };
}

function listen(server: Server, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

/** Closes the listener, then keeps closing connections as they fall idle until none is left or the deadline passes. */
function drain(server: Server, deadline: number): Promise<boolean> {
  return new Promise((resolve) => {
    let settled = false;
    const timer = setInterval(() => {
      server.closeIdleConnections();
      if (Date.now() >= deadline) finish(false);
    }, DRAIN_POLL_MS);
    const finish = (drained: boolean) => {
      if (settled) return;
      settled = true;
      clearInterval(timer);
      if (!drained) server.closeAllConnections();
      resolve(drained);
    };
    server.close(() => finish(true));
    server.closeIdleConnections();
  });
}

async function closeWithin(dispatcher: Agent, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), ms)));
  const outcome = await Promise.race([dispatcher.close().catch(() => undefined), late]);
  clearTimeout(timer);
  if (outcome === 'late') await dispatcher.destroy().catch(() => undefined);
}
