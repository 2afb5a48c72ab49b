import { updateAppState } from '../../store/update-app-state';
import { updateDeployment } from '../../store/update-deployment';
import type { Deployment } from '../domain/deployment';
import type { Step, StepContext, StepDeps, StepExecution } from './step';
import { failed, greenTarget } from './step';

/** Flips the edge to green, then records green as the app's active release. */
export class PromoteStep implements Step {
  readonly name = 'promote' as const;
  constructor(private readonly deps: Pick<StepDeps, 'edge' | 'workload' | 'store'>) {}

  async run({ deployment: d }: StepContext): Promise<StepExecution> {
    const endpoint = (await this.deps.workload.findEndpoint(greenTarget(d))) ?? d.greenEndpoint;
    if (!endpoint) return failed(`green ${d.release} is not running; refusing to send users to it`);
    // An abort or rollback recorded since this step began wins: users are not sent to a green
    // that is about to be torn down, only to be flipped back (the unwind restores blue anyway).
    const fresh = await this.deps.store.get(d.id);
    if (fresh?.outcome) return failed(`deployment is ${fresh.outcome.phase}; the edge stays on blue`);
    const appBeforeFlip = fresh?.appBeforeFlip ?? (await this.recordAppBeforeFlip(d));
    const result = await this.deps.edge.routeTo(d.app, { release: d.release, endpoint });
    if (result.status !== 'done') return { result };
    await updateAppState(this.deps.store, d.app, () => ({
      active: { release: d.release, artifact: d.artifact },
      previous: d.blue,
    }));
    return { result, patch: { appBeforeFlip, greenEndpoint: endpoint } };
  }

  /**
   * What a flip back must restore, stored before the flip: a promote killed after flipping is
   * run again, and by then the app state already names green active (a rollback once restored
   * that, pointing the app at a release being torn down while the edge served blue).
   */
  private async recordAppBeforeFlip(d: Deployment): Promise<NonNullable<Deployment['appBeforeFlip']>> {
    const before = await this.deps.store.getAppState(d.app);
    const captured = { active: before.active, previous: before.previous };
    const saved = await updateDeployment(this.deps.store, d.id, (x) => {
      if (x.appBeforeFlip) return null;
      x.appBeforeFlip = captured;
      return [];
    });
    return saved.appBeforeFlip ?? captured;
  }
}
