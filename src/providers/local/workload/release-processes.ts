import type { StepResult } from '../../ports';
import type { WorkloadSettings } from './local-workload-options';
import { KeyedMutex } from './keyed-mutex';
import { readLastLogLine } from './log-tail';
import { pickPort } from './loopback-port';
import { launchPredictor, releaseLogPath } from './predictor-launch';
import { inspectProcess, type ProcessIdentity } from './process-identity';
import { signalRelease } from './process-signals';
import { probeReadiness, type Readiness } from './readiness-probe';
import { calculateRestartWaitMs } from './restart-backoff';
import type { WorkloadRecord, WorkloadRepository } from './workload-repository';

export interface Observation {
  record?: WorkloadRecord;
  identity: ProcessIdentity;
}

export interface StartRequest {
  name: string;
  app: string;
  release: string;
  /** Already checked: a real path inside an allowed directory. */
  artifact: string;
  preferredPort?: number;
  restarts: number;
}

export type RestartOutcome = { started: WorkloadRecord; lastLine?: string } | { waitMs: number; lastLine?: string };

const POLL_SECONDS = 0.5;

/**
 * Observing, starting, restarting and stopping release processes: the mechanics that the
 * WorkloadPort and the supervisor share. Callers hold `exclusive(name)` around
 * observe-then-act, so two loops never act on one release at once.
 */
export class ReleaseProcesses {
  private readonly mutex = new KeyedMutex();

  constructor(
    readonly repository: WorkloadRepository,
    private readonly settings: WorkloadSettings,
  ) {}

  exclusive<T>(name: string, task: () => Promise<T>): Promise<T> {
    return this.mutex.run(name, task);
  }

  async observe(name: string): Promise<Observation> {
    const record = await this.repository.get(name);
    if (!record) return { identity: 'gone' };
    const identity = await inspectProcess(record.pid, name);
    if (identity === 'foreign') {
      this.settings.logger.warn(
        { workload: name, pid: record.pid },
        `pid ${record.pid} recorded for ${name} now belongs to another process; treating ${name} as not running`,
      );
    }
    return { record, identity };
  }

  endpointOf(record: WorkloadRecord): string {
    return `http://${this.settings.host}:${record.port}`;
  }

  probe(record: WorkloadRecord): Promise<Readiness> {
    return probeReadiness(this.endpointOf(record), record.release, this.settings.readinessTimeoutMs);
  }

  /** Spawns the predictor and records it before returning, so a crash right after still finds it. */
  async start(request: StartRequest): Promise<WorkloadRecord> {
    const { host, logger } = this.settings;
    const port = await pickPort(host, request.preferredPort);
    if (request.preferredPort !== undefined && port !== request.preferredPort) {
      logger.warn(
        { workload: request.name, port, previousPort: request.preferredPort },
        `port ${request.preferredPort} of ${request.name} is taken by another process; using ${port}`,
      );
    }
    const at = this.isoNow();
    const pid = await launchPredictor({
      nodePath: this.settings.nodePath,
      predictorMain: this.settings.predictorMain,
      name: request.name,
      env: this.predictorEnv(request, port),
      logPath: releaseLogPath(this.settings.stateDir, request.name),
      banner: `cutover: starting ${request.name} on ${host}:${port} at ${at} (restart ${request.restarts})`,
    });
    const { name, app, release, artifact, restarts } = request;
    await this.repository.recordStart({ name, app, release, artifact, port, pid, restarts, at });
    const record: WorkloadRecord = {
      name,
      app,
      release,
      artifact,
      port,
      pid,
      restarts,
      desired: 'running',
      startedAt: at,
      updatedAt: at,
    };
    logger.info(
      { workload: record.name, pid, port, restarts: record.restarts },
      `started ${record.name} pid ${pid} port ${port}`,
    );
    return record;
  }

  /** Starts a release that should run but died, on its old port, once its backoff allows. */
  async restartIfDue(record: WorkloadRecord): Promise<RestartOutcome> {
    const lastLine = await readLastLogLine(releaseLogPath(this.settings.stateDir, record.name));
    const startedAtMs = record.startedAt === null ? undefined : Date.parse(record.startedAt);
    const waitMs = calculateRestartWaitMs(
      startedAtMs,
      record.restarts,
      this.settings.now(),
      this.settings.restartBackoff,
    );
    if (waitMs > 0) return { waitMs, lastLine };
    const started = await this.start({
      name: record.name,
      app: record.app,
      release: record.release,
      artifact: record.artifact,
      preferredPort: record.port,
      restarts: record.restarts + 1,
    });
    return { started, lastLine };
  }

  /**
   * One step of retiring a release: SIGTERM once (the predictor drains), SIGKILL once the
   * drain deadline has passed, done when the process is gone and its row deleted. The SIGTERM
   * time is the row's updated_at, so a restarted controller keeps the same deadline.
   */
  async retireStep({ record, identity }: Observation): Promise<StepResult> {
    if (!record) return { status: 'done', message: 'not running, nothing to retire' };
    const { name, pid } = record;
    if (identity !== 'ours' || pid === null) {
      await this.repository.remove(name);
      return { status: 'done', message: `${name} is not running; forgot it` };
    }
    if (record.desired === 'running') {
      await this.repository.markRetired(name, this.isoNow());
      signalRelease(pid, 'SIGTERM');
      this.settings.logger.info({ workload: name, pid }, `sent SIGTERM to ${name} pid ${pid}`);
      return this.progressing(
        `sent SIGTERM to ${name} pid ${pid}; waiting up to ${this.drainSeconds()} s for it to drain`,
      );
    }
    const elapsedMs = this.settings.now() - Date.parse(record.updatedAt);
    if (elapsedMs < this.settings.drainTimeoutMs) {
      return this.progressing(`${name} pid ${pid} is draining (${Math.round(elapsedMs / 1000)} s since SIGTERM)`);
    }
    signalRelease(pid, 'SIGKILL');
    this.settings.logger.warn({ workload: name, pid }, `${name} pid ${pid} outlived its drain deadline; sent SIGKILL`);
    return this.progressing(`${name} pid ${pid} did not exit within ${this.drainSeconds()} s of SIGTERM; sent SIGKILL`);
  }

  progressing(
    message: string,
    retryAfterSeconds = POLL_SECONDS,
  ): { status: 'progressing'; message: string; retryAfterSeconds: number } {
    return { status: 'progressing', message, retryAfterSeconds };
  }

  private predictorEnv(request: StartRequest, port: number): Record<string, string> {
    return {
      LOG_LEVEL: 'info',
      // The predictor gives up on stuck requests and exits by itself before we would SIGKILL it.
      SHUTDOWN_TIMEOUT_MS: String(Math.max(0, this.settings.drainTimeoutMs - 1_000)),
      ...this.settings.predictorEnv,
      HOST: this.settings.host,
      PORT: String(port),
      RELEASE_ID: request.release,
      MODEL_PATH: request.artifact,
    };
  }

  private drainSeconds(): number {
    return Math.round(this.settings.drainTimeoutMs / 100) / 10;
  }

  private isoNow(): string {
    return new Date(this.settings.now()).toISOString();
  }
}
