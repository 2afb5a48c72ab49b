import type { Step, StepContext, StepDeps, StepExecution } from './step';
import { greenTarget } from './step';

/** Makes green run; done when its workload is ready, with the endpoint it answers on. */
export class DeployStep implements Step {
  readonly name = 'deploy' as const;
  constructor(private readonly deps: Pick<StepDeps, 'workload'>) {}

  async run({ deployment }: StepContext): Promise<StepExecution> {
    const result = await this.deps.workload.ensureRunning(greenTarget(deployment));
    if (result.status !== 'done') return { result };
    return { result: { status: 'done', message: result.message }, patch: { greenEndpoint: result.endpoint } };
  }
}
