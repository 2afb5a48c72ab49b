import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CONTROLLER_CONFIG, type ControllerConfig } from '../config/controller.config';
import type { DeploymentDriver } from '../deployments/deployment-driver';
import { InvalidTransition } from '../deployments/domain/errors';
import { calculatePhase } from '../deployments/domain/phase';
import { createSteps } from '../deployments/steps/create-steps';
import { ControllerMetrics } from '../metrics/controller-metrics';
import {
  COMPUTE_PORT,
  EDGE_PORT,
  WORKLOAD_PORT,
  type ComputePort,
  type EdgePort,
  type WorkloadPort,
} from '../providers/ports';
import { EdgeVerifier } from '../smoke/edge-verifier';
import { ModelEvidence } from '../smoke/model-evidence';
import { EdgeSampler } from '../smoke/edge-sampler';
import { SmokeTester } from '../smoke/smoke-tester';
import { DEPLOYMENT_STORE, type DeploymentStore } from '../store/deployment-store';
import { armFailpoint } from './failpoints';
import { Reconciler } from './reconciler';

const DRIVE_TIMEOUT_MS = 60_000;

/** Metrics speak the same words as step attempts in the API. */
const ATTEMPT_STATUS: Record<string, string> = { done: 'succeeded', progressing: 'waiting', failed: 'failed' };

/**
 * Runs the reconciler: a tick for every deployment in flight each interval (which also resumes
 * whatever a previous controller left in flight), and at once when something wakes one.
 */
@Injectable()
export class ReconcilerService implements DeploymentDriver, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Reconciler');
  private readonly reconciler: Reconciler;
  private timer?: NodeJS.Timeout;
  private loop?: Promise<void>;
  private stopped = false;

  constructor(
    @Inject(CONTROLLER_CONFIG) private readonly config: ControllerConfig,
    @Inject(DEPLOYMENT_STORE) private readonly store: DeploymentStore,
    @Inject(COMPUTE_PORT) compute: ComputePort,
    @Inject(WORKLOAD_PORT) workload: WorkloadPort,
    @Inject(EDGE_PORT) edge: EdgePort,
    smoke: SmokeTester,
    verifier: EdgeVerifier,
    evidence: ModelEvidence,
    sampler: EdgeSampler,
    private readonly metrics: ControllerMetrics,
  ) {
    const steps = createSteps({ compute, workload, edge, store, smoke, verifier, evidence, sampler });
    const apps = new Map(config.apps.map((a) => [a.name, a]));
    this.reconciler = new Reconciler(store, steps, (name) => apps.get(name), Date.now, {
      onDecision: (d, decision) => {
        const fields = { deploymentId: d.id, app: d.app, release: d.release, decision: decision.kind };
        if (decision.kind === 'run')
          this.logger.log({ ...fields, step: decision.step, msg: `run ${decision.step}: ${decision.reason}` });
        else if (decision.kind === 'fail' || decision.kind === 'finish')
          this.logger.log({ ...fields, msg: decision.reason });
      },
      onStepFinished: (d, step, status, seconds) => {
        this.metrics.stepDuration.observe({ step, status: ATTEMPT_STATUS[status] ?? status }, seconds);
        if ((step === 'promote' || step === 'restore-edge') && status === 'done') {
          this.metrics.flips.inc({ app: d.app, direction: step === 'promote' ? 'to-green' : 'back-to-blue' });
        }
        this.logger.log({
          deploymentId: d.id,
          app: d.app,
          release: d.release,
          step,
          status,
          seconds,
          msg: `${step} ${status} in ${seconds.toFixed(2)}s`,
        });
      },
      onFinished: (d) => {
        this.metrics.deployments.inc({ app: d.app, phase: calculatePhase(d) });
        void this.refreshActive(d.app);
      },
      onError: (d, err) =>
        this.logger.error({ deploymentId: d.id, app: d.app, release: d.release, err, msg: 'step threw' }),
      failpoint: armFailpoint(config.failpoint),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await Promise.all(this.config.apps.map((a) => this.refreshActive(a.name)));
    const resumed = await this.store.listInFlight();
    for (const d of resumed)
      this.logger.log({
        deploymentId: d.id,
        app: d.app,
        release: d.release,
        msg: `resuming ${d.id} in ${calculatePhase(d)}`,
      });
    this.schedule(0);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.loop;
  }

  wake(id: string): void {
    if (this.stopped) return;
    setImmediate(
      () =>
        void this.reconciler.tick(id).catch((err) => this.logger.error({ deploymentId: id, err, msg: 'tick failed' })),
    );
  }

  async driveUntilFinished(id: string): Promise<void> {
    const deadline = Date.now() + DRIVE_TIMEOUT_MS;
    while (Date.now() < deadline) {
      const d = await this.store.get(id);
      if (!d || d.finishedAt) return;
      await this.reconciler.tick(id);
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new InvalidTransition(`deployment ${id} is still being torn down; try again shortly`, { inFlight: id });
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.loop = this.reconciler
        .tickAll()
        .catch((err) => this.logger.error({ err, msg: 'reconcile loop failed; retrying' }))
        .finally(() => this.schedule(this.config.reconcileIntervalMs));
    }, delayMs);
  }

  private async refreshActive(app: string): Promise<void> {
    const state = await this.store.getAppState(app);
    this.metrics.setActive(app, state.active?.release);
  }
}
