import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Dispatcher } from 'undici';
import { reportWhenOver, type ExchangeSummary } from './exchange-summary';
import { clientResponseHeaders, upstreamRequestHeaders } from './forwarding-headers';
import { sendError } from './http-json';
import type { Origin } from './origin';
import { classifyUpstreamError, refusedBeforeSending } from './upstream-errors';

export interface ProxyDeps {
  /** Read once per request (and again for the one retry): a flip only affects requests that arrive after it. */
  currentOrigin: () => Origin | null;
  dispatcher: Dispatcher;
  upstreamTimeoutMs: number;
  /** Called once per request when its response is over (finished or cut); off by default, it is the hot path. */
  onExchangeEnd?: (exchange: ExchangeSummary) => void;
}

export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

export function createProxyHandler(deps: ProxyDeps): RequestListener {
  const report = deps.onExchangeEnd;
  return (req, res) => {
    const origin = deps.currentOrigin();
    if (origin === null) {
      if (report) reportWhenOver(req, res, () => null, report);
      sendError(res, 503, 'NO_ORIGIN', 'the edge has no origin yet: flip it to a release through the admin API');
      return;
    }
    const exchange = new UpstreamExchange(req, res, deps);
    if (report) reportWhenOver(req, res, () => exchange.release, report);
    exchange.send(origin);
  };
}

const CLIENT_GONE = new Error('client closed the connection');

function hasBody(headers: IncomingHttpHeaders): boolean {
  const length = headers['content-length'];
  return headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** One client request relayed to one upstream (two if the first refused the connection), streaming both ways. */
class UpstreamExchange implements Dispatcher.DispatchHandler {
  private origin!: Origin;
  private controller: Dispatcher.DispatchController | null = null;
  private retried = false;
  private clientGone = false;

  constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly deps: ProxyDeps,
  ) {
    res.on('close', () => {
      if (res.writableFinished) return;
      this.clientGone = true;
      this.controller?.abort(CLIENT_GONE);
    });
  }

  get release(): string {
    return this.origin.release;
  }

  send(origin: Origin): void {
    this.origin = origin;
    this.controller = null;
    const { req } = this;
    const options: Dispatcher.DispatchOptions = {
      origin: origin.url,
      path: req.url ?? '/',
      method: req.method as Dispatcher.HttpMethod,
      headers: upstreamRequestHeaders(req.rawHeaders, { remoteAddress: req.socket.remoteAddress, proto: 'http' }),
      body: hasBody(req.headers) ? req : null,
      headersTimeout: this.deps.upstreamTimeoutMs,
      bodyTimeout: this.deps.upstreamTimeoutMs,
    };
    try {
      this.deps.dispatcher.dispatch(options, this);
    } catch (err) {
      this.fail(err);
    }
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.clientGone) controller.abort(CLIENT_GONE);
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: IncomingHttpHeaders,
    statusMessage?: string,
  ): void {
    // Interim 1xx answers are the upstream's business; the client gets the final one.
    if (statusCode < 200) return;
    try {
      this.res.writeHead(statusCode, statusMessage || undefined, clientResponseHeaders(headers, this.origin.release));
    } catch (err) {
      // Headers Node refuses to write (invalid characters): the answer cannot be relayed.
      controller.abort(err as Error);
    }
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.res.destroyed) return;
    if (!this.res.write(chunk)) {
      controller.pause();
      this.res.once('drain', () => controller.resume());
    }
  }

  onResponseEnd(): void {
    if (!this.res.destroyed) this.res.end();
  }

  onResponseError(_controller: Dispatcher.DispatchController, err: Error): void {
    if (this.clientGone) return;
    if (!this.retried && !this.res.headersSent && refusedBeforeSending(err)) {
      this.retried = true;
      const origin = this.deps.currentOrigin();
      if (origin !== null) {
        this.send(origin);
        return;
      }
    }
    this.fail(err);
  }

  private fail(err: unknown): void {
    const { status, code, message } = classifyUpstreamError(err, this.origin.release);
    sendError(this.res, status, code, message, { release: this.origin.release });
  }
}
