import { isAbsolute, relative, resolve, sep } from 'node:path';
import { findArtifactProblems } from '../src/model/artifact-invariants';
import { ARTIFACT_FORMAT, artifactSchema, type ModelArtifact } from '../src/model/artifact.schema';
import { TreeEnsembleModel } from '../src/model/tree-ensemble';
import { PROJECT_ROOT } from '../src/project-paths';
import { loadDataset, loadSplit, selectColumns, splitRows, type Dataset } from './dataset';
import { fitEstimator, type FittedEstimator } from './fit-estimator';
import { buildGoldenSet } from './golden-set';
import { calculateRegressionMetrics } from './regression-metrics';
import { shuffleWithSeed } from './seeded-shuffle';
import { fitStandardScaler, scaleRow, type StandardScaler } from './standard-scaler';
import { TrainingConfigError, type TrainingConfig } from './training-config';

/** The converted ensemble must answer what the library answers; float64 throughout, so this is slack, not error. */
const CONVERSION_TOLERANCE = 1e-12;
const GOLDEN_TOLERANCE = 1e-9;

export interface TrainedModel {
  artifact: ModelArtifact;
  /** The bytes to write: compact JSON, no timestamps, so a config always yields the same file. */
  json: string;
  /** Dataset row indices the estimator and scaler were fitted on (never a holdout row). */
  trainRows: number[];
}

export interface TrainOptions {
  /** Where the config came from, recorded as provenance (e.g. the params file and its sha256). */
  source?: string;
}

/**
 * Trains one model version from a validated config: fit the scaler and the estimator on the
 * rows outside the shared holdout, convert the trees, prove the conversion against the library,
 * then measure on the holdout and record golden cases and provenance.
 */
export function trainModel(config: TrainingConfig, options: TrainOptions = {}): TrainedModel {
  const dataset = readData(config);
  const split = loadSplit();
  const outside = split.holdoutRowIndices.find((i) => i >= dataset.rows.length);
  if (outside !== undefined) {
    throw new TrainingConfigError(
      `data: ${dataset.file} has ${dataset.rows.length} rows; the holdout needs row ${outside}`,
    );
  }
  const { x, y } = selectColumns(dataset, config.features, config.target);
  const { train, test } = splitRows(dataset.rows.length, split.holdoutRowIndices);

  const scaler = fitStandardScaler(train.map((i) => x[i]));
  const trainX = train.map((i) => scaleRow(scaler, x[i]));
  const trainY = train.map((i) => y[i]);
  const labels = config.labels === 'shuffle' ? shuffleWithSeed(trainY, config.seed) : trainY;
  const fitted = fitEstimator(config, trainX, labels);

  const draft: ModelArtifact = {
    format: ARTIFACT_FORMAT,
    name: config.name,
    version: config.version,
    description: config.description ?? describeModel(config, fitted),
    features: [...config.features],
    target: config.target,
    scaler,
    ensemble: fitted.ensemble,
    // Placeholders until the model exists to measure; both are overwritten below.
    metrics: { holdout: { rmse: 0, mae: 0, r2: 0, rows: 1 }, holdoutRowIndices: split.holdoutRowIndices },
    golden: { tolerance: GOLDEN_TOLERANCE, cases: [{ input: {}, expected: 0 }] },
    provenance: {
      data: { file: projectRelative(dataset.file), sha256: dataset.sha256, rows: dataset.rows.length },
      algorithm: fitted.algorithm,
      params: config.labels === 'shuffle' ? { ...config.params, labels: 'shuffle' } : { ...config.params },
      seed: config.seed,
      split: { testSize: split.testSize, seed: split.seed },
      ...(options.source === undefined ? {} : { source: options.source }),
      trainedWith: fitted.trainedWith,
    },
  };
  const model = new TreeEnsembleModel(draft);
  assertMatchesLibrary(model, fitted, x, scaler);

  const holdoutX = test.map((i) => x[i]);
  draft.metrics.holdout = calculateRegressionMetrics(
    test.map((i) => y[i]),
    holdoutX.map((row) => model.predictRow(row)),
  );
  draft.golden.cases = buildGoldenSet(draft.features, holdoutX, (row) => model.predictRow(row));

  const artifact = artifactSchema.parse(draft);
  const problems = findArtifactProblems(artifact);
  if (problems.length > 0) throw new Error(`trained artifact is inconsistent: ${problems.join('; ')}`);
  return { artifact, json: JSON.stringify(artifact) + '\n', trainRows: train };
}

function readData(config: TrainingConfig): Dataset {
  const file = resolve(PROJECT_ROOT, config.data);
  let dataset: Dataset;
  try {
    dataset = loadDataset(file);
  } catch (err) {
    throw new TrainingConfigError(`data: ${(err as Error).message.split('\n')[0]}`);
  }
  const missing = (name: string) => !dataset.columns.includes(name);
  const absent = config.features.find(missing);
  if (absent !== undefined) {
    throw new TrainingConfigError(
      `features: ${absent} is not a column of ${config.data} (${dataset.columns.join(', ')})`,
    );
  }
  if (missing(config.target)) {
    throw new TrainingConfigError(`target: ${config.target} is not a column of ${config.data}`);
  }
  return dataset;
}

/** Checks every row, holdout included: a conversion bug anywhere in a tree would show on some row. */
function assertMatchesLibrary(
  model: TreeEnsembleModel,
  fitted: FittedEstimator,
  x: number[][],
  scaler: StandardScaler,
): void {
  const expected = fitted.predictScaled(x.map((row) => scaleRow(scaler, row)));
  x.forEach((row, i) => {
    const actual = model.predictRow(row);
    if (!(Math.abs(actual - expected[i]) <= CONVERSION_TOLERANCE)) {
      throw new Error(`converted trees answer ${actual} for row ${i}, ${fitted.algorithm} answers ${expected[i]}`);
    }
  });
}

function describeModel(config: TrainingConfig, fitted: FittedEstimator): string {
  const { params } = config;
  const shape =
    config.algorithm === 'cart'
      ? `one tree, depth <= ${params.maxDepth}`
      : `${config.params.nEstimators} trees, depth <= ${params.maxDepth}`;
  const labels = config.labels === 'shuffle' ? ', fitted to deliberately SHUFFLED labels (a known-bad model)' : '';
  return `${fitted.algorithm} (${shape}) trained by npm run train on the rows outside the capstone holdout${labels}.`;
}

/** Repository-relative with forward slashes, so the artifact is the same on every machine; absolute if outside. */
export function projectRelative(file: string): string {
  const rel = relative(PROJECT_ROOT, file);
  if (isAbsolute(rel) || rel === '..' || rel.startsWith(`..${sep}`)) return resolve(file);
  return rel.split(sep).join('/');
}
