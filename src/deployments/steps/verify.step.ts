import { CAPSTONE_PAYLOAD } from '../../smoke/gates/contract.gate';
import { featureRows } from '../../smoke/reference-data';
import { foldSamples, judgeVerification } from '../domain/verification';
import type { Deployment } from '../domain/deployment';
import type { Step, StepContext, StepDeps, StepExecution } from './step';
import { done, failed, progressing } from './step';

const SAMPLE_CONCURRENCY = 4;

/**
 * Through the edge URL, as users see it: first the edge must serve green within the
 * propagation deadline; then, for the verification window, sampled requests must succeed,
 * come from green and stay within the latency budget. Each tick sends one small batch.
 */
export class VerifyStep implements Step {
  readonly name = 'verify' as const;
  constructor(private readonly deps: Pick<StepDeps, 'verifier' | 'edge' | 'sampler' | 'evidence'>) {}

  async run(ctx: StepContext): Promise<StepExecution> {
    return ctx.deployment.verification?.propagatedAt ? this.sampleWindow(ctx) : this.awaitPropagation(ctx);
  }

  private async awaitPropagation({ deployment: d, app, now }: StepContext): Promise<StepExecution> {
    const url = this.deps.edge.publicUrl(d.app);
    const seen = await this.deps.verifier.servedRelease(url, app.smoke.requestTimeoutMs);
    if (seen.release === d.release) {
      const verification = {
        propagatedAt: new Date(now).toISOString(),
        samples: 0,
        errors: 0,
        wrongRelease: 0,
        latenciesMs: [],
      };
      if (app.verify.windowSeconds === 0) return { ...done(`${url} serves ${d.release}`), patch: { verification } };
      return {
        ...progressing(`${url} serves ${d.release}; verifying for ${app.verify.windowSeconds}s`, 0),
        patch: { verification },
      };
    }
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

  private async sampleWindow({ deployment: d, app, now }: StepContext): Promise<StepExecution> {
    const progress = d.verification!;
    const bodies = this.sampleBodies(d, app.verify.samplesPerTick, app);
    const samples = await this.deps.sampler.sample(
      this.deps.edge.publicUrl(d.app),
      bodies,
      SAMPLE_CONCURRENCY,
      app.smoke.requestTimeoutMs,
    );
    const verification = foldSamples(progress, samples, d.release);
    const verdict = judgeVerification(verification, app.verify, now - Date.parse(progress.propagatedAt!));
    if (verdict.kind === 'continue') {
      return {
        ...progressing(`${verification.samples} requests through the edge so far, ${verification.errors} failed`, 0.2),
        patch: { verification },
      };
    }
    return { ...(verdict.kind === 'pass' ? done(verdict.reason) : failed(verdict.reason)), patch: { verification } };
  }

  /** Single-row requests in the original capstone shape, rotating over the reference rows. */
  private sampleBodies(d: Deployment, count: number, app: StepContext['app']): string[] {
    const reference = this.deps.evidence.reference(app);
    if (reference.holdout.length === 0) return Array.from({ length: count }, () => JSON.stringify(CAPSTONE_PAYLOAD));
    const features = Object.keys(CAPSTONE_PAYLOAD);
    const rows = featureRows(reference.holdout, features);
    const offset = d.verification?.samples ?? 0;
    return Array.from({ length: count }, (_, i) => {
      const row = rows[(offset + i) % rows.length];
      return JSON.stringify(Object.fromEntries(features.map((f) => [f, { '0': row[f] }])));
    });
  }
}
