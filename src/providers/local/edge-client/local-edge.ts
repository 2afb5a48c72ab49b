import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AppSpec } from '../../../config/app-spec';
import type { EdgeOrigin, EdgePort, StepResult } from '../../ports';
import { launchDetached } from '../detached-process';
import { isDeadState, parseCmdline, parseStatState } from '../workload/process-identity';
import { EdgeAdminClient } from './edge-admin-client';

export interface LocalEdgeOptions {
  apps: AppSpec[];
  stateDir: string;
  /** Compiled `dist/src/providers/local/edge/edge-main.js`. */
  edgeMain: string;
  nodePath?: string;
  startTimeoutMs?: number;
  logLevel?: string;
}

/**
 * The local provider's edge: one reverse-proxy process per app (so a controller crash never
 * takes user traffic down), started on demand, flipped through its loopback admin API.
 */
export class LocalEdge implements EdgePort {
  private readonly clients = new Map<string, EdgeAdminClient>();
  /** A start in progress per app: concurrent callers share it instead of launching a second edge. */
  private readonly starting = new Map<string, Promise<boolean>>();

  constructor(private readonly options: LocalEdgeOptions) {}

  publicUrl(app: string): string {
    return `http://127.0.0.1:${this.spec(app).local.edgePort}`;
  }

  async currentOrigin(app: string): Promise<EdgeOrigin | null> {
    await this.ensureStarted(app);
    const state = await this.client(app).get();
    return state.origin && { release: state.origin.release, endpoint: state.origin.url };
  }

  async routeTo(app: string, origin: EdgeOrigin | null): Promise<StepResult> {
    await this.ensureStarted(app);
    const current = (await this.client(app).get()).origin;
    if (origin === null) {
      return current === null
        ? { status: 'done', message: 'the edge has no origin' }
        : {
            status: 'failed',
            message: `the local edge cannot be left without an origin; it still serves ${current.release}`,
          };
    }
    if (current?.release === origin.release && current.url === normalise(origin.endpoint)) {
      return { status: 'done', message: `the edge already serves ${origin.release}` };
    }
    const state = await this.client(app).put({ url: origin.endpoint, release: origin.release });
    return { status: 'done', message: `edge switched to ${origin.release} (generation ${state.generation})` };
  }

  /**
   * Starts the app's edge process unless it already answers; bounded by startTimeoutMs. True
   * when it had to start one. Callers racing here (a step and the periodic sync) share one
   * start: a second launch would lose the port and overwrite the pid file with its dead pid.
   */
  async ensureStarted(app: string): Promise<boolean> {
    const inProgress = this.starting.get(app);
    if (inProgress) return inProgress;
    const start = this.startUnlessHealthy(app).finally(() => this.starting.delete(app));
    this.starting.set(app, start);
    return start;
  }

  private async startUnlessHealthy(app: string): Promise<boolean> {
    const client = this.client(app);
    if (await client.healthy()) return false;
    const spec = this.spec(app);
    const dir = this.edgeDir(app);
    const pid = await launchDetached({
      nodePath: this.options.nodePath ?? process.execPath,
      script: this.options.edgeMain,
      args: [`--cutover-edge=${app}`],
      env: {
        EDGE_PORT: String(spec.local.edgePort),
        EDGE_ADMIN_PORT: String(spec.local.edgeAdminPort),
        EDGE_STATE_FILE: join(dir, 'state.json'),
        EDGE_ADMIN_TOKEN_FILE: this.tokenFile(app),
        EDGE_LOG_LEVEL: this.options.logLevel ?? 'info',
        PATH: '/usr/bin:/bin',
      },
      logPath: join(dir, 'edge.log'),
      banner: `edge for ${app} starting ${new Date().toISOString()}`,
    });
    writeFileSync(join(dir, 'edge.pid'), `${pid}\n`);
    const deadline = Date.now() + (this.options.startTimeoutMs ?? 10_000);
    while (Date.now() < deadline) {
      if (await client.healthy()) return true;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(
      `the local edge for ${app} did not start on 127.0.0.1:${spec.local.edgePort}; see ${join(dir, 'edge.log')}`,
    );
  }

  /** Stops the app's edge process (SIGTERM: it drains in-flight requests), if it is ours and running. */
  async stop(app: string): Promise<boolean> {
    const pidFile = join(this.edgeDir(app), 'edge.pid');
    if (!existsSync(pidFile)) return false;
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    if (!(await isEdgeProcess(pid, app))) return false;
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline && (await isEdgeProcess(pid, app))) await new Promise((r) => setTimeout(r, 50));
    return true;
  }

  private client(app: string): EdgeAdminClient {
    let client = this.clients.get(app);
    if (!client) {
      const spec = this.spec(app);
      const tokenFile = this.tokenFile(app);
      client = new EdgeAdminClient(`http://127.0.0.1:${spec.local.edgeAdminPort}`, () =>
        readFileSync(tokenFile, 'utf8').trim(),
      );
      this.clients.set(app, client);
    }
    return client;
  }

  /** The admin token lives in a file only the user can read; created on first use. */
  private tokenFile(app: string): string {
    const file = join(this.edgeDir(app), 'admin-token');
    if (!existsSync(file)) {
      mkdirSync(this.edgeDir(app), { recursive: true, mode: 0o700 });
      writeFileSync(file, randomBytes(32).toString('base64url') + '\n', { mode: 0o600, flag: 'wx' });
    }
    return file;
  }

  private edgeDir(app: string): string {
    return join(this.options.stateDir, 'edge', app);
  }

  private spec(app: string): AppSpec {
    const spec = this.options.apps.find((a) => a.name === app);
    if (!spec) throw new Error(`no local edge for unknown app ${app}`);
    return spec;
  }
}

async function isEdgeProcess(pid: number, app: string): Promise<boolean> {
  if (!Number.isInteger(pid) || pid <= 1) return false;
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return !isDeadState(parseStatState(stat)) && parseCmdline(cmdline).includes(`--cutover-edge=${app}`);
}

function normalise(url: string): string {
  return url.replace(/\/$/, '');
}
