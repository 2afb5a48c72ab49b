import type { Client } from '@libsql/client';
import type { RestartBackoff } from './restart-backoff';

/** Pino-shaped, so the controller can pass a pino child logger as is. */
export interface WorkloadLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export const silentLogger: WorkloadLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

export interface LocalWorkloadOptions {
  /** The controller's state database (migration 1 applied: table local_workloads). */
  db: Client;
  /** The compiled predictor entry, e.g. `<root>/dist/predictor/src/main.js`. */
  predictorMain: string;
  /** Release logs go to `<stateDir>/releases/<name>/predictor.log`. */
  stateDir: string;
  /** Model artifacts must be files (after resolving symlinks) inside one of these. */
  allowedArtifactDirs: readonly string[];
  /** Where predictors listen and endpoints point. Default 127.0.0.1. */
  host?: string;
  /** How long one /readyz probe may take. Default 2 s. */
  readinessTimeoutMs?: number;
  /** From SIGTERM to SIGKILL on retire. Default 15 s. */
  drainTimeoutMs?: number;
  /** How often the supervisor looks for dead releases. Default 1 s. */
  superviseIntervalMs?: number;
  /** Delay between starts of a crashing release. Default 1 s doubling to 30 s. */
  restartBackoff?: RestartBackoff;
  /** Extra predictor environment (LOG_LEVEL, MAX_BATCH_ROWS...); HOST, PORT, RELEASE_ID, MODEL_PATH are always ours. */
  predictorEnv?: Record<string, string>;
  /** Default: the node running the controller. */
  nodePath?: string;
  /** Epoch milliseconds. */
  now?: () => number;
  logger?: WorkloadLogger;
}

export type WorkloadSettings = Required<Omit<LocalWorkloadOptions, 'db'>>;

export function withDefaults(options: LocalWorkloadOptions): WorkloadSettings {
  return {
    predictorMain: options.predictorMain,
    stateDir: options.stateDir,
    allowedArtifactDirs: options.allowedArtifactDirs,
    host: options.host ?? '127.0.0.1',
    readinessTimeoutMs: options.readinessTimeoutMs ?? 2_000,
    drainTimeoutMs: options.drainTimeoutMs ?? 15_000,
    superviseIntervalMs: options.superviseIntervalMs ?? 1_000,
    restartBackoff: options.restartBackoff ?? { initialMs: 1_000, maxMs: 30_000 },
    predictorEnv: options.predictorEnv ?? {},
    nodePath: options.nodePath ?? process.execPath,
    now: options.now ?? Date.now,
    logger: options.logger ?? silentLogger,
  };
}
