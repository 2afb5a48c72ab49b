import type { SmokeCheck } from '../../deployments/domain/deployment';
import { probe } from '../http-probe';
import { predictInstances } from '../predict-client';
import { check, round, type Gate } from './gate';

/** Green's own /smoke passes, and the controller replays the artifact's golden inputs itself. */
export const goldenGate: Gate = async ({ app, green, golden, timeoutMs }) => {
  const { critical } = app.smoke.golden;
  const checks: SmokeCheck[] = [];
  const own = await probe(`${green.endpoint}/smoke`, { timeoutMs });
  const body = own.ok ? (own.response.body as { passed?: boolean; failed?: number; cases?: unknown[] }) : undefined;
  checks.push(
    own.ok && own.response.status === 200 && body?.passed === true
      ? check('golden-set', critical, true, `green's /smoke reproduced all ${body.cases?.length ?? 0} golden cases`)
      : check(
          'golden-set',
          critical,
          false,
          own.ok
            ? `green's /smoke: ${body?.failed ?? '?'} golden cases off (status ${own.response.status})`
            : own.problem,
        ),
  );
  if (!golden) {
    checks.push(
      check(
        'golden-replay',
        critical,
        true,
        'skipped: the controller cannot read this artifact (image); /smoke stands alone',
      ),
    );
    return checks;
  }
  const inputs = golden.cases.map((c) => c.input);
  const answer = await predictInstances(green.endpoint, inputs, timeoutMs);
  if (!answer.ok) {
    checks.push(check('golden-replay', critical, false, `golden inputs sent to /predict: ${answer.problem}`));
    return checks;
  }
  const worst = Math.max(...answer.values.map((v, i) => Math.abs(v - golden.cases[i].expected)));
  const passed = worst <= golden.tolerance;
  checks.push(
    check(
      'golden-replay',
      critical,
      passed,
      passed
        ? `${inputs.length} golden inputs answered within ${golden.tolerance} of the artifact's expected outputs`
        : `golden inputs answered up to ${round(worst, 6)} away from the artifact's expected outputs (tolerance ${golden.tolerance})`,
      { value: round(worst, 9), threshold: golden.tolerance },
    ),
  );
  return checks;
};
