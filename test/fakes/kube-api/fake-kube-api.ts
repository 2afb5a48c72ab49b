import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { startHttpServer, type TestHttpServer } from '../../support/http-server';
import { KubeCluster } from './kube-cluster';
import { route, type Kind } from './kube-routes';
import { KubeStatusError, refuse, statusBody, type KubeStatus } from './kube-status-body';
import type { SimulationOptions } from './simulated-status';

export interface FakeKubeApiOptions extends Partial<SimulationOptions> {
  /** The bearer tokens the fake accepts; anything else is 401. */
  acceptToken: (token: string) => boolean;
  /** GETs a deleted namespace answers Terminating before it is gone. Default 2. */
  namespaceTerminatingGets?: number;
  now?: () => Date;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType?: string;
  body?: unknown;
}

interface InjectedFailure {
  method?: string;
  path: RegExp;
  status: KubeStatus;
}

const APPLY_CONTENT_TYPE = 'application/apply-patch+yaml';
const MAX_BODY_BYTES = 3 * 1024 * 1024;

/**
 * A Kubernetes API server over real HTTP on loopback, for the objects a release is made of:
 * discovery, server-side apply, GET, namespace DELETE with a Terminating period, a pod list, and
 * time passing as objects are looked at (see simulated-status.ts). It checks what a real one
 * checks on the way in (bearer token, apply content type, fieldManager) and records every
 * request, so tests can assert the exact calls a client made.
 */
export class FakeKubeApi {
  readonly requests: RecordedRequest[] = [];
  readonly cluster: KubeCluster;
  private server?: TestHttpServer;
  private readonly failures: InjectedFailure[] = [];

  constructor(private readonly options: FakeKubeApiOptions) {
    const sim: SimulationOptions = {
      deploymentReadyAfter: options.deploymentReadyAfter ?? 3,
      ingressAddressAfter: options.ingressAddressAfter ?? 2,
      ingressAddress:
        options.ingressAddress ??
        ((ns, name) => ({ hostname: `k8s-${ns}-${name}-0123456789.eu-west-1.elb.amazonaws.com` })),
      badImage: options.badImage ?? /:(bad|missing)[-a-z0-9]*$/,
      crashingImage: options.crashingImage ?? /:crash[-a-z0-9]*$/,
      kubelet: options.kubelet,
    };
    this.cluster = new KubeCluster(sim, options.now ?? (() => new Date()), options.namespaceTerminatingGets ?? 2);
  }

  async start(): Promise<string> {
    this.server = await startHttpServer((req, res) => void this.handle(req, res));
    return this.server.url;
  }

  async close(): Promise<void> {
    await this.server?.close();
  }

  get url(): string {
    if (!this.server) throw new Error('fake Kubernetes API not started');
    return this.server.url;
  }

  /** The next request matching answers with `status` instead (once). */
  failNext(match: { method?: string; path: RegExp }, status: KubeStatus): void {
    this.failures.push({ ...match, status });
  }

  clearRequests(): void {
    this.requests.length = 0;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    const contentType = req.headers['content-type'];
    try {
      const text = await readBody(req);
      const recorded: RecordedRequest = {
        method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        ...(contentType ? { contentType } : {}),
      };
      this.requests.push(recorded);
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!token || !this.options.acceptToken(token)) throw refuse(401, 'Unauthorized', 'Unauthorized');
      const injected = this.failures.findIndex((f) => (!f.method || f.method === method) && f.path.test(url.pathname));
      if (injected >= 0) throw new KubeStatusError(this.failures.splice(injected, 1)[0].status);
      if (text) recorded.body = parseBody(text);
      const { code, body } = this.dispatch(method, url, contentType, recorded.body);
      send(res, code, body);
    } catch (err) {
      if (err instanceof KubeStatusError) send(res, err.status.code, statusBody(err.status));
      else send(res, 500, statusBody({ code: 500, reason: 'InternalError', message: String(err) }));
    }
  }

  private dispatch(
    method: string,
    url: URL,
    contentType: string | undefined,
    body: unknown,
  ): { code: number; body: unknown } {
    const r = route(url.pathname);
    switch (r.type) {
      case 'discovery':
        if (method !== 'GET') throw methodNotAllowed(method);
        return { code: 200, body: r.body };
      case 'pods':
        if (method !== 'GET') throw methodNotAllowed(method);
        return {
          code: 200,
          body: this.cluster.listPods(r.namespace, url.searchParams.get('labelSelector') ?? undefined),
        };
      case 'unknown':
        throw refuse(404, 'NotFound', 'the server could not find the requested resource');
      case 'object':
        return this.objectRequest(method, url, contentType, body, r.kind, r.namespace, r.name);
    }
  }

  private objectRequest(
    method: string,
    url: URL,
    contentType: string | undefined,
    body: unknown,
    kind: Kind,
    namespace: string | undefined,
    name: string,
  ): { code: number; body: unknown } {
    switch (method) {
      case 'GET':
        return { code: 200, body: this.cluster.get(kind, namespace, name) };
      case 'PATCH': {
        if (contentType?.split(';')[0].trim() !== APPLY_CONTENT_TYPE) {
          throw refuse(
            415,
            'UnsupportedMediaType',
            `the body of the request was in an unknown format - accepted media types include: ${APPLY_CONTENT_TYPE}`,
          );
        }
        const fieldManager = url.searchParams.get('fieldManager');
        if (!fieldManager) {
          throw refuse(
            422,
            'Invalid',
            'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
          );
        }
        const force = url.searchParams.get('force');
        if (force !== null && force !== 'true' && force !== 'false') {
          throw refuse(400, 'BadRequest', `invalid force value "${force}"`);
        }
        const applied = this.cluster.apply({ kind, namespace, name, body, fieldManager, force: force === 'true' });
        return { code: applied.code, body: applied.object };
      }
      case 'DELETE':
        if (kind !== 'Namespace') throw methodNotAllowed(method);
        return { code: 200, body: this.cluster.deleteNamespace(name) };
      default:
        throw methodNotAllowed(method);
    }
  }
}

function methodNotAllowed(method: string) {
  return refuse(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource (${method})`);
}

function parseBody(text: string): unknown {
  try {
    // JSON is YAML: the apply content type says YAML, clients send either.
    return parseYaml(text);
  } catch (err) {
    throw refuse(400, 'BadRequest', `the body is not YAML: ${(err as Error).message.split('\n')[0]}`);
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw refuse(413, 'RequestEntityTooLarge', 'the request is too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
