import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findArtifactProblems } from '../src/model/artifact-invariants';
import { artifactSchema, type ModelArtifact } from '../src/model/artifact.schema';
import { loadModelArtifact } from '../src/model/model-loader';
import { TreeEnsembleModel } from '../src/model/tree-ensemble';
import { MODELS_DIR } from '../src/project-paths';
import { loadDataset, loadSplit, selectColumns } from './dataset';
import { calculateRegressionMetrics } from './regression-metrics';
import { runTrain } from './train';

const V2_PATH = join(MODELS_DIR, 'housing-v2.json');
const PARAMS_PATH = join(__dirname, 'params', 'housing-v2.yaml');
const v2Bytes = readFileSync(V2_PATH);
const read = (path: string): ModelArtifact => artifactSchema.parse(JSON.parse(readFileSync(path, 'utf8')));

describe('the committed housing-v2 artifact', () => {
  const v2 = read(V2_PATH);

  it('validates, is internally consistent and passes its own golden set when loaded', async () => {
    expect(findArtifactProblems(v2)).toEqual([]);
    const loaded = await loadModelArtifact(V2_PATH);
    if (!loaded.ok) throw new Error(loaded.problem);
    expect(loaded.loaded.selfCheck).toMatchObject({ passed: true, failed: 0 });
    expect(v2).toMatchObject({ name: 'housing', version: 'v2', target: 'MEDV' });
  });

  it('beats v1 on the same holdout rows and stays small', () => {
    const v1 = read(join(MODELS_DIR, 'housing-v1.json'));
    expect(v2.metrics.holdoutRowIndices).toEqual(v1.metrics.holdoutRowIndices);
    expect(v2.metrics.holdoutRowIndices).toEqual(loadSplit().holdoutRowIndices);
    expect(v1.metrics.holdout.rmse).toBeCloseTo(5.131, 3);
    expect(v2.metrics.holdout.rmse).toBeLessThan(0.95 * v1.metrics.holdout.rmse);
    expect(v2Bytes.length).toBeLessThan(1024 * 1024);
  });

  it('records holdout metrics that its trees reproduce', () => {
    const model = new TreeEnsembleModel(v2);
    const { x, y } = selectColumns(loadDataset(), v2.features, v2.target);
    const rows = v2.metrics.holdoutRowIndices;
    const recomputed = calculateRegressionMetrics(
      rows.map((i) => y[i]),
      rows.map((i) => model.predictRow(x[i])),
    );
    expect(recomputed.rows).toBe(v2.metrics.holdout.rows);
    for (const key of ['rmse', 'mae', 'r2'] as const) {
      expect(Math.abs(recomputed[key] - v2.metrics.holdout[key])).toBeLessThanOrEqual(1e-12);
    }
  });

  it('is exactly what its committed params file trains', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cutover-v2-'));
    try {
      const out = join(dir, 'housing-v2.json');
      const result = runTrain(['--config', PARAMS_PATH, '--out', out], { log: () => undefined, error: console.error });
      expect(result).toBe(0);
      expect(readFileSync(out).equals(v2Bytes)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
