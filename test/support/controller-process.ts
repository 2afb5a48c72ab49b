import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../predictor/src/project-paths';
// Belt and braces after a failed test: every pid the state dir recorded, if still ours.
import { killLeftovers } from '../../scripts/bench/controller';
import { freePort } from './free-port';
import { spawnAndWaitForReady, type ManagedProcess } from './processes';
import { makeTempDir, type TempDir } from './temp-dir';
import { waitFor } from './wait';

/** A JSON answer from the API; its body is whatever the route returns, read loosely by tests. */
export interface ApiAnswer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read many response shapes
  body: any;
}

export interface ControllerUnderTest {
  api: string;
  edge: string;
  stateDir: string;
  tokens: Record<'viewer' | 'ci' | 'operator', string>;
  proc: ManagedProcess;
  env: Record<string, string>;
  /** Calls the API with the role's token; answers status and parsed body. */
  call(method: string, path: string, body?: unknown, role?: 'viewer' | 'ci' | 'operator'): Promise<ApiAnswer>;
  /**
   * Restarts the controller process (after a crash, say) on the same state; `env` changes its
   * environment for this start and later ones (undefined removes a variable).
   */
  restart(env?: Record<string, string | undefined>): Promise<void>;
  /** Stops the controller, every release process and the edge; removes the state dir. */
  destroy(): Promise<void>;
}

/**
 * A real controller process on the local provider, on free ports, with its own state dir; it
 * deploys housing v1 at first start and the edge serves it before this returns.
 */
export async function startController(env: Record<string, string> = {}): Promise<ControllerUnderTest> {
  const dir: TempDir = await makeTempDir('cutover-e2e-');
  const [api, edge, admin] = [await freePort(), await freePort(), await freePort()];
  const fullEnv: Record<string, string> = {
    CUTOVER_STATE_DIR: join(dir.path, 'state'),
    CUTOVER_PORT: String(api),
    CUTOVER_EDGE_PORT: String(edge),
    CUTOVER_EDGE_ADMIN_PORT: String(admin),
    CUTOVER_SCALE_DOWN_DELAY_SECONDS: '3',
    CUTOVER_RECONCILE_INTERVAL_MS: '200',
    CUTOVER_LOG_LEVEL: 'info',
    ...env,
  };
  const script = join(PROJECT_ROOT, 'dist/src/main.js');
  const launch = () =>
    spawnAndWaitForReady(script, {
      env: fullEnv,
      cwd: PROJECT_ROOT,
      name: 'controller',
      timeoutMs: 30_000,
      ready: async () => (await fetch(`http://127.0.0.1:${api}/healthz`).catch(() => undefined))?.ok === true,
    });
  let proc = await launch();
  const tokensFile = join(fullEnv.CUTOVER_STATE_DIR, 'tokens.json');
  const tokens = Object.fromEntries(
    (JSON.parse(readFileSync(tokensFile, 'utf8')).tokens as { role: string; token: string }[]).map((t) => [
      t.role,
      t.token,
    ]),
  ) as ControllerUnderTest['tokens'];
  const base = `http://127.0.0.1:${api}`;
  const controller: ControllerUnderTest = {
    api: base,
    edge: `http://127.0.0.1:${edge}`,
    stateDir: fullEnv.CUTOVER_STATE_DIR,
    tokens,
    env: fullEnv,
    get proc() {
      return proc;
    },
    async call(method, path, body, role = 'operator') {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${tokens[role]}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
    async restart(env = {}) {
      await proc.stop({ signal: 'SIGKILL' });
      for (const [key, value] of Object.entries(env)) {
        if (value === undefined) delete fullEnv[key];
        else fullEnv[key] = value;
      }
      proc = await launch();
    },
    async destroy() {
      await proc.stop({ signal: 'SIGINT', timeoutMs: 30_000 });
      await killLeftovers(fullEnv.CUTOVER_STATE_DIR);
      await dir.remove();
    },
  };
  await waitFor(
    async () =>
      (await controller.call('GET', '/v1/apps/housing')).body?.active?.release === 'v1' &&
      !(await controller.call('GET', '/v1/apps/housing')).body.inFlight,
    {
      timeoutMs: 30_000,
      intervalMs: 200,
      what: 'housing v1 to be active',
    },
  );
  return controller;
}
