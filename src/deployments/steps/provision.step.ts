import type { Step, StepContext, StepDeps, StepExecution } from './step';
import { greenTarget } from './step';

/** Capacity for green: a Fargate profile on aws, nothing on local. */
export class ProvisionStep implements Step {
  readonly name = 'provision' as const;
  constructor(private readonly deps: Pick<StepDeps, 'compute'>) {}

  async run({ deployment }: StepContext): Promise<StepExecution> {
    return { result: await this.deps.compute.ensureCapacity(greenTarget(deployment)) };
  }
}
