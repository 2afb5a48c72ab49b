import type { Step, StepContext, StepDeps, StepExecution } from './step';
import { done, failed, progressing } from './step';

/** Through the edge URL, as users see it: it must serve green within the propagation deadline. */
export class VerifyStep implements Step {
  readonly name = 'verify' as const;
  constructor(private readonly deps: Pick<StepDeps, 'verifier' | 'edge'>) {}

  async run({ deployment: d, app, now }: StepContext): Promise<StepExecution> {
    const url = this.deps.edge.publicUrl(d.app);
    const seen = await this.deps.verifier.servedRelease(url, app.smoke.requestTimeoutMs);
    if (seen.release === d.release) return done(`${url} serves ${d.release}`);
    const flippedAt = Date.parse(d.checkpoints.edgeFlipped ?? d.progressAt);
    const deadline = flippedAt + app.verify.propagationDeadlineSeconds * 1000;
    const observed = seen.release ? `serves ${seen.release}` : `did not answer (${seen.problem})`;
    if (now >= deadline) {
      return failed(
        `${url} ${observed} ${app.verify.propagationDeadlineSeconds}s after the flip; expected ${d.release}`,
      );
    }
    return progressing(`${url} ${observed}; waiting for ${d.release} to propagate`, 1);
  }
}
