import { predictInstances } from '../predict-client';
import { featureRows } from '../reference-data';
import { check, round, type Gate } from './gate';

/** The same reference rows to blue and green: how far apart are their answers? */
export const shiftGate: Gate = async ({ app, green, blue, reference, timeoutMs }) => {
  const { critical, maxMeanAbsDiff, maxMaxAbsDiff, sameModelTolerance } = app.smoke.shift;
  if (!blue) return check('prediction-shift', critical, true, 'first release: nothing to compare with');
  const shared = (green.version.features ?? []).filter((f) => (blue.version.features ?? []).includes(f));
  if (
    shared.length !== (green.version.features ?? []).length ||
    shared.length !== (blue.version.features ?? []).length
  ) {
    return check('prediction-shift', critical, true, 'skipped: blue and green take different features');
  }
  const rows = featureRows(reference.holdout, shared);
  const [g, b] = await Promise.all([
    predictInstances(green.endpoint, rows, timeoutMs),
    predictInstances(blue.endpoint, rows, timeoutMs),
  ]);
  if (!g.ok) return check('prediction-shift', critical, false, `green: ${g.problem}`);
  if (!b.ok) return check('prediction-shift', critical, true, `skipped: blue could not answer (${b.problem})`);
  const diffs = g.values.map((v, i) => Math.abs(v - b.values[i]));
  const mean = diffs.reduce((a, d) => a + d, 0) / diffs.length;
  const max = Math.max(...diffs);
  const sameModel =
    green.version.model?.sha256 !== undefined && green.version.model.sha256 === blue.version.model?.sha256;
  const [meanLimit, maxLimit] = sameModel ? [sameModelTolerance, sameModelTolerance] : [maxMeanAbsDiff, maxMaxAbsDiff];
  const passed = mean <= meanLimit && max <= maxLimit;
  const what = `mean |green - blue| ${round(mean)}, max ${round(max)} on ${rows.length} rows (allowed ${meanLimit} / ${maxLimit}${sameModel ? ', same model bytes' : ''})`;
  return check('prediction-shift', critical, passed, passed ? what : `predictions moved too far: ${what}`, {
    value: round(mean),
    threshold: meanLimit,
  });
};
