import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface TestHttpServer {
  server: Server;
  port: number;
  url: string;
  /** Closes the listener and destroys every open connection, so it never hangs a test. */
  close(): Promise<void>;
}

/** A node:http server on a loopback port the OS picks (or `port`), for fakes and upstreams. */
export async function startHttpServer(
  handler: RequestListener,
  { host = '127.0.0.1', port = 0 }: { host?: string; port?: number } = {},
): Promise<TestHttpServer> {
  const server = createServer(handler);
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    }));
  return { server, port: bound, url: `http://${host}:${bound}`, close };
}
