import { Agent, request, type Dispatcher } from 'undici';
import { kubeApiError, KubeNotFoundError, KubeRequestError } from './kube-errors';

/** A bearer token for the next request; sources cache and refresh on their own. */
export type TokenSource = () => Promise<string>;

/** Where the API server is and how to prove who we are. */
export interface KubeConnection {
  /** https://<endpoint> (http:// only for tests against a fake on loopback). */
  server: string;
  /** PEM CA bundle the server's certificate must chain to; absent: the system CAs. */
  ca?: string;
  token: TokenSource;
}

export interface KubeClientOptions extends KubeConnection {
  /** Whole request, from sending to the last byte of the answer. Default 15 s. */
  timeoutMs?: number;
  /** Server-side apply's owner of the fields we set. Default "cutover". */
  fieldManager?: string;
  /** Larger answers are refused rather than buffered. Default 8 MiB. */
  maxResponseBytes?: number;
}

type Query = Record<string, string>;

/**
 * The handful of Kubernetes API calls cutover needs, as JSON over undici: no kubectl, no
 * client-node (ESM-only and 72 MB; see STACK.md). Non-2xx answers become typed errors carrying
 * the API's Status message; no answer in time becomes a KubeRequestError. The token is sent
 * on every request and appears in no error or log.
 */
export class KubeClient {
  private readonly server: string;
  private readonly dispatcher: Dispatcher;
  private readonly timeoutMs: number;
  private readonly fieldManager: string;
  private readonly maxResponseBytes: number;

  constructor(private readonly options: KubeClientOptions) {
    this.server = options.server.replace(/\/+$/, '');
    const problem = describeServerProblem(this.server);
    if (problem) throw new Error(`Kubernetes API server "${this.server}" ${problem}`);
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.fieldManager = options.fieldManager ?? 'cutover';
    this.maxResponseBytes = options.maxResponseBytes ?? 8 * 1024 * 1024;
    this.dispatcher = new Agent({
      connect: { ca: options.ca, timeout: Math.min(this.timeoutMs, 5_000) },
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
      // EKS endpoints sit behind an NLB that drops idle connections after 350 s.
      keepAliveTimeout: 30_000,
    });
  }

  get<T>(path: string, query?: Query): Promise<T> {
    return this.send<T>('GET', path, query);
  }

  /** GET, with "not found" as undefined: most reads ask "is it there yet?". */
  async find<T>(path: string): Promise<T | undefined> {
    try {
      return await this.get<T>(path);
    } catch (err) {
      if (err instanceof KubeNotFoundError) return undefined;
      throw err;
    }
  }

  /**
   * Server-side apply: the server merges `object` into what it has (creating it if absent) and
   * records cutover as owner of every field sent. `force` takes fields over from another
   * manager (someone's `kubectl edit`), so the release converges to what cutover renders.
   * JSON is valid YAML, hence the apply-patch+yaml content type with a JSON body.
   */
  apply<T>(path: string, object: unknown): Promise<T> {
    return this.send<T>(
      'PATCH',
      path,
      { fieldManager: this.fieldManager, force: 'true' },
      { contentType: 'application/apply-patch+yaml', text: JSON.stringify(object) },
    );
  }

  delete<T>(path: string, query?: Query): Promise<T> {
    return this.send<T>('DELETE', path, query);
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  private async send<T>(
    method: 'GET' | 'PATCH' | 'DELETE',
    path: string,
    query?: Query,
    body?: { contentType: string; text: string },
  ): Promise<T> {
    const what = `${method} ${path}`;
    const search = query && Object.keys(query).length > 0 ? `?${new URLSearchParams(query).toString()}` : '';
    const headers: Record<string, string> = {
      accept: 'application/json',
      authorization: `Bearer ${await this.options.token()}`,
    };
    if (body) headers['content-type'] = body.contentType;

    let statusCode: number;
    let text: string;
    try {
      const res = await request(`${this.server}${path}${search}`, {
        method,
        headers,
        body: body?.text,
        dispatcher: this.dispatcher,
        // headersTimeout/bodyTimeout bound each wait; this bounds the whole exchange.
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      statusCode = res.statusCode;
      text = await readBounded(res.body, this.maxResponseBytes);
    } catch (err) {
      throw new KubeRequestError(what, describeTransportError(err, this.timeoutMs), { cause: err });
    }
    if (statusCode < 200 || statusCode >= 300) throw kubeApiError(what, statusCode, text);
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new KubeRequestError(what, `answered ${statusCode} with a body that is not JSON`);
    }
  }
}

/** A bearer token crosses no network in clear text: plain http only to a fake on loopback. */
function describeServerProblem(server: string): string | undefined {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    return 'is not a URL';
  }
  if (url.protocol === 'https:') return undefined;
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (url.protocol === 'http:' && loopback) return undefined;
  return 'must be https (plain http only on loopback)';
}

async function readBounded(body: Dispatcher.ResponseData['body'], max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > max) {
      body.destroy();
      throw new Error(`the answer is larger than ${max} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function describeTransportError(err: unknown, timeoutMs: number): string {
  // Duck-typed: errors from undici and Node internals may come from another realm (jest's vm).
  const { name, message, code } = (err ?? {}) as { name?: unknown; message?: unknown; code?: unknown };
  if (typeof name === 'string' && /timeout|abort/i.test(name)) return `no answer within ${timeoutMs} ms`;
  const text = typeof message === 'string' && message ? message : String(err);
  return typeof code === 'string' && !text.includes(code) ? `${code}: ${text}` : text;
}
