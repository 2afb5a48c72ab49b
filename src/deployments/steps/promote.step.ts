import { updateAppState } from '../../store/update-app-state';
import type { Step, StepContext, StepDeps, StepExecution } from './step';
import { failed, greenTarget } from './step';

/** Flips the edge to green, then records green as the app's active release. */
export class PromoteStep implements Step {
  readonly name = 'promote' as const;
  constructor(private readonly deps: Pick<StepDeps, 'edge' | 'workload' | 'store'>) {}

  async run({ deployment: d }: StepContext): Promise<StepExecution> {
    const endpoint = (await this.deps.workload.findEndpoint(greenTarget(d))) ?? d.greenEndpoint;
    if (!endpoint) return failed(`green ${d.release} is not running; refusing to send users to it`);
    const before = await this.deps.store.getAppState(d.app);
    // An abort or rollback recorded since this step began wins: users are not sent to a green
    // that is about to be torn down, only to be flipped back (the unwind restores blue anyway).
    const outcome = (await this.deps.store.get(d.id))?.outcome;
    if (outcome) return failed(`deployment is ${outcome.phase}; the edge stays on blue`);
    const result = await this.deps.edge.routeTo(d.app, { release: d.release, endpoint });
    if (result.status !== 'done') return { result };
    // Captured once: a retried promote must not overwrite it with the post-flip state.
    const appBeforeFlip = d.appBeforeFlip ?? { active: before.active, previous: before.previous };
    await updateAppState(this.deps.store, d.app, () => ({
      active: { release: d.release, artifact: d.artifact },
      previous: d.blue,
    }));
    return { result, patch: { appBeforeFlip, greenEndpoint: endpoint } };
  }
}
