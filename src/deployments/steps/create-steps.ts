import type { StepName } from '../domain/deployment';
import { DeployStep } from './deploy.step';
import { PromoteStep } from './promote.step';
import { ProvisionStep } from './provision.step';
import { RestoreEdgeStep } from './restore-edge.step';
import { RetireGreenStep } from './retire-green.step';
import { ScaleDownBlueStep } from './scale-down-blue.step';
import { SmokeTestStep } from './smoke-test.step';
import type { Step, StepDeps } from './step';
import { VerifyStep } from './verify.step';

export function createSteps(deps: StepDeps): Record<StepName, Step> {
  return {
    provision: new ProvisionStep(deps),
    deploy: new DeployStep(deps),
    'smoke-test': new SmokeTestStep(deps),
    promote: new PromoteStep(deps),
    verify: new VerifyStep(deps),
    'scale-down-blue': new ScaleDownBlueStep(deps),
    'restore-edge': new RestoreEdgeStep(deps),
    'retire-green': new RetireGreenStep(deps),
  };
}
