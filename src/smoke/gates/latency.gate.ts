import { percentile } from '../percentile';
import { predictInstances } from '../predict-client';
import { featureRows } from '../reference-data';
import { check, round, type Gate } from './gate';

/** p95 of N sequential single-row requests to green, against the app's budget. */
export const latencyGate: Gate = async ({ app, green, reference, timeoutMs }) => {
  const { critical, requests, p95BudgetMs } = app.smoke.latency;
  const rows = featureRows(reference.holdout, green.version.features ?? []);
  const timings: number[] = [];
  for (let i = 0; i < requests; i++) {
    const answer = await predictInstances(green.endpoint, [rows[i % rows.length]], timeoutMs);
    if (!answer.ok)
      return check('latency', critical, false, `request ${i + 1} of ${requests} failed: ${answer.problem}`);
    timings.push(answer.ms);
  }
  const p95 = percentile(timings, 95);
  const passed = p95 <= p95BudgetMs;
  return check(
    'latency',
    critical,
    passed,
    `p95 ${round(p95, 2)} ms over ${requests} single-row requests (budget ${p95BudgetMs} ms)`,
    {
      value: round(p95, 2),
      threshold: p95BudgetMs,
    },
  );
};
