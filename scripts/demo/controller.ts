import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../predictor/src/project-paths';
import { killLeftovers, type DeploymentEvent, type DeploymentRecord } from '../bench/controller';
import { freePort, waitForHttp } from '../support/processes';

// The demo's controller: like scripts/bench/controller.ts (whose killLeftovers it reuses), but it
// tells its API URL, which the demo hands to the CLI.

export interface DemoController {
  api: string;
  edge: string;
  stateDir: string;
  logFile: string;
  /** GET with the viewer token; throws unless 2xx. */
  get<T>(path: string): Promise<T>;
  /** The deployment once finished, with its whole event log. */
  finished(id: string): Promise<{ record: DeploymentRecord; events: DeploymentEvent[] }>;
  logTail(lines?: number): string;
  /** SIGINT (the controller stops its releases and the edge), then kills leftovers; answers how many. */
  stop(): Promise<number>;
}

export async function startDemoController(dir: string, env: Record<string, string>): Promise<DemoController> {
  const [api, edge, admin] = [await freePort(), await freePort(), await freePort()];
  const stateDir = join(dir, 'state');
  const logFile = join(dir, 'controller.log');
  const log = openSync(logFile, 'a');
  const child = spawn(process.execPath, [join(PROJECT_ROOT, 'dist/src/main.js')], {
    cwd: PROJECT_ROOT,
    env: {
      ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CUTOVER_'))),
      ...{ CUTOVER_STATE_DIR: stateDir, CUTOVER_PORT: String(api), CUTOVER_EDGE_PORT: String(edge) },
      CUTOVER_EDGE_ADMIN_PORT: String(admin),
      ...env,
    },
    stdio: ['ignore', log, log],
    // Its own process group: Ctrl-C reaches the demo alone, which then sends the one SIGINT that
    // stops releases and edge (a second SIGINT would kill the controller halfway through).
    detached: true,
  });
  closeSync(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const base = `http://127.0.0.1:${api}`;
  let viewer = '';
  const get = async <T>(path: string, accept = 'application/json') => {
    const res = await fetch(`${base}${path}`, {
      headers: { authorization: `Bearer ${viewer}`, accept },
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) throw new Error(`GET ${path} answered ${res.status}`);
    return (accept === 'application/json' ? res.json() : res.text()) as Promise<T>;
  };
  const c: DemoController = {
    api: base,
    edge: `http://127.0.0.1:${edge}`,
    stateDir,
    logFile,
    get: (path) => get(path),
    async finished(id) {
      let record = await get<DeploymentRecord>(`/v1/deployments/${id}`);
      for (let i = 0; i < 50 && !record.finished; i++) {
        await new Promise((r) => setTimeout(r, 200));
        record = await get<DeploymentRecord>(`/v1/deployments/${id}`);
      }
      // A finished deployment's event stream replays every event and ends.
      const text = await get<string>(`/v1/deployments/${id}/events`, 'text/event-stream');
      const events = text
        .split('\n\n')
        .map((block) => ({
          type: /^event: (.*)$/m.exec(block)?.[1] ?? '',
          data: JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? '{}') as Record<string, unknown>,
        }))
        .filter((e) => e.type !== '')
        .map((e) => ({ ...e, at: String(e.data.at) }));
      return { record, events };
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
      exited.then(() => Promise.reject(new Error(`the controller exited with ${child.exitCode ?? child.signalCode}`))),
    ]);
    const tokens = JSON.parse(readFileSync(join(stateDir, 'tokens.json'), 'utf8')) as {
      tokens: { role: string; token: string }[];
    };
    viewer = tokens.tokens.find((t) => t.role === 'viewer')?.token ?? '';
    // The controller deploys housing v1 at first start; the demo begins once the edge serves it.
    for (let deadline = Date.now() + 30_000; ;) {
      const app = await get<{ active?: { release: string }; inFlight?: unknown }>('/v1/apps/housing');
      if (app.active && !app.inFlight) break;
      if (Date.now() > deadline) throw new Error('housing v1 was not active 30 s after the controller started');
      await new Promise((r) => setTimeout(r, 200));
    }
    return c;
  } catch (err) {
    await c.stop();
    throw new Error(`${(err as Error).message}\n--- controller log ---\n${c.logTail()}`);
  }
}
