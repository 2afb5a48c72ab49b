import type { Step, StepContext, StepDeps, StepExecution } from './step';
import { failed, greenTarget } from './step';

/** Tests green on its own endpoint, before any user sees it; the report is kept either way. */
export class SmokeTestStep implements Step {
  readonly name = 'smoke-test' as const;
  constructor(private readonly deps: Pick<StepDeps, 'smoke' | 'workload'>) {}

  async run({ deployment, app }: StepContext): Promise<StepExecution> {
    // Re-discover the endpoint: after a controller restart the stored one may be stale.
    const endpoint = (await this.deps.workload.findEndpoint(greenTarget(deployment))) ?? deployment.greenEndpoint;
    if (!endpoint) return failed(`green ${deployment.release} is not running`);
    const report = await this.deps.smoke.run({ endpoint, release: deployment.release, app });
    const failedChecks = report.checks.filter((c) => !c.passed);
    const message = report.passed
      ? `${report.checks.length} checks passed on ${endpoint}`
      : `smoke test failed: ${failedChecks.map((c) => `${c.name}: ${c.message}`).join('; ')}`;
    return {
      result: report.passed ? { status: 'done', message } : { status: 'failed', message },
      patch: { smoke: report, greenEndpoint: endpoint },
    };
  }
}
