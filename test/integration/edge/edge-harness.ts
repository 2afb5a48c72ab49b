import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Agent, type Dispatcher } from 'undici';
import { freePort } from '../../support/free-port';
import { spawnAndWaitForReady, type ManagedProcess } from '../../support/processes';

// Helpers for driving the compiled edge (`npx tsc -p tsconfig.build.json` first) as a real process.

export const EDGE_MAIN = join(__dirname, '../../../dist/src/providers/local/edge/edge-main.js');
export const ADMIN_TOKEN = 'integration-admin-token-0123456789abcdef';

export interface EdgeProcess {
  proc: ManagedProcess;
  publicPort: number;
  adminPort: number;
  publicUrl: string;
  adminUrl: string;
  statePath: string;
}

export interface StartEdgeOptions {
  statePath: string;
  publicPort?: number;
  adminPort?: number;
  env?: Record<string, string>;
  /** What "ready" means; by default the public port accepting requests (whatever the status). */
  readyOn?: 'public' | 'admin';
}

export async function startEdgeProcess(options: StartEdgeOptions): Promise<EdgeProcess> {
  if (!existsSync(EDGE_MAIN)) throw new Error(`${EDGE_MAIN} is missing: run npx tsc -p tsconfig.build.json first`);
  const publicPort = options.publicPort ?? (await freePort());
  const adminPort = options.adminPort ?? (await freePort());
  const publicUrl = `http://127.0.0.1:${publicPort}`;
  const adminUrl = `http://127.0.0.1:${adminPort}`;
  const probe = new Agent({ pipelining: 0 });
  try {
    const proc = await spawnAndWaitForReady(EDGE_MAIN, {
      name: 'edge',
      // No inherited EDGE_* variable may change what a test thinks it started.
      inheritEnv: false,
      env: {
        PATH: process.env.PATH,
        EDGE_HOST: '127.0.0.1',
        EDGE_PORT: String(publicPort),
        EDGE_ADMIN_PORT: String(adminPort),
        EDGE_STATE_FILE: options.statePath,
        EDGE_ADMIN_TOKEN: ADMIN_TOKEN,
        EDGE_DRAIN_TIMEOUT_MS: '5000',
        ...options.env,
      },
      ready: async () => {
        const url = options.readyOn === 'admin' ? `${adminUrl}/healthz` : `${publicUrl}/__edge_ready_probe`;
        const { origin, pathname } = new URL(url);
        const res = await probe.request({ origin, path: pathname, method: 'GET' });
        await res.body.dump();
        return true;
      },
    });
    return { proc, publicPort, adminPort, publicUrl, adminUrl, statePath: options.statePath };
  } finally {
    await probe.close();
  }
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json<T = unknown>(): T;
}

/** A small HTTP client over its own connection pool, which `close()` releases (jest must not see open handles). */
export class TestClient {
  readonly agent: Agent;

  constructor(options: Agent.Options = {}) {
    this.agent = new Agent({ keepAliveTimeout: 2_000, ...options });
  }

  async send(
    url: string,
    init: {
      method?: Dispatcher.HttpMethod;
      headers?: Record<string, string>;
      body?: string | Buffer;
      timeoutMs?: number;
    } = {},
  ): Promise<Reply> {
    const { origin, pathname, search } = new URL(url);
    const res = await this.agent.request({
      origin,
      path: pathname + search,
      method: init.method ?? 'GET',
      headers: init.headers,
      body: init.body,
      headersTimeout: init.timeoutMs ?? 10_000,
      bodyTimeout: init.timeoutMs ?? 10_000,
    });
    const text = await res.body.text();
    return {
      status: res.statusCode,
      headers: res.headers,
      text,
      json: <T>() => JSON.parse(text) as T,
    };
  }

  admin(edge: EdgeProcess, method: Dispatcher.HttpMethod, body?: unknown, token = ADMIN_TOKEN): Promise<Reply> {
    return this.send(`${edge.adminUrl}/admin/origin`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  async flip(edge: EdgeProcess, url: string, release: string): Promise<Reply> {
    const reply = await this.admin(edge, 'PUT', { url, release });
    if (reply.status !== 200) throw new Error(`flip to ${release} answered ${reply.status}: ${reply.text}`);
    return reply;
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}

/** The error shape every cutover service answers with. */
export const errorBody = (code: string) => ({
  error: { code, message: expect.any(String), details: expect.any(Object) },
});
