import type { IncomingMessage, ServerResponse } from 'node:http';
import { startHttpServer, type TestHttpServer } from '../../support/http-server';

export interface NamedUpstream extends TestHttpServer {
  name: string;
  /** Requests currently being answered, so a test can wait until one has really arrived. */
  inFlight(): number;
  received(): number;
}

/**
 * A stand-in release. `/` answers its name; `/slow?ms=N` answers its name after N ms; `/echo`
 * answers what it received (method, url, headers, body) as JSON; `/hang` never answers.
 */
export async function startNamedUpstream(name: string): Promise<NamedUpstream> {
  let inFlight = 0;
  let received = 0;
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    received += 1;
    inFlight += 1;
    res.once('close', () => (inFlight -= 1));
    const url = new URL(req.url ?? '/', 'http://upstream');
    if (url.pathname === '/hang') return;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (url.pathname === '/echo') {
        const body = Buffer.concat(chunks);
        const answer = JSON.stringify({
          name,
          method: req.method,
          url: req.url,
          headers: req.headers,
          bodyLength: body.length,
          body: body.length <= 1024 ? body.toString() : undefined,
        });
        res.writeHead(200, {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(answer),
          connection: 'keep-alive, x-upstream-hop',
          'x-upstream-hop': '1',
        });
        res.end(answer);
        return;
      }
      const delay = url.pathname === '/slow' ? Number(url.searchParams.get('ms') ?? 1000) : 0;
      const answer = () => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(name);
      };
      if (delay > 0) setTimeout(answer, delay);
      else answer();
    });
  };
  const server = await startHttpServer(handler);
  return { ...server, name, inFlight: () => inFlight, received: () => received };
}
