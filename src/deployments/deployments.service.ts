import { Inject, Injectable } from '@nestjs/common';
import type { AppSpec } from '../config/app-spec';
import { CONTROLLER_CONFIG, type ControllerConfig } from '../config/controller.config';
import { ARTIFACT_POLICY, type ArtifactPolicy } from '../providers/artifact-policy';
import { EDGE_PORT, type EdgeOrigin, type EdgePort } from '../providers/ports';
import {
  DEPLOYMENT_STORE,
  type DeploymentEvent,
  type DeploymentStore,
  type NewEvent,
  type Page,
} from '../store/deployment-store';
import { updateDeployment } from '../store/update-deployment';
import { newDeployment } from './deployment-factory';
import type { Deployment, PublicStep, ReleaseRef, Trigger } from './domain/deployment';
import { calculatePhase, type Phase } from './domain/phase';
import {
  AppNotFound,
  DeploymentInFlight,
  DeploymentNotFound,
  InvalidTransition,
  NoPreviousRelease,
  ReleaseNotFound,
  ValidationFailed,
} from './domain/errors';
import { describeReleaseIdProblem } from './domain/names';
import { decideStepRequest } from './domain/step-requests';
import { decideRollbackRequest } from './domain/rollback-request';
import { failedGates, needsOverride } from './domain/decide-next-step';
import { DeploymentDriver, DEPLOYMENT_DRIVER } from './deployment-driver';
import { ModelEvidence } from '../smoke/model-evidence';
import { describeLedger, type LedgerEntry } from './release-ledger';

export interface AppStatus {
  app: string;
  active: ReleaseRef | null;
  previous: ReleaseRef | null;
  inFlight: { id: string; release: string; phase: Phase } | null;
  edge: { url: string; origin: EdgeOrigin | null };
  policy: Pick<AppSpec, 'autoPromote' | 'scaleDownDelaySeconds' | 'progressDeadlineSeconds'>;
}

export interface CreateDeploymentInput {
  release: string;
  artifact: string;
  commit?: string;
  workflowUrl?: string;
  autoPromote?: boolean;
  supersede?: boolean;
  stepwise?: boolean;
  featureChange?: boolean;
  trigger?: Trigger['source'];
}

/** The operations the API offers; each validates, decides with the domain, persists, and wakes the reconciler. */
@Injectable()
export class DeploymentsService {
  private readonly apps: Map<string, AppSpec>;

  constructor(
    @Inject(CONTROLLER_CONFIG) config: ControllerConfig,
    @Inject(DEPLOYMENT_STORE) private readonly store: DeploymentStore,
    @Inject(ARTIFACT_POLICY) private readonly artifacts: ArtifactPolicy,
    @Inject(EDGE_PORT) private readonly edge: EdgePort,
    @Inject(DEPLOYMENT_DRIVER) private readonly driver: DeploymentDriver,
    private readonly evidence: ModelEvidence,
  ) {
    this.apps = new Map(config.apps.map((a) => [a.name, a]));
  }

  app(name: string): AppSpec {
    const app = this.apps.get(name);
    if (!app) throw new AppNotFound(name);
    return app;
  }

  async create(
    appName: string,
    input: CreateDeploymentInput,
    actor: string,
  ): Promise<{ deployment: Deployment; created: boolean }> {
    const app = this.app(appName);
    const problem = describeReleaseIdProblem(input.release);
    if (problem) throw new ValidationFailed(problem, { field: 'release' });
    const inFlight = await this.store.findInFlight(app.name);
    if (inFlight?.release === input.release && !inFlight.outcome) return { deployment: inFlight, created: false };
    const artifact = await this.artifacts.check(app, input.artifact);
    if (!artifact.ok) throw new ValidationFailed(artifact.problem, { field: 'artifact' });
    if (inFlight) await this.clearInFlight(inFlight, input, actor);

    const state = await this.store.getAppState(app.name);
    if (state.active?.release === input.release) {
      throw new InvalidTransition(`release ${input.release} is already active for ${app.name}`, {
        active: state.active,
      });
    }
    const known = await this.store.getRelease(app.name, input.release);
    if (known && known.artifact !== artifact.artifact) {
      throw new ValidationFailed(
        `release ${input.release} was first deployed with artifact ${known.artifact}; a release id names one artifact`,
        {
          field: 'artifact',
          recorded: known.artifact,
        },
      );
    }
    const trigger: Trigger = {
      source: input.trigger ?? 'ci',
      actor,
      commit: input.commit,
      workflowUrl: input.workflowUrl,
    };
    const deployment = newDeployment(
      {
        app: app.name,
        release: input.release,
        artifact: artifact.artifact,
        kind: 'deploy',
        trigger,
        blue: state.active,
        autoPromote: input.autoPromote ?? app.autoPromote,
        stepwise: input.stepwise ?? false,
      },
      new Date(),
    );
    if (input.featureChange) deployment.declaredFeatureChange = true;
    let stored: Deployment;
    try {
      stored = await this.store.insert(deployment, [
        { type: 'created', data: { release: input.release, by: actor, blue: state.active?.release ?? null } },
      ]);
    } catch (err) {
      // Lost a race with an identical request: answer with the winner, as a retry would.
      const winner = err instanceof DeploymentInFlight ? await this.store.findInFlight(app.name) : undefined;
      if (winner?.release === input.release) return { deployment: winner, created: false };
      throw err;
    }
    const model = await this.evidence.artifact(artifact.artifact);
    await this.store.recordRelease({
      app: app.name,
      release: input.release,
      artifact: artifact.artifact,
      artifactSha256: artifact.sha256,
      modelVersion: model ? `${model.name}-${model.version}` : undefined,
      commit: input.commit,
      firstDeploymentId: stored.id,
      createdAt: stored.createdAt,
      record: {
        trigger,
        ...(model && {
          model: {
            name: model.name,
            version: model.version,
            features: model.features,
            algorithm: model.provenance.algorithm,
            holdout: model.metrics.holdout,
          },
        }),
      },
    });
    this.driver.wake(stored.id);
    return { deployment: stored, created: true };
  }

  async appStatus(appName: string): Promise<AppStatus> {
    const app = this.app(appName);
    const [state, inFlight, origin] = await Promise.all([
      this.store.getAppState(app.name),
      this.store.findInFlight(app.name),
      this.edge.currentOrigin(app.name).catch(() => null),
    ]);
    return {
      app: app.name,
      active: state.active,
      previous: state.previous,
      inFlight: inFlight ? { id: inFlight.id, release: inFlight.release, phase: calculatePhase(inFlight) } : null,
      edge: { url: this.edge.publicUrl(app.name), origin },
      policy: {
        autoPromote: app.autoPromote,
        scaleDownDelaySeconds: app.scaleDownDelaySeconds,
        progressDeadlineSeconds: app.progressDeadlineSeconds,
      },
    };
  }

  async listApps(): Promise<AppStatus[]> {
    return Promise.all([...this.apps.keys()].map((name) => this.appStatus(name)));
  }

  /** Every release of the app with its record and what each of its deployments did. */
  async releases(appName: string): Promise<LedgerEntry[]> {
    const app = this.app(appName);
    const [releases, history] = await Promise.all([this.store.listReleases(app.name), this.allDeployments(app.name)]);
    return describeLedger(releases, history);
  }

  private async allDeployments(app: string): Promise<Deployment[]> {
    const all: Deployment[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.store.list(app, { limit: 100, cursor });
      all.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor && all.length < 10_000);
    return all;
  }

  async get(id: string): Promise<Deployment> {
    const d = await this.store.get(id);
    if (!d) throw new DeploymentNotFound(id);
    return d;
  }

  async list(appName: string, limit: number, cursor?: string): Promise<Page<Deployment>> {
    this.app(appName);
    return this.store.list(appName, { limit, cursor });
  }

  async events(id: string, afterId: number): Promise<DeploymentEvent[]> {
    await this.get(id);
    return this.store.eventsAfter(id, afterId);
  }

  async requestStep(
    id: string,
    step: PublicStep,
    actor: string,
  ): Promise<{ deployment: Deployment; alreadyDone: boolean }> {
    let alreadyDone = false;
    const deployment = await updateDeployment(this.store, id, (d) => {
      const decision = decideStepRequest(d, step);
      if (decision.kind === 'already-done') {
        alreadyDone = true;
        return null;
      }
      d.allowedThrough = decision.allowedThrough;
      // The deadline counts from the request: time spent waiting for CI is not the cloud's.
      d.progressAt = new Date().toISOString();
      if (step === 'promote' && !d.checkpoints.promotionApproved) {
        d.checkpoints.promotionApproved = d.progressAt;
        d.approvedBy = actor;
      }
      return [{ type: 'step.requested', data: { step, by: actor } }];
    });
    this.driver.wake(id);
    return { deployment, alreadyDone };
  }

  /**
   * Approves promotion. Past failed non-critical gates only with an explicit override, which is
   * recorded with who gave it and why.
   */
  async promote(id: string, actor: string, opts: { override?: boolean; reason?: string } = {}): Promise<Deployment> {
    const deployment = await updateDeployment(this.store, id, (d) => {
      if (d.outcome || d.finishedAt)
        throw new InvalidTransition(`deployment ${id} is ${d.outcome?.phase ?? 'finished'}; it cannot be promoted`);
      if (d.checkpoints.edgeFlipped) return null;
      const events: NewEvent[] = [];
      const now = new Date().toISOString();
      if (needsOverride(d)) {
        const gates = failedGates(d);
        if (!opts.override) {
          throw new InvalidTransition(
            `green failed non-critical gates (${gates.join(', ')}); promote with override: true to go past them`,
            { failedGates: gates },
          );
        }
        d.override = { by: actor, at: now, gates, ...(opts.reason ? { reason: opts.reason } : {}) };
        events.push({ type: 'override', data: { by: actor, gates, reason: opts.reason ?? null } });
      }
      if (!d.checkpoints.promotionApproved) {
        d.checkpoints.promotionApproved = now;
        d.approvedBy = actor;
        events.push({ type: 'promoted', data: { by: actor } });
      }
      if (events.length === 0) return null;
      if (d.allowedThrough !== 'all') d.allowedThrough = 'promote';
      d.progressAt = now;
      return events;
    });
    this.driver.wake(id);
    return deployment;
  }

  /** Runs the smoke test again on a green that is waiting for promotion (after fixing blue, say). */
  async rerunSmokeTest(id: string, actor: string): Promise<Deployment> {
    const deployment = await updateDeployment(this.store, id, (d) => {
      if (d.outcome || d.finishedAt || !d.checkpoints.smokePassed || d.checkpoints.edgeFlipped) {
        throw new InvalidTransition(
          `deployment ${id} is not waiting for promotion; the smoke test can only be re-run before the flip`,
        );
      }
      delete d.checkpoints.smokePassed;
      delete d.smoke;
      delete d.override;
      d.progressAt = new Date().toISOString();
      return [{ type: 'smoke.rerun', data: { by: actor } }];
    });
    this.driver.wake(id);
    return deployment;
  }

  async abort(id: string, actor: string, reason = `aborted by ${actor}`): Promise<Deployment> {
    const deployment = await updateDeployment(this.store, id, (d) => {
      if (d.outcome) return null;
      if (d.finishedAt || d.checkpoints.blueRetired)
        throw new InvalidTransition(`deployment ${id} has finished; roll back instead`);
      d.outcome = { phase: 'Aborted', reason, at: new Date().toISOString(), by: actor };
      d.progressAt = d.outcome.at;
      delete d.nextAttemptAt;
      return [{ type: 'phase', data: { phase: 'Aborted', reason, by: actor } }];
    });
    this.driver.wake(id);
    return deployment;
  }

  /**
   * Back to the previous release. While the last deployment still keeps blue running, that is a
   * flip back; otherwise the previous release is deployed again from its recorded artifact. A
   * rollback already under way answers for a second one, so racing calls make one flip back.
   */
  async rollback(
    appName: string,
    to: string | undefined,
    actor: string,
  ): Promise<{ deployment: Deployment; created: boolean }> {
    const app = this.app(appName);
    const inFlight = await this.store.findInFlight(app.name);
    const decision = decideRollbackRequest(inFlight, to);
    if (inFlight && decision.kind === 'already-going-back') return { deployment: inFlight, created: false };
    if (inFlight && decision.kind === 'flip-back') {
      const deployment = await updateDeployment(this.store, inFlight.id, (d) => {
        if (d.outcome) return null;
        d.outcome = { phase: 'RolledBack', reason: `rolled back by ${actor}`, at: new Date().toISOString(), by: actor };
        d.progressAt = d.outcome.at;
        delete d.nextAttemptAt;
        return [{ type: 'phase', data: { phase: 'RolledBack', reason: d.outcome.reason, by: actor } }];
      });
      this.driver.wake(deployment.id);
      return { deployment, created: false };
    }
    if (inFlight) await this.driver.driveUntilFinished(inFlight.id);
    const state = await this.store.getAppState(app.name);
    const targetRelease = to ?? state.previous?.release;
    if (!targetRelease)
      throw new NoPreviousRelease(`app ${app.name} has no previous release to roll back to`, { app: app.name });
    const record = await this.store.getRelease(app.name, targetRelease);
    if (!record)
      throw new ReleaseNotFound(`app ${app.name} has no release ${targetRelease}`, { release: targetRelease });
    if (state.active?.release === targetRelease)
      throw new InvalidTransition(`release ${targetRelease} is already active`);
    const deployment = newDeployment(
      {
        app: app.name,
        release: targetRelease,
        artifact: record.artifact,
        kind: 'rollback',
        trigger: { source: 'operator', actor },
        blue: state.active,
        autoPromote: true,
        stepwise: false,
      },
      new Date(),
    );
    let stored: Deployment;
    try {
      stored = await this.store.insert(deployment, [
        { type: 'created', data: { release: targetRelease, by: actor, rollback: true } },
      ]);
    } catch (err) {
      // Lost a race with the same rollback: answer with the winner, so a retry redeploys once.
      const winner = err instanceof DeploymentInFlight ? await this.store.findInFlight(app.name) : undefined;
      if (winner?.kind === 'rollback' && winner.release === targetRelease)
        return { deployment: winner, created: false };
      throw err;
    }
    this.driver.wake(stored.id);
    return { deployment: stored, created: true };
  }

  private async clearInFlight(inFlight: Deployment, input: CreateDeploymentInput, actor: string): Promise<void> {
    if (!inFlight.outcome && !input.supersede)
      throw new DeploymentInFlight(inFlight.app, { id: inFlight.id, release: inFlight.release });
    if (!inFlight.outcome) await this.abort(inFlight.id, actor, `superseded by release ${input.release}`);
    await this.driver.driveUntilFinished(inFlight.id);
  }
}
