import { appSpecSchema, type AppSpec } from '../../../src/config/app-spec';
import type { ControllerConfig } from '../../../src/config/controller.config';
import { DeploymentsService } from '../../../src/deployments/deployments.service';
import type { Deployment, SmokeReport } from '../../../src/deployments/domain/deployment';
import { InvalidTransition } from '../../../src/deployments/domain/errors';
import { calculatePhase } from '../../../src/deployments/domain/phase';
import { createSteps } from '../../../src/deployments/steps/create-steps';
import { Reconciler } from '../../../src/reconciler/reconciler';
import type { EdgeVerifier } from '../../../src/smoke/edge-verifier';
import type { SmokeTester } from '../../../src/smoke/smoke-tester';
import { FakeWorld } from '../../fakes/fake-ports';
import { InMemoryStore } from '../../fakes/in-memory-store';

/** The controller's core, wired to in-memory fakes, with a clock the test moves. */
export class Harness {
  readonly world = new FakeWorld();
  readonly store = new InMemoryStore();
  readonly app: AppSpec;
  now = Date.parse('2026-01-01T00:00:00Z');
  smokePasses = true;
  /** A non-critical gate that fails (prediction shift), as a model retrained with another seed would. */
  shiftFails = false;
  smokeRuns = 0;
  verificationFails = false;
  readonly reconciler: Reconciler;
  readonly service: DeploymentsService;

  constructor(app: Partial<AppSpec> = {}) {
    this.app = appSpecSchema.parse({
      name: 'housing',
      scaleDownDelaySeconds: 30,
      progressDeadlineSeconds: 60,
      verify: { windowSeconds: 2 },
      ...app,
    });
    const smoke = {
      run: async ({ endpoint }: { endpoint: string }) => this.smokeReport(endpoint),
    } as unknown as SmokeTester;
    const verifier = {
      servedRelease: async () => ({ release: this.world.servedRelease() }),
    } as unknown as EdgeVerifier;
    const evidence = {
      reference: () => ({ columns: [], holdout: [], labels: [], target: 'MEDV' }),
      artifact: async () => undefined,
    };
    const sampler = {
      sample: async (_url: string, bodies: string[]) =>
        bodies.map(() =>
          this.verificationFails
            ? { ok: false, ms: 1, error: '503 upstream broken' }
            : { ok: true, release: this.world.servedRelease(), ms: 1 },
        ),
    };
    const steps = createSteps({ ...this.world, store: this.store, smoke, verifier, evidence, sampler });
    this.reconciler = new Reconciler(
      this.store,
      steps,
      (name) => (name === this.app.name ? this.app : undefined),
      () => this.now,
    );
    const config = { apps: [this.app] } as ControllerConfig;
    const artifacts = {
      check: async (_app: AppSpec, artifact: string) => ({ ok: true as const, artifact, sha256: 'f'.repeat(64) }),
    };
    const driver = {
      wake: () => undefined,
      driveUntilFinished: (id: string) => this.runToEnd(id).then(() => undefined),
    };
    this.service = new DeploymentsService(config, this.store, artifacts, this.world.edge, driver, evidence as never);
  }

  /** An app already serving `release` (as after an earlier deployment). */
  async withActive(release: string): Promise<void> {
    const artifact = `predictor/models/${release}.json`;
    await this.store.saveAppState({
      app: 'housing',
      active: { release, artifact },
      previous: null,
      version: 0,
      updatedAt: '',
    });
    await this.store.recordRelease({
      app: 'housing',
      release,
      artifact,
      firstDeploymentId: 'seed',
      createdAt: '',
      record: {},
    });
    this.world.running.set(`housing-${release}`, 'http://127.0.0.1:8999');
    this.world.origin = { release, endpoint: 'http://127.0.0.1:8999' };
  }

  deploy(release: string, extra: Partial<Parameters<DeploymentsService['create']>[1]> = {}) {
    return this.service.create(
      'housing',
      { release, artifact: `predictor/models/${release}.json`, ...extra },
      'ci-bot',
    );
  }

  /** Ticks (moving the clock by `stepSeconds` each time) until finished or `maxTicks`. */
  async runToEnd(id: string, opts: { maxTicks?: number; stepSeconds?: number } = {}): Promise<Deployment> {
    for (let i = 0; i < (opts.maxTicks ?? 200); i++) {
      const d = (await this.store.get(id))!;
      if (d.finishedAt) return d;
      await this.reconciler.tick(id);
      this.now += (opts.stepSeconds ?? 1) * 1000;
    }
    const d = (await this.store.get(id))!;
    if (!d.finishedAt) throw new InvalidTransition(`deployment ${id} did not finish: ${calculatePhase(d)}`);
    return d;
  }

  /** Ticks until the deployment reaches `phase` (bounded). */
  async runUntilPhase(id: string, phase: string, maxTicks = 50): Promise<Deployment> {
    for (let i = 0; i < maxTicks; i++) {
      const d = (await this.store.get(id))!;
      if (calculatePhase(d) === phase) return d;
      await this.reconciler.tick(id);
      this.now += 1000;
    }
    throw new Error(`never reached ${phase}`);
  }

  private smokeReport(endpoint: string): SmokeReport {
    const at = new Date(this.now).toISOString();
    const check = {
      name: 'golden-set',
      passed: this.smokePasses,
      critical: true,
      message: this.smokePasses ? 'ok' : '3 of 12 golden cases off',
    };
    this.smokeRuns++;
    const shift = {
      name: 'prediction-shift',
      passed: !this.shiftFails,
      critical: false,
      message: this.shiftFails ? 'predictions moved too far' : 'ok',
    };
    return { passed: this.smokePasses, startedAt: at, finishedAt: at, target: endpoint, checks: [check, shift] };
  }
}
