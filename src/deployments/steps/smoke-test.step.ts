import type { Step, StepContext, StepDeps, StepExecution } from './step';
import { failed, greenTarget, targetOf } from './step';

/** Tests green on its own endpoint, before any user sees it; the report is kept either way. */
export class SmokeTestStep implements Step {
  readonly name = 'smoke-test' as const;
  constructor(private readonly deps: Pick<StepDeps, 'smoke' | 'workload' | 'evidence'>) {}

  async run({ deployment: d, app }: StepContext): Promise<StepExecution> {
    // Re-discover the endpoint: after a controller restart the stored one may be stale.
    const endpoint = (await this.deps.workload.findEndpoint(greenTarget(d))) ?? d.greenEndpoint;
    if (!endpoint) return failed(`green ${d.release} is not running`);
    const blueEndpoint = d.blue ? await this.deps.workload.findEndpoint(targetOf(d.app, d.blue)) : undefined;
    const artifact = await this.deps.evidence.artifact(d.artifact);
    const report = await this.deps.smoke.run({
      app,
      endpoint,
      release: d.release,
      blue: d.blue && blueEndpoint ? { release: d.blue.release, endpoint: blueEndpoint } : undefined,
      golden: artifact?.golden,
      reference: this.deps.evidence.reference(app),
      declaredFeatureChange: d.declaredFeatureChange,
      rollback: d.kind === 'rollback',
    });
    const failing = report.checks.filter((c) => !c.passed);
    const critical = failing.filter((c) => c.critical);
    const describe = (checks: typeof failing) => checks.map((c) => `${c.name}: ${c.message}`).join('; ');
    if (critical.length > 0) {
      return {
        result: { status: 'failed', message: `smoke test failed: ${describe(critical)}` },
        patch: { smoke: report, greenEndpoint: endpoint },
      };
    }
    const message = failing.length
      ? `critical checks passed; needs an override for: ${describe(failing)}`
      : `${report.checks.length} checks passed on ${endpoint}`;
    return { result: { status: 'done', message }, patch: { smoke: report, greenEndpoint: endpoint } };
  }
}
