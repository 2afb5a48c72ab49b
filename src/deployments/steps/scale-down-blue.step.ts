import type { Step, StepContext, StepDeps, StepExecution } from './step';
import { done, targetOf } from './step';

/** Retires blue once green is verified and the scale-down delay is over. */
export class ScaleDownBlueStep implements Step {
  readonly name = 'scale-down-blue' as const;
  constructor(private readonly deps: Pick<StepDeps, 'workload' | 'compute'>) {}

  async run({ deployment: d }: StepContext): Promise<StepExecution> {
    if (!d.blue) return done('no blue release to retire');
    if (d.blue.release === d.release) return done('blue and green are the same release; nothing to retire');
    return retire(this.deps, targetOf(d.app, d.blue));
  }
}

/** Workload first, then its capacity (a Fargate profile must outlive the pods it runs). */
export async function retire(
  deps: Pick<StepDeps, 'workload' | 'compute'>,
  target: ReturnType<typeof targetOf>,
): Promise<StepExecution> {
  const workload = await deps.workload.retire(target);
  if (workload.status !== 'done') return { result: workload };
  return { result: await deps.compute.releaseCapacity(target) };
}
