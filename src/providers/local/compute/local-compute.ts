import type { ComputePort, ReleaseTarget, StepResult } from '../../ports';

/**
 * Local releases run as processes on this host, which has whatever capacity it has: there is
 * nothing to provision or give back, so both steps are done at once.
 */
export class LocalCompute implements ComputePort {
  async ensureCapacity(target: ReleaseTarget): Promise<StepResult> {
    return { status: 'done', message: `local provider: ${target.name} runs on this host, no capacity to provision` };
  }

  async releaseCapacity(target: ReleaseTarget): Promise<StepResult> {
    return { status: 'done', message: `local provider: ${target.name} held no capacity, nothing to release` };
  }
}
