import type { AppSpec } from '../../config/app-spec';
import type { ComputePort, EdgePort, ReleaseTarget, StepResult, WorkloadPort } from '../../providers/ports';
import type { SmokeTester } from '../../smoke/smoke-tester';
import type { EdgeVerifier } from '../../smoke/edge-verifier';
import type { ModelEvidence } from '../../smoke/model-evidence';
import type { EdgeSampler } from '../../smoke/edge-sampler';
import type { DeploymentStore } from '../../store/deployment-store';
import { resourceName } from '../domain/names';
import type { Deployment, ReleaseRef, StepName } from '../domain/deployment';

export interface StepContext {
  deployment: Deployment;
  app: AppSpec;
  now: number;
}

/** What a step did: its result, and what else to record with its checkpoint. */
export interface StepExecution {
  result: StepResult;
  patch?: Partial<Pick<Deployment, 'greenEndpoint' | 'smoke' | 'appBeforeFlip' | 'verification'>>;
}

export interface Step {
  readonly name: StepName;
  run(ctx: StepContext): Promise<StepExecution>;
}

export interface StepDeps {
  compute: ComputePort;
  workload: WorkloadPort;
  edge: EdgePort;
  store: DeploymentStore;
  smoke: SmokeTester;
  verifier: EdgeVerifier;
  evidence: Pick<ModelEvidence, 'reference' | 'artifact'>;
  sampler: Pick<EdgeSampler, 'sample'>;
}

export const greenTarget = (d: Deployment): ReleaseTarget =>
  targetOf(d.app, { release: d.release, artifact: d.artifact });

export const targetOf = (app: string, ref: ReleaseRef): ReleaseTarget => ({
  app,
  release: ref.release,
  artifact: ref.artifact,
  name: resourceName(app, ref.release),
});

export const done = (message: string): StepExecution => ({ result: { status: 'done', message } });
export const failed = (message: string): StepExecution => ({ result: { status: 'failed', message } });
export const progressing = (message: string, retryAfterSeconds: number): StepExecution => ({
  result: { status: 'progressing', message, retryAfterSeconds },
});
