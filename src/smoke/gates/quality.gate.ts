import { predictInstances } from '../predict-client';
import { featureRows } from '../reference-data';
import { check, round, type Gate, type ReleaseUnderTest } from './gate';

/** Green's RMSE on the labelled holdout rows may not exceed blue's by more than the margin. */
export const qualityGate: Gate = async ({ app, green, blue, reference, timeoutMs }) => {
  const { critical, maxRmseIncrease } = app.smoke.quality;
  const greenRmse = await holdoutRmse(green, reference, timeoutMs);
  if (typeof greenRmse === 'string') return check('quality', critical, false, `green: ${greenRmse}`);
  if (!blue)
    return check('quality', critical, true, `first release: holdout RMSE ${round(greenRmse)}`, {
      value: round(greenRmse),
    });
  const blueRmse = await holdoutRmse(blue, reference, timeoutMs);
  if (typeof blueRmse === 'string') {
    return check(
      'quality',
      critical,
      true,
      `green's holdout RMSE ${round(greenRmse)}; blue could not be measured (${blueRmse})`,
      { value: round(greenRmse) },
    );
  }
  const limit = blueRmse + maxRmseIncrease;
  const passed = greenRmse <= limit;
  const message = `holdout RMSE ${round(greenRmse)} for green vs ${round(blueRmse)} for blue ${blue.release} (allowed up to ${round(limit)}) on ${reference.labels.length} rows`;
  return check('quality', critical, passed, passed ? message : `worse than blue: ${message}`, {
    value: round(greenRmse),
    threshold: round(limit),
  });
};

async function holdoutRmse(
  release: ReleaseUnderTest,
  reference: { holdout: Record<string, number>[]; labels: number[] },
  timeoutMs: number,
): Promise<number | string> {
  const features = release.version.features ?? [];
  const missing = features.filter((f) => !(f in (reference.holdout[0] ?? {})));
  if (missing.length > 0) return `the reference data has no ${missing.join(', ')}`;
  const answer = await predictInstances(release.endpoint, featureRows(reference.holdout, features), timeoutMs);
  if (!answer.ok) return `holdout rows sent to /predict: ${answer.problem}`;
  const se = answer.values.reduce((sum, v, i) => sum + (v - reference.labels[i]) ** 2, 0);
  return Math.sqrt(se / answer.values.length);
}
