import { createServer } from 'node:net';

/**
 * A TCP port that was free a moment ago: the OS picks one for a throwaway listener, which is
 * closed before returning. Another process could take it in between; on loopback in a test
 * run that is rare enough, and it lets a child process be told its port up front.
 */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('the OS gave no port'))));
    });
  });
}
