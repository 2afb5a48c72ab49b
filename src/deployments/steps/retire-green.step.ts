import { retire } from './scale-down-blue.step';
import type { Step, StepContext, StepDeps, StepExecution } from './step';
import { done, greenTarget } from './step';

/** Tears green down after a failure, an abort or a rollback; blue is never touched. */
export class RetireGreenStep implements Step {
  readonly name = 'retire-green' as const;
  constructor(private readonly deps: Pick<StepDeps, 'workload' | 'compute' | 'edge'>) {}

  async run({ deployment: d }: StepContext): Promise<StepExecution> {
    // Never retire what users are being served: a rollback deployment's green may be blue's release.
    const origin = await this.deps.edge.currentOrigin(d.app);
    if (origin?.release === d.release) return done(`green ${d.release} is what the edge serves; left running`);
    return retire(this.deps, greenTarget(d));
  }
}
