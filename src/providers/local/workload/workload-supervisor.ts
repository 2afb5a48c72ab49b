import type { WorkloadLogger } from './local-workload-options';
import type { ReleaseProcesses } from './release-processes';
import type { WorkloadRecord } from './workload-repository';

export interface AdoptionReport {
  /** Still running from before: left alone. */
  adopted: string[];
  /** Should run but had died: started again. */
  restarted: string[];
  /** Should run but died soon after its last start: the supervisor starts it once its backoff allows. */
  backingOff: string[];
  /** Retired and gone: row deleted. */
  removed: string[];
}

/**
 * What a kubelet does for its pods: keeps every release that should run running, restarting
 * dead ones on their port with a backoff, and finishes retirements a restarted controller
 * left half done. It never sleeps inside a pass; the interval brings it back.
 */
export class WorkloadSupervisor {
  private timer?: NodeJS.Timeout;
  private pass?: Promise<void>;

  constructor(
    private readonly processes: ReleaseProcesses,
    private readonly intervalMs: number,
    private readonly logger: WorkloadLogger,
  ) {}

  /** At controller start: takes back what the previous controller left running. */
  async adopt(): Promise<AdoptionReport> {
    const report: AdoptionReport = { adopted: [], restarted: [], backingOff: [], removed: [] };
    for (const { name } of await this.processes.repository.list()) {
      await this.processes.exclusive(name, async () => {
        const observed = await this.processes.observe(name);
        const { record, identity } = observed;
        if (!record) return;
        if (identity === 'ours' && record.desired === 'running') {
          this.logger.info(
            { workload: name, pid: record.pid, port: record.port },
            `re-adopted ${name} pid ${record.pid} port ${record.port}`,
          );
          report.adopted.push(name);
        } else if (record.desired === 'running') {
          ((await this.restart(record)) ? report.restarted : report.backingOff).push(name);
        } else {
          const step = await this.processes.retireStep(observed);
          if (step.status === 'done') report.removed.push(name);
        }
      });
    }
    return report;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.runPass(), this.intervalMs);
    // The controller's HTTP server keeps the process alive; the supervisor must not.
    this.timer.unref();
  }

  /** Stops the loop and waits for a pass in flight, so nothing acts after stop() resolves. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.pass;
  }

  /** One pass over every release; exposed so tests and callers need not wait for the timer. */
  async superviseOnce(): Promise<void> {
    for (const { name } of await this.processes.repository.list()) {
      await this.processes.exclusive(name, async () => {
        const observed = await this.processes.observe(name);
        if (!observed.record) return;
        if (observed.record.desired === 'retired') {
          // Escalates to SIGKILL past the deadline even if nobody calls retire() again.
          if (observed.identity === 'ours') await this.processes.retireStep(observed);
        } else if (observed.identity !== 'ours') {
          await this.restart(observed.record);
        }
      });
    }
  }

  private runPass(): void {
    if (this.pass) return;
    this.pass = this.superviseOnce()
      .catch((err: unknown) => this.logger.error({ err }, `supervisor pass failed: ${(err as Error).message}`))
      .finally(() => (this.pass = undefined));
  }

  private async restart(record: WorkloadRecord): Promise<boolean> {
    const outcome = await this.processes.restartIfDue(record);
    const why = outcome.lastLine ? `; its last log line: ${outcome.lastLine}` : '';
    if ('waitMs' in outcome) return false;
    this.logger.warn(
      { workload: record.name, previousPid: record.pid, pid: outcome.started.pid, port: outcome.started.port },
      `${record.name} pid ${record.pid} died; restarted as pid ${outcome.started.pid} port ${outcome.started.port} (restart ${outcome.started.restarts})${why}`,
    );
    return true;
  }
}
