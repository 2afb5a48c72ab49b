import { DNS1123_LABEL } from '../../../deployments/domain/names';
import type { ReleaseTarget, StepResult, WorkloadPort, WorkloadResult } from '../../ports';
import { resolveArtifact } from './artifact-path';
import { inspectProcess } from './process-identity';
import { signalRelease } from './process-signals';
import { withDefaults, type LocalWorkloadOptions, type WorkloadSettings } from './local-workload-options';
import { ReleaseProcesses } from './release-processes';
import { WorkloadRepository, type WorkloadRecord } from './workload-repository';
import { WorkloadSupervisor, type AdoptionReport } from './workload-supervisor';

/**
 * The local provider's workloads: each release is a predictor process on a loopback port,
 * recorded in `local_workloads`, detached so it outlives the controller, and re-adopted by
 * the next one. Every call observes first and returns at once; the reconciler calls again.
 */
export class LocalWorkload implements WorkloadPort {
  private readonly settings: WorkloadSettings;
  private readonly processes: ReleaseProcesses;
  /** Public so the module can hand it to the lifecycle hooks; adopt/start/stop below do the same. */
  readonly supervisor: WorkloadSupervisor;

  constructor(options: LocalWorkloadOptions) {
    this.settings = withDefaults(options);
    this.processes = new ReleaseProcesses(new WorkloadRepository(options.db), this.settings);
    this.supervisor = new WorkloadSupervisor(this.processes, this.settings.superviseIntervalMs, this.settings.logger);
  }

  async ensureRunning(target: ReleaseTarget): Promise<WorkloadResult> {
    const problem = describeTargetProblem(target);
    if (problem) return { status: 'failed', message: problem };
    return this.processes.exclusive(target.name, async () => {
      const artifact = await resolveArtifact(target.artifact, this.settings.allowedArtifactDirs);
      const observed = await this.processes.observe(target.name);
      const { record, identity } = observed;
      if (record?.desired === 'running' && artifact.ok && artifact.path !== record.artifact) {
        return {
          status: 'failed',
          message: `${target.name} was started with artifact ${record.artifact}, not ${artifact.path}; a release's artifact cannot change`,
        };
      }
      if (record && identity === 'ours') {
        if (record.desired === 'running') return this.reportReadiness(record);
        const step = await this.processes.retireStep(observed);
        return this.processes.progressing(
          `${target.name} is still being retired (${step.message}); it starts again once it has exited`,
        );
      }
      if (!artifact.ok) return { status: 'failed', message: artifact.problem };
      if (record?.desired === 'running') return this.restart(record);
      const started = await this.processes.start({
        name: target.name,
        app: target.app,
        release: target.release,
        artifact: artifact.path,
        preferredPort: record?.port,
        restarts: 0,
      });
      return this.processes.progressing(
        `started ${target.name} pid ${started.pid} on port ${started.port}; waiting for /readyz`,
      );
    });
  }

  async findEndpoint(target: ReleaseTarget): Promise<string | undefined> {
    if (describeTargetProblem(target)) return undefined;
    const { record, identity } = await this.processes.observe(target.name);
    if (!record || identity !== 'ours' || record.desired !== 'running') return undefined;
    const readiness = await this.processes.probe(record);
    return readiness.kind === 'ready' ? this.processes.endpointOf(record) : undefined;
  }

  async retire(target: ReleaseTarget): Promise<StepResult> {
    if (describeTargetProblem(target)) return { status: 'done', message: `${target.name} was never started` };
    return this.processes.exclusive(target.name, async () =>
      this.processes.retireStep(await this.processes.observe(target.name)),
    );
  }

  /** At controller start, before the reconciler runs: takes back what the previous controller left. */
  adopt(): Promise<AdoptionReport> {
    return this.supervisor.adopt();
  }

  /** Starts restarting dead releases every `superviseIntervalMs`. */
  start(): void {
    this.supervisor.start();
  }

  /** Stops supervising; the release processes keep running. */
  stop(): Promise<void> {
    return this.supervisor.stop();
  }

  /**
   * Stops every release process but keeps its row wanting to run, so the next controller start
   * brings the same releases back on the same ports (used when a person stops `npm start`).
   */
  async stopProcesses(): Promise<string[]> {
    await this.supervisor.stop();
    const stopped: string[] = [];
    for (const { name } of await this.processes.repository.list()) {
      const { record, identity } = await this.processes.observe(name);
      if (!record?.pid || identity !== 'ours') continue;
      signalRelease(record.pid, 'SIGTERM');
      stopped.push(name);
      const deadline = this.settings.now() + this.settings.drainTimeoutMs;
      while ((await inspectProcess(record.pid, name)) === 'ours' && this.settings.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
      }
      if ((await inspectProcess(record.pid, name)) === 'ours') signalRelease(record.pid, 'SIGKILL');
    }
    return stopped;
  }

  private async reportReadiness(record: WorkloadRecord): Promise<WorkloadResult> {
    const readiness = await this.processes.probe(record);
    const endpoint = this.processes.endpointOf(record);
    switch (readiness.kind) {
      case 'ready':
        return { status: 'done', message: `${record.name} pid ${record.pid} is ready at ${endpoint}`, endpoint };
      case 'not-ready':
        // The predictor answers 503 only after loading failed for good: waiting cannot help.
        return { status: 'failed', message: `${record.name} cannot become ready: ${readiness.reason}` };
      case 'no-answer':
        return this.processes.progressing(
          `${record.name} pid ${record.pid} is starting on port ${record.port} (${readiness.detail})`,
        );
    }
  }

  private async restart(record: WorkloadRecord): Promise<WorkloadResult> {
    const outcome = await this.processes.restartIfDue(record);
    const why = outcome.lastLine ? `; its last log line: ${outcome.lastLine}` : '';
    if ('waitMs' in outcome) {
      const seconds = Math.ceil(outcome.waitMs / 100) / 10;
      return this.processes.progressing(
        `${record.name} pid ${record.pid} exited; restart ${record.restarts + 1} in ${seconds} s${why}`,
        seconds,
      );
    }
    const { pid, port } = outcome.started;
    return this.processes.progressing(`${record.name} had exited${why}; restarted as pid ${pid} on port ${port}`);
  }
}

/** Names end up in file paths, command lines and the predictor's RELEASE_ID: only DNS-1123 labels. */
function describeTargetProblem({ name, release }: ReleaseTarget): string | undefined {
  if (name.length > 63 || !DNS1123_LABEL.test(name)) return `workload name "${name}" is not a DNS-1123 label`;
  if (release.length > 63 || !DNS1123_LABEL.test(release)) return `release id "${release}" is not a DNS-1123 label`;
  return undefined;
}
