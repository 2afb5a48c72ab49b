import type { GoldenCase } from '../src/model/artifact.schema';

/**
 * Picks golden rows spread over the holdout (every k-th row, deterministic) and records what
 * `predict` answers for them, so a predictor can prove it reproduces the artifact exactly.
 */
export function buildGoldenSet(
  features: readonly string[],
  holdoutX: readonly number[][],
  predict: (row: readonly number[]) => number,
  count = 12,
): GoldenCase[] {
  const step = Math.max(1, Math.floor(holdoutX.length / count));
  const cases: GoldenCase[] = [];
  for (let i = 0; i < holdoutX.length && cases.length < count; i += step) {
    const row = holdoutX[i];
    cases.push({ input: Object.fromEntries(features.map((f, j) => [f, row[j]])), expected: predict(row) });
  }
  return cases;
}
