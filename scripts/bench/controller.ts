import { createClient } from '@libsql/client';
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PROJECT_ROOT } from '../../predictor/src/project-paths';
import { freePort, waitForHttp } from '../support/processes';

// A real controller on the local provider for the benchmarks: its own state dir, free ports,
// output in a log file; stop() takes down the controller, every release process and the edge.

type Role = 'viewer' | 'ci' | 'operator';

export interface StepRecord {
  step: string;
  startedAt: string;
  endedAt?: string;
  status: string;
}

export interface DeploymentRecord {
  id: string;
  release: string;
  phase: string;
  finished: boolean;
  checkpoints: Record<string, string | undefined>;
  steps: StepRecord[];
  outcome?: { reason: string };
}

/** One entry of a deployment's event log (step.started, step.finished, phase, finished …). */
export interface DeploymentEvent {
  type: string;
  at: string;
  data: Record<string, unknown>;
}

export interface BenchController {
  edge: string;
  stateDir: string;
  /** Calls the API with the role's token; throws unless it answers 2xx. */
  call<T>(method: string, path: string, body?: unknown, role?: Role): Promise<T>;
  waitFinished(id: string, timeoutMs?: number): Promise<DeploymentRecord>;
  /** A finished deployment's whole event log, read from its server-sent-events stream. */
  events(id: string): Promise<DeploymentEvent[]>;
  logTail(lines?: number): string;
  /** SIGINT (stops releases and edge too), then kills leftovers; answers how many were left over. */
  stop(): Promise<number>;
}

export async function startController(dir: string, env: Record<string, string>): Promise<BenchController> {
  const [api, edgePort, admin] = [await freePort(), await freePort(), await freePort()];
  const stateDir = join(dir, 'state');
  const logFile = join(dir, 'controller.log');
  const log = openSync(logFile, 'a');
  const child: ChildProcess = spawn(process.execPath, [join(PROJECT_ROOT, 'dist/src/main.js')], {
    cwd: PROJECT_ROOT,
    env: {
      // The shell's own CUTOVER_* settings (a tokens or apps file, say) must not leak in.
      ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CUTOVER_'))),
      CUTOVER_STATE_DIR: stateDir,
      CUTOVER_PORT: String(api),
      CUTOVER_EDGE_PORT: String(edgePort),
      CUTOVER_EDGE_ADMIN_PORT: String(admin),
      ...env,
    },
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const base = `http://127.0.0.1:${api}`;
  let tokens: Record<string, string> = {};

  const controller: BenchController = {
    edge: `http://127.0.0.1:${edgePort}`,
    stateDir,
    async call<T>(method: string, path: string, body?: unknown, role: Role = 'viewer') {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${tokens[role]}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
      return JSON.parse(text) as T;
    },
    async waitFinished(id, timeoutMs = 120_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const d = await controller.call<DeploymentRecord>('GET', `/v1/deployments/${id}`);
        if (d.finished) return d;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error(`deployment ${id} did not finish within ${timeoutMs / 1000}s`);
    },
    async events(id) {
      const res = await fetch(`${base}/v1/deployments/${id}/events`, {
        headers: { authorization: `Bearer ${tokens.viewer}` },
        signal: AbortSignal.timeout(10_000),
      });
      if (!res.ok) throw new Error(`GET /v1/deployments/${id}/events answered ${res.status}`);
      return (await res.text())
        .split('\n\n')
        .map((block) => ({
          type: /^event: (.*)$/m.exec(block)?.[1] ?? '',
          data: JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? '{}') as Record<string, unknown>,
        }))
        .filter((e) => e.type !== '')
        .map((e) => ({ ...e, at: String(e.data.at) }));
    },
    logTail: (lines = 20) =>
      (existsSync(logFile) ? readFileSync(logFile, 'utf8').trimEnd().split('\n') : []).slice(-lines).join('\n'),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGINT');
        const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
        await exited;
        clearTimeout(timer);
      }
      return killLeftovers(stateDir);
    },
  };

  try {
    await Promise.race([
      waitForHttp(`${base}/healthz`, 30_000),
      exited.then(() => Promise.reject(new Error(`controller exited with ${child.exitCode ?? child.signalCode}`))),
    ]);
    const file = JSON.parse(readFileSync(join(stateDir, 'tokens.json'), 'utf8')) as {
      tokens: { role: string; token: string }[];
    };
    tokens = Object.fromEntries(file.tokens.map((t) => [t.role, t.token]));
    const deadline = Date.now() + 30_000;
    for (;;) {
      const app = await controller.call<{ active?: { release: string }; inFlight?: unknown }>(
        'GET',
        '/v1/apps/housing',
      );
      if (app.active?.release && !app.inFlight) break;
      if (Date.now() > deadline) throw new Error('housing v1 was not active 30s after the controller started');
      await new Promise((r) => setTimeout(r, 200));
    }
    return controller;
  } catch (err) {
    await controller.stop();
    throw new Error(`${(err as Error).message}\n--- controller log ---\n${controller.logTail()}`);
  }
}

/** Every pid the state dir recorded that is still running and still carries our marker: SIGKILL. */
export async function killLeftovers(stateDir: string): Promise<number> {
  const pids: { pid: number; marker: string }[] = [];
  const dbFile = join(stateDir, 'state.db');
  if (existsSync(dbFile)) {
    const db = createClient({ url: pathToFileURL(dbFile).href });
    try {
      for (const r of (await db.execute('SELECT name, pid FROM local_workloads')).rows)
        if (r.pid) pids.push({ pid: Number(r.pid), marker: `--cutover-workload=${String(r.name)}` });
    } catch {
      // A broken database has nothing more to tell.
    } finally {
      db.close();
    }
  }
  const edgePid = join(stateDir, 'edge', 'housing', 'edge.pid');
  if (existsSync(edgePid)) pids.push({ pid: Number(readFileSync(edgePid, 'utf8')), marker: '--cutover-edge=housing' });
  let killed = 0;
  for (const { pid, marker } of pids) {
    const cmdline = existsSync(`/proc/${pid}/cmdline`) ? readFileSync(`/proc/${pid}/cmdline`, 'utf8') : '';
    if (!cmdline.split('\0').includes(marker)) continue;
    try {
      process.kill(pid, 'SIGKILL');
      killed++;
    } catch {
      // Already gone.
    }
  }
  return killed;
}
