/** Holdout metrics every artifact records, so versions compare on the same rows. */
export interface RegressionMetrics {
  rmse: number;
  mae: number;
  r2: number;
  rows: number;
}

export function calculateRegressionMetrics(actual: readonly number[], predicted: readonly number[]): RegressionMetrics {
  if (actual.length !== predicted.length || actual.length === 0) {
    throw new Error(`metrics need equal, non-empty series (got ${actual.length} and ${predicted.length})`);
  }
  const n = actual.length;
  const mean = actual.reduce((a, b) => a + b, 0) / n;
  let se = 0;
  let ae = 0;
  let tot = 0;
  for (let i = 0; i < n; i++) {
    const e = actual[i] - predicted[i];
    se += e * e;
    ae += Math.abs(e);
    tot += (actual[i] - mean) ** 2;
  }
  return { rmse: Math.sqrt(se / n), mae: ae / n, r2: tot === 0 ? 0 : 1 - se / tot, rows: n };
}
