import { Agent, request, type Dispatcher } from 'undici';
import type { PublicStep } from '../deployments/domain/deployment';
import type {
  AppStatusView,
  CreateDeploymentBody,
  DeploymentView,
  HistoryPage,
  RollbackAnswer,
  StepAnswer,
} from './api-types';
import { ApiError, ConnectionError } from './cli-errors';

export interface ApiAnswer<T> {
  status: number;
  body: T;
}

/** Calls that change something can take as long as the controller needs to finish an earlier deployment. */
const HEADERS_TIMEOUT_MS = 120_000;
/** The event stream sends a heartbeat every 15 s; silence for longer means a dead connection. */
const EVENTS_IDLE_TIMEOUT_MS = 45_000;

/**
 * A typed client of the controller's HTTP API on undici. Answers the parsed JSON; throws
 * ApiError for an error answer and ConnectionError when the controller cannot be reached.
 */
export class ApiClient {
  private readonly agent = new Agent({ connect: { timeout: 10_000 } });

  constructor(
    readonly baseUrl: string,
    private readonly token: string | undefined,
  ) {}

  listApps = () => this.get<{ apps: AppStatusView[] }>('/v1/apps');
  getApp = (app: string) => this.get<AppStatusView>(`/v1/apps/${seg(app)}`);
  history = (app: string, limit?: number, cursor?: string) =>
    this.get<HistoryPage>(`/v1/apps/${seg(app)}/deployments${query({ limit, cursor })}`);
  releases = (app: string) => this.get<unknown>(`/v1/apps/${seg(app)}/releases`);
  getDeployment = (id: string) => this.get<DeploymentView>(`/v1/deployments/${seg(id)}`);

  createDeployment = (app: string, body: CreateDeploymentBody) =>
    this.call<DeploymentView>('POST', `/v1/apps/${seg(app)}/deployments`, body);
  requestStep = (id: string, step: PublicStep) =>
    this.call<StepAnswer>('POST', `/v1/deployments/${seg(id)}/steps/${seg(step)}`);
  promote = (id: string) => this.call<DeploymentView>('POST', `/v1/deployments/${seg(id)}/promote`);
  abort = (id: string) => this.call<DeploymentView>('POST', `/v1/deployments/${seg(id)}/abort`);
  rollback = (app: string, to?: string) =>
    this.call<RollbackAnswer>('POST', `/v1/apps/${seg(app)}/rollback`, to ? { to } : {});

  async get<T>(path: string): Promise<T> {
    return (await this.call<T>('GET', path)).body;
  }

  async call<T>(method: Dispatcher.HttpMethod, path: string, body?: unknown): Promise<ApiAnswer<T>> {
    const res = await this.send(method, path, {
      headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      headersTimeout: HEADERS_TIMEOUT_MS,
      bodyTimeout: HEADERS_TIMEOUT_MS,
    });
    const text = await this.readText(res);
    const parsed = parseJson(text);
    if (res.statusCode >= 400) throw toApiError(res.statusCode, parsed, text);
    return { status: res.statusCode, body: parsed as T };
  }

  /** Opens the deployment's event stream after `lastEventId`; answers the raw body to read chunk by chunk. */
  async openEvents(id: string, lastEventId: string | undefined): Promise<AsyncIterable<Uint8Array> & Destroyable> {
    const res = await this.send('GET', `/v1/deployments/${seg(id)}/events`, {
      headers: { accept: 'text/event-stream', ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
      headersTimeout: 30_000,
      bodyTimeout: EVENTS_IDLE_TIMEOUT_MS,
    });
    if (res.statusCode >= 400) {
      const text = await this.readText(res);
      throw toApiError(res.statusCode, parseJson(text), text);
    }
    return res.body;
  }

  /** Closes every connection (an open event stream too), so the process can exit. */
  async close(): Promise<void> {
    await this.agent.destroy().catch(() => undefined);
  }

  private async send(
    method: Dispatcher.HttpMethod,
    path: string,
    options: { headers: Record<string, string>; body?: string; headersTimeout: number; bodyTimeout: number },
  ): Promise<Dispatcher.ResponseData> {
    const headers = { ...options.headers, ...(this.token ? { authorization: `Bearer ${this.token}` } : {}) };
    try {
      return await request(`${this.baseUrl}${path}`, {
        method,
        headers,
        body: options.body,
        headersTimeout: options.headersTimeout,
        bodyTimeout: options.bodyTimeout,
        dispatcher: this.agent,
      });
    } catch (err) {
      throw new ConnectionError(this.baseUrl, networkReason(err));
    }
  }

  private async readText(res: Dispatcher.ResponseData): Promise<string> {
    try {
      return await res.body.text();
    } catch (err) {
      throw new ConnectionError(this.baseUrl, networkReason(err));
    }
  }
}

export interface Destroyable {
  destroy(error?: Error): unknown;
}

/** ECONNREFUSED, ECONNRESET, UND_ERR_SOCKET …: the most specific code an undici/node error carries. */
export function networkReason(err: unknown): string {
  const e = err as { code?: unknown; cause?: { code?: unknown }; errors?: { code?: unknown }[]; message?: unknown };
  const code = e?.code ?? e?.cause?.code ?? e?.errors?.find((x) => x?.code)?.code;
  if (typeof code === 'string' && code.length > 0) return code;
  return typeof e?.message === 'string' && e.message
    ? (e.message.split('\n', 1)[0] ?? e.message)
    : 'unknown network error';
}

export function toApiError(status: number, parsed: unknown, text: string): ApiError {
  const error = (parsed as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
  if (error && typeof error.code === 'string') {
    const details = typeof error.details === 'object' && error.details !== null ? error.details : {};
    return new ApiError(status, error.code, String(error.message ?? ''), details as Record<string, unknown>);
  }
  const snippet = text.trim().slice(0, 200) || 'no body';
  return new ApiError(status, `HTTP_${status}`, snippet);
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const seg = (s: string) => encodeURIComponent(s);

function query(params: Record<string, string | number | undefined>): string {
  const entries = Object.entries(params).filter(([, v]) => v !== undefined) as [string, string | number][];
  if (entries.length === 0) return '';
  return '?' + entries.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&');
}
