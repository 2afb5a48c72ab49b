import type { ModelArtifact } from './artifact.schema';
import type { TreeEnsembleModel } from './tree-ensemble';

export interface GoldenCaseResult {
  index: number;
  expected: number;
  actual: number;
  absError: number;
  passed: boolean;
}

export interface GoldenReport {
  passed: boolean;
  tolerance: number;
  failed: number;
  cases: GoldenCaseResult[];
}

/** Replays the artifact's golden set through the loaded model: proof the bytes were read right. */
export function runGoldenSet(artifact: ModelArtifact, model: TreeEnsembleModel): GoldenReport {
  const { tolerance } = artifact.golden;
  const cases = artifact.golden.cases.map((c, index) => {
    const actual = model.predictRow(artifact.features.map((f) => c.input[f]));
    const absError = Math.abs(actual - c.expected);
    return { index, expected: c.expected, actual, absError, passed: absError <= tolerance };
  });
  const failed = cases.filter((c) => !c.passed).length;
  return { passed: failed === 0, tolerance, failed, cases };
}
