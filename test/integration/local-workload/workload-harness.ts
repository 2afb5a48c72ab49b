import type { Client } from '@libsql/client';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { copyFile, mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { request } from 'undici';
import { MODELS_DIR, PROJECT_ROOT } from '../../../predictor/src/project-paths';
import type { ReleaseTarget, StepResult, WorkloadResult } from '../../../src/providers/ports';
import { LocalWorkload } from '../../../src/providers/local/workload/local-workload';
import type {
  LocalWorkloadOptions,
  WorkloadLogger,
} from '../../../src/providers/local/workload/local-workload-options';
import { WorkloadRepository, type WorkloadRecord } from '../../../src/providers/local/workload/workload-repository';
import { openDatabase } from '../../../src/store/database';
import { makeTempDir, type TempDir } from '../../support/temp-dir';
import { sleep, waitFor } from '../../support/wait';

// Drives LocalWorkload against real predictor processes (`npx tsc -p tsconfig.build.json` first).

export const PREDICTOR_MAIN = join(PROJECT_ROOT, 'dist/predictor/src/main.js');
export const HOUSING_V1 = join(MODELS_DIR, 'housing-v1.json');

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  message: string;
}

export interface Harness {
  dir: TempDir;
  dbPath: string;
  db: Client;
  /** An allowed artifact directory holding a copy of housing-v1.json as `housing-v1.json`. */
  artifactsDir: string;
  /** Unique per harness, so cleanup can find every process this harness started by its marker. */
  app: string;
  logs: LogLine[];
  target(release: string, artifact?: string): ReleaseTarget;
  /** A LocalWorkload over the harness DB (or `db`), stopped at cleanup. */
  workload(options?: Partial<LocalWorkloadOptions>): LocalWorkload;
  rows(): Promise<WorkloadRecord[]>;
  row(name: string): Promise<WorkloadRecord | undefined>;
  /** Kills every process whose command line names this harness's app, closes DBs, removes the temp dir. */
  cleanup(): Promise<void>;
}

export async function createHarness(): Promise<Harness> {
  if (!existsSync(PREDICTOR_MAIN)) throw new Error(`${PREDICTOR_MAIN} is missing: run npx tsc -p tsconfig.build.json`);
  const dir = await makeTempDir('cutover-workload-');
  const artifactsDir = join(dir.path, 'artifacts');
  await mkdir(artifactsDir);
  await copyFile(HOUSING_V1, join(artifactsDir, 'housing-v1.json'));
  const dbPath = join(dir.path, 'state', 'cutover.db');
  const db = await openDatabase(dbPath);
  const app = `lw${randomBytes(4).toString('hex')}`;
  const logs: LogLine[] = [];
  const logger: WorkloadLogger = {
    info: (_fields, message) => logs.push({ level: 'info', message }),
    warn: (_fields, message) => logs.push({ level: 'warn', message }),
    error: (_fields, message) => logs.push({ level: 'error', message }),
  };
  const workloads: LocalWorkload[] = [];
  const repository = new WorkloadRepository(db);

  return {
    dir,
    dbPath,
    db,
    artifactsDir,
    app,
    logs,
    target: (release, artifact = join(artifactsDir, 'housing-v1.json')) => ({
      app,
      release,
      artifact,
      name: `${app}-${release}`,
    }),
    workload: (options = {}) => {
      const workload = new LocalWorkload({
        db,
        predictorMain: PREDICTOR_MAIN,
        stateDir: join(dir.path, 'state'),
        allowedArtifactDirs: [artifactsDir],
        drainTimeoutMs: 5_000,
        logger,
        ...options,
      });
      workloads.push(workload);
      return workload;
    },
    rows: () => repository.list(),
    row: (name) => repository.get(name),
    cleanup: async () => {
      await Promise.all(workloads.map((w) => w.stop()));
      await killMarked(`--cutover-workload=${app}-`);
      db.close();
      await dir.remove();
    },
  };
}

/** Pids of live processes with an argument starting with `prefix` (Linux /proc). */
export function findMarkedPids(prefix: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (args.some((arg) => arg.startsWith(prefix)) && !isZombie(Number(entry))) pids.push(Number(entry));
    } catch {
      // Exited while we looked.
    }
  }
  return pids;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !isZombie(pid);
  } catch {
    return false;
  }
}

function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return /^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch {
    return true;
  }
}

async function killMarked(prefix: string): Promise<void> {
  const pids = findMarkedPids(prefix);
  for (const pid of pids) {
    for (const target of [-pid, pid]) {
      try {
        process.kill(target, 'SIGKILL');
        break;
      } catch {
        // Not a group leader, or already gone.
      }
    }
  }
  await waitFor(() => pids.every((pid) => !isAlive(pid)), { timeoutMs: 5_000, what: 'test processes to die' });
}

/**
 * Calls a step the way the reconciler would, until it stops progressing. Honours retryAfter
 * but caps it, so tests run fast; bounded by `timeoutMs`.
 */
export async function untilSettled<T extends WorkloadResult | StepResult>(
  step: () => Promise<T>,
  { timeoutMs = 20_000, maxPauseMs = 100 } = {},
): Promise<{ result: T; calls: number; elapsedMs: number; history: T[] }> {
  const started = Date.now();
  const history: T[] = [];
  for (;;) {
    const result = await step();
    history.push(result);
    if (result.status !== 'progressing') {
      return { result, calls: history.length, elapsedMs: Date.now() - started, history };
    }
    if (Date.now() - started > timeoutMs) {
      throw new Error(`still progressing after ${timeoutMs} ms: ${result.message}`);
    }
    await sleep(Math.min(result.retryAfterSeconds * 1000, maxPauseMs));
  }
}

/** The endpoint of a done result; anything else fails the test with the result's message. */
export function endpointOf(result: WorkloadResult): string {
  if (result.status !== 'done') throw new Error(`expected done, got ${result.status}: ${result.message}`);
  return result.endpoint;
}

export async function getJson<T = Record<string, unknown>>(url: string): Promise<{ status: number; body: T }> {
  const res = await request(url, { reset: true, headersTimeout: 3_000, bodyTimeout: 3_000 });
  return { status: res.statusCode, body: (await res.body.json()) as T };
}

export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** The process group of `pid`, from /proc/<pid>/stat (field 5). */
export function processGroupOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
}
