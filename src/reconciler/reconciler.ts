import type { AppSpec } from '../config/app-spec';
import { decideNextStep, type Decision } from '../deployments/domain/decide-next-step';
import type { Deployment, StepName } from '../deployments/domain/deployment';
import { calculatePhase } from '../deployments/domain/phase';
import type { Step } from '../deployments/steps/step';
import type { DeploymentStore } from '../store/deployment-store';
import { updateDeployment } from '../store/update-deployment';
import { applyStepResult, closeInterruptedAttempts, startAttempt } from './apply-step-result';
import { failpointName, type FailpointName } from './failpoints';

export interface ReconcilerHooks {
  onDecision?(d: Deployment, decision: Decision): void;
  onStepFinished?(d: Deployment, step: StepName, status: string, seconds: number): void;
  onFinished?(d: Deployment): void;
  onError?(d: Pick<Deployment, 'id' | 'app' | 'release'>, err: unknown): void;
  /** Testing aid (failpoints.ts): called at every failpoint; kills the process at the armed one. */
  failpoint?(name: FailpointName): void;
}

/**
 * Drives deployments one tick at a time: read the record, decide, run at most one step, persist.
 * It never sleeps: a step that waits says when to look again, and the next tick comes back.
 */
export class Reconciler {
  private readonly busy = new Set<string>();

  constructor(
    private readonly store: DeploymentStore,
    private readonly steps: Record<StepName, Step>,
    private readonly appOf: (name: string) => AppSpec | undefined,
    private readonly clock: () => number = Date.now,
    private readonly hooks: ReconcilerHooks = {},
  ) {}

  /** One tick for every deployment in flight; deployments run concurrently, each one serially. */
  async tickAll(): Promise<void> {
    const inFlight = await this.store.listInFlight();
    await Promise.all(inFlight.map((d) => this.tick(d.id)));
  }

  /** Returns the decision taken, or undefined when this deployment is already being worked on. */
  async tick(id: string): Promise<Decision | undefined> {
    if (this.busy.has(id)) return undefined;
    this.busy.add(id);
    try {
      return await this.tickOnce(id);
    } finally {
      this.busy.delete(id);
    }
  }

  private async tickOnce(id: string): Promise<Decision | undefined> {
    const d = await this.store.get(id);
    if (!d) return undefined;
    const app = this.appOf(d.app);
    if (!app) return this.failUnknownApp(d);
    const now = this.clock();
    const decision = decideNextStep(d, app, now);
    this.hooks.onDecision?.(d, decision);
    switch (decision.kind) {
      case 'idle':
      case 'wait':
        return decision;
      case 'fail':
        await updateDeployment(this.store, id, (fresh) => {
          if (fresh.outcome || fresh.finishedAt) return null;
          fresh.outcome = {
            phase: fresh.checkpoints.edgeFlipped ? 'RolledBack' : 'Failed',
            reason: decision.reason,
            at: iso(now),
            step: decision.step,
          };
          return [{ type: 'phase', data: { phase: fresh.outcome.phase, reason: decision.reason } }];
        });
        return decision;
      case 'finish': {
        const finished = await updateDeployment(this.store, id, (fresh) => {
          if (fresh.finishedAt) return null;
          fresh.finishedAt = iso(now);
          return [
            ...closeInterruptedAttempts(fresh, new Date(now)),
            { type: 'finished', data: { phase: calculatePhase(fresh), reason: decision.reason } },
          ];
        });
        this.hooks.onFinished?.(finished);
        return decision;
      }
      case 'run':
        await this.runStep(d, decision.step, decision.reason, app);
        return decision;
    }
  }

  private async runStep(d: Deployment, step: StepName, reason: string, app: AppSpec): Promise<void> {
    const started = new Date(this.clock());
    let attempt!: ReturnType<typeof startAttempt>['attempt'];
    const current = await updateDeployment(this.store, d.id, (fresh) => {
      const begun = startAttempt(fresh, step, reason, started);
      attempt = begun.attempt;
      return begun.events;
    });
    this.hooks.failpoint?.(failpointName(step, 'before-run'));
    let execution;
    try {
      execution = await this.steps[step].run({ deployment: current, app, now: started.getTime() });
    } catch (err) {
      this.hooks.onError?.(d, err);
      execution = {
        result: {
          status: 'progressing' as const,
          message: `unexpected error: ${(err as Error).message}`,
          retryAfterSeconds: 2,
        },
      };
    }
    const ended = new Date(this.clock());
    this.hooks.failpoint?.(failpointName(step, 'before-record'));
    await updateDeployment(this.store, d.id, (fresh) => {
      // An operator may have aborted meanwhile: the step's result still lands, the outcome stays.
      return applyStepResult(fresh, attempt, execution, ended);
    });
    this.hooks.failpoint?.(failpointName(step, 'after-record'));
    this.hooks.onStepFinished?.(current, step, execution.result.status, (ended.getTime() - started.getTime()) / 1000);
  }

  private async failUnknownApp(d: Deployment): Promise<Decision> {
    const reason = `app ${d.app} is no longer configured`;
    const finished = await updateDeployment(this.store, d.id, (fresh) => {
      if (fresh.finishedAt) return null;
      fresh.outcome ??= { phase: 'Failed', reason, at: iso(this.clock()) };
      fresh.finishedAt = iso(this.clock());
      return [{ type: 'finished', data: { phase: 'Failed', reason } }];
    });
    this.hooks.onFinished?.(finished);
    return { kind: 'finish', reason };
  }
}

const iso = (ms: number) => new Date(ms).toISOString();
