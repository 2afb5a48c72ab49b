import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadDataset, loadSplit, selectColumns } from '../../train/dataset';
import { calculateRegressionMetrics } from '../../train/regression-metrics';
import { MODELS_DIR, PROJECT_ROOT } from '../project-paths';
import { artifactSchema, type Ensemble, type ModelArtifact } from './artifact.schema';
import { TreeEnsembleModel, walkEnsemble } from './tree-ensemble';

const readArtifact = (file: string): ModelArtifact =>
  artifactSchema.parse(JSON.parse(readFileSync(join(MODELS_DIR, file), 'utf8')));
const v1 = readArtifact('housing-v1.json');

describe('housing-v1, the ported capstone model', () => {
  // Recorded from the original Flask app running sklearn: it standardised each request batch
  // on itself. Reproducing that preprocessing here checks our tree walk against sklearn's.
  const fixtures = JSON.parse(
    readFileSync(join(PROJECT_ROOT, 'test/fixtures/capstone-original-responses.json'), 'utf8'),
  ).cases as {
    name: string;
    status: number;
    path: string;
    request_body: string;
    response_json?: { prediction: number[] };
  }[];

  it.each(fixtures.filter((c) => c.status === 200 && c.path === '/predict').map((c) => [c.name, c] as const))(
    'walks the trees exactly as sklearn did: %s',
    (_name, fixture) => {
      const body = JSON.parse(fixture.request_body) as Record<string, Record<string, number> | number[]>;
      const columns = v1.features.map((f) => Object.values(body[f]));
      const n = columns[0].length;
      const standardised = columns.map((col) => {
        const mean = col.reduce((a, b) => a + b, 0) / n;
        const std = Math.sqrt(col.reduce((a, b) => a + (b - mean) ** 2, 0) / n) || 1;
        return col.map((v) => Math.fround((v - mean) / std));
      });
      const predictions = Array.from({ length: n }, (_, i) =>
        walkEnsemble(
          v1.ensemble,
          standardised.map((c) => c[i]),
        ),
      );
      expect(predictions).toEqual(fixture.response_json?.prediction);
    },
  );

  it('scores a holdout RMSE of about 5.13 on the capstone holdout rows', () => {
    const { x, y } = selectColumns(loadDataset(), v1.features, v1.target);
    const holdout = loadSplit().holdoutRowIndices;
    const model = new TreeEnsembleModel(v1);
    const metrics = calculateRegressionMetrics(
      holdout.map((i) => y[i]),
      holdout.map((i) => model.predictRow(x[i])),
    );
    expect(metrics.rows).toBe(102);
    expect(metrics.rmse).toBeCloseTo(5.13, 2);
    expect(metrics.rmse).toBeCloseTo(v1.metrics.holdout.rmse, 12);
  });

  it('answers two different single rows differently (the original answered one constant)', () => {
    const model = new TreeEnsembleModel(v1);
    const a = model.predictRow([0, 6.575, 296, 15.3, 396.9, 4.98]);
    const b = model.predictRow([1, 9.0, 100, 12.0, 0.0, 40.0]);
    expect(Number.isFinite(a) && Number.isFinite(b)).toBe(true);
    expect(a).not.toBeCloseTo(b, 3);
  });
});

describe.each(readdirSync(MODELS_DIR).filter((f) => f.endsWith('.json')))('shipped artifact %s', (file) => {
  const artifact = readArtifact(file);
  const model = new TreeEnsembleModel(artifact);

  it('predicts through the compiled ensemble exactly as the reference walk, on every data set row', () => {
    const { x } = selectColumns(loadDataset(), artifact.features, artifact.target);
    for (const row of x) {
      const scaled = row.map((v, i) => (v - artifact.scaler.mean[i]) / artifact.scaler.scale[i]);
      const input = artifact.ensemble.inputPrecision === 'float32' ? scaled.map(Math.fround) : scaled;
      expect(model.predictRow(row)).toBe(walkEnsemble(artifact.ensemble, input));
    }
  });

  it('reproduces its own golden set', () => {
    for (const c of artifact.golden.cases) {
      const actual = model.predictRow(artifact.features.map((f) => c.input[f]));
      expect(Math.abs(actual - c.expected)).toBeLessThanOrEqual(artifact.golden.tolerance);
    }
  });
});

describe('tree semantics', () => {
  // One split on feature 0 at 0.5: left leaf 1, right leaf 3.
  const stump = {
    feature: [0, -2, -2],
    threshold: [0.5, -2, -2],
    left: [1, -1, -1],
    right: [2, -1, -1],
    value: [0, 1, 3],
  };
  const ensemble = (over: Partial<Ensemble>): Ensemble => ({
    combine: 'boosting',
    base: 10,
    learningRate: 0.5,
    decision: 'lte',
    inputPrecision: 'float64',
    trees: [stump, stump],
    ...over,
  });

  it('boosting adds learning rate times each leaf to the base', () => {
    expect(walkEnsemble(ensemble({}), [0])).toBe(10 + 0.5 * 1 + 0.5 * 1);
    expect(walkEnsemble(ensemble({}), [1])).toBe(10 + 0.5 * 3 + 0.5 * 3);
  });

  it('mean averages the leaves', () => {
    expect(walkEnsemble(ensemble({ combine: 'mean', trees: [stump, { ...stump, value: [0, 5, 7] }] }), [0])).toBe(3);
  });

  it('lte sends a value equal to the threshold left, lt sends it right', () => {
    expect(walkEnsemble(ensemble({ combine: 'mean', trees: [stump] }), [0.5])).toBe(1);
    expect(walkEnsemble(ensemble({ combine: 'mean', trees: [stump], decision: 'lt' }), [0.5])).toBe(3);
  });
});
