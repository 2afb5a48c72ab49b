/**
 * One-off port of the original capstone GradientBoostingRegressor (exported from its joblib
 * as JSON) into the cutover artifact format: `housing-v1`.
 *
 *   npm run port:capstone -- <capstone_gbr_model.json> [predictor/models/housing-v1.json]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MODELS_DIR } from '../src/project-paths';
import { ARTIFACT_FORMAT, artifactSchema, type ModelArtifact } from '../src/model/artifact.schema';
import { TreeEnsembleModel } from '../src/model/tree-ensemble';
import { loadDataset, loadSplit, selectColumns } from './dataset';
import { buildGoldenSet } from './golden-set';
import { calculateRegressionMetrics } from './regression-metrics';

interface CapstoneExport {
  source: { repo: string; commit: string; path: string; sha256: string };
  params: Record<string, unknown>;
  feature_order: string[];
  init_mean: number;
  learning_rate: number;
  trees: { feature: number[]; threshold: number[]; left: number[]; right: number[]; value: number[] }[];
  scaler: { kind: 'standard'; mean: number[]; scale: number[] };
  holdout_row_indices: number[];
}

export function portCapstone(exported: CapstoneExport): ModelArtifact {
  const dataset = loadDataset();
  const split = loadSplit();
  if (JSON.stringify(split.holdoutRowIndices) !== JSON.stringify(exported.holdout_row_indices)) {
    throw new Error('the export holdout rows differ from predictor/data/split.json');
  }
  const draft: ModelArtifact = {
    format: ARTIFACT_FORMAT,
    name: 'housing',
    version: 'v1',
    description:
      'The original capstone GradientBoostingRegressor (sklearn 0.20.3), scaled with its training-split scaler.',
    features: exported.feature_order,
    target: 'MEDV',
    scaler: { kind: 'standard', mean: exported.scaler.mean, scale: exported.scaler.scale },
    ensemble: {
      combine: 'boosting',
      base: exported.init_mean,
      learningRate: exported.learning_rate,
      decision: 'lte',
      inputPrecision: 'float32',
      trees: exported.trees,
    },
    metrics: { holdout: { rmse: 0, mae: 0, r2: 0, rows: 1 }, holdoutRowIndices: split.holdoutRowIndices },
    golden: { tolerance: 1e-9, cases: [{ input: {}, expected: 0 }] },
    provenance: {
      data: { file: 'predictor/data/boston_housing.csv', sha256: dataset.sha256, rows: dataset.rows.length },
      algorithm: 'sklearn.ensemble.GradientBoostingRegressor',
      params: exported.params,
      seed: 7,
      split: { testSize: split.testSize, seed: split.seed },
      source: `${exported.source.repo}@${exported.source.commit}:${exported.source.path} (sha256 ${exported.source.sha256})`,
      trainedWith: 'scikit-learn 0.20.3',
    },
  };
  const model = new TreeEnsembleModel(draft);
  const { x, y } = selectColumns(dataset, draft.features, draft.target);
  const holdoutX = split.holdoutRowIndices.map((i) => x[i]);
  const holdoutY = split.holdoutRowIndices.map((i) => y[i]);
  draft.metrics.holdout = calculateRegressionMetrics(
    holdoutY,
    holdoutX.map((r) => model.predictRow(r)),
  );
  draft.golden.cases = buildGoldenSet(draft.features, holdoutX, (r) => model.predictRow(r));
  return artifactSchema.parse(draft);
}

if (require.main === module) {
  const [input, output = join(MODELS_DIR, 'housing-v1.json')] = process.argv.slice(2);
  if (!input) {
    console.error('usage: port-capstone <capstone_gbr_model.json> [out.json]');
    process.exit(2);
  }
  const artifact = portCapstone(JSON.parse(readFileSync(input, 'utf8')) as CapstoneExport);
  writeFileSync(output, JSON.stringify(artifact) + '\n');
  console.log(
    `wrote ${output}: holdout RMSE ${artifact.metrics.holdout.rmse.toFixed(4)} on ${artifact.metrics.holdout.rows} rows`,
  );
}
