import { createServer } from 'node:net';

function listenOnce(host: string, port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(undefined));
    server.listen({ host, port, exclusive: true }, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address !== null ? address.port : undefined;
      server.close(() => resolve(bound));
    });
  });
}

/**
 * A port for a release to listen on: `preferred` when it is free, so an edge still pointing
 * at a restarted release keeps working, else one the OS picks. Another process may take it
 * before the predictor binds; the predictor then exits and the next start picks again.
 */
export async function pickPort(host: string, preferred?: number): Promise<number> {
  if (preferred !== undefined && preferred > 0) {
    const port = await listenOnce(host, preferred);
    if (port !== undefined) return port;
  }
  const port = await listenOnce(host, 0);
  if (port === undefined) throw new Error(`no free port on ${host}`);
  return port;
}
