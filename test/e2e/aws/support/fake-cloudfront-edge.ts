import type { IncomingMessage, ServerResponse } from 'node:http';
import { request } from 'undici';
import { startHttpServer, type TestHttpServer } from '../../../support/http-server';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'host']);

/**
 * What users hit in the aws end-to-end test: an HTTP proxy on loopback standing in for the
 * CloudFront edge locations. It follows the distribution's origin (as CloudFormation set it)
 * only `propagationMs` after it changed, as edge locations pick up a new config late, and
 * sends each request to http://<origin host>, which the loopback load balancers resolve.
 */
export class FakeCloudFrontEdge {
  private server?: TestHttpServer;
  private serving?: string;
  private pending?: { origin: string; since: number };
  private timer?: NodeJS.Timeout;
  readonly switches: { origin: string; at: number }[] = [];

  constructor(
    private readonly originNow: () => string | undefined,
    private readonly propagationMs: number,
  ) {}

  async start(): Promise<string> {
    this.serving = this.originNow();
    this.server = await startHttpServer((req, res) => void this.forward(req, res));
    this.timer = setInterval(() => this.follow(), 25);
    return this.server.url;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.server?.close();
  }

  private follow(): void {
    const origin = this.originNow();
    if (origin === this.serving) {
      this.pending = undefined;
      return;
    }
    if (!origin) return;
    if (this.pending?.origin !== origin) this.pending = { origin, since: Date.now() };
    if (Date.now() - this.pending.since >= this.propagationMs) {
      this.serving = origin;
      this.pending = undefined;
      this.switches.push({ origin, at: Date.now() });
    }
  }

  private async forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(([k, v]) => !HOP_BY_HOP.has(k) && typeof v === 'string'),
    ) as Record<string, string>;
    try {
      if (!this.serving) throw new Error('the distribution has no origin');
      const upstream = await request(`http://${this.serving}${req.url ?? '/'}`, {
        method: req.method as 'GET' | 'POST',
        headers,
        body: chunks.length > 0 ? Buffer.concat(chunks) : undefined,
        headersTimeout: 10_000,
        bodyTimeout: 10_000,
      });
      const body = Buffer.from(await upstream.body.arrayBuffer());
      for (const [k, v] of Object.entries(upstream.headers)) {
        if (!HOP_BY_HOP.has(k) && v !== undefined && k !== 'content-length') res.setHeader(k, v);
      }
      res.writeHead(upstream.statusCode).end(body);
    } catch (err) {
      // CloudFront's answer when it cannot reach the origin.
      res.writeHead(502, { 'content-type': 'text/plain', 'x-cache': 'Error from cloudfront' });
      res.end(`502 Bad Gateway: ${(err as Error).message}`);
    }
  }
}
