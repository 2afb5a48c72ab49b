import { updateAppState } from '../../store/update-app-state';
import type { Step, StepContext, StepDeps, StepExecution } from './step';
import { done, failed, targetOf } from './step';

/** Puts the edge back on blue (which still runs during the scale-down delay). */
export class RestoreEdgeStep implements Step {
  readonly name = 'restore-edge' as const;
  constructor(private readonly deps: Pick<StepDeps, 'edge' | 'workload' | 'store'>) {}

  async run({ deployment: d }: StepContext): Promise<StepExecution> {
    // An app's first release has nothing to go back to: users keep what they have, and
    // retire-green leaves what the edge serves running.
    if (!d.blue) return done('no blue release to go back to: the edge keeps its origin');
    // Blue should still run; if it does not, make it run again before flipping back.
    let endpoint = await this.deps.workload.findEndpoint(targetOf(d.app, d.blue));
    if (!endpoint) {
      const started = await this.deps.workload.ensureRunning(targetOf(d.app, d.blue));
      if (started.status === 'failed')
        return failed(`blue ${d.blue.release} cannot be started again: ${started.message}`);
      if (started.status === 'progressing') return { result: started };
      endpoint = started.endpoint;
    }
    const origin = { release: d.blue.release, endpoint };
    const result = await this.deps.edge.routeTo(d.app, origin);
    if (result.status !== 'done') return { result };
    if (d.appBeforeFlip) {
      const before = d.appBeforeFlip;
      await updateAppState(this.deps.store, d.app, () => before);
    }
    return { result };
  }
}
