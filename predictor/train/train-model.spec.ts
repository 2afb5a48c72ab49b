import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findArtifactProblems } from '../src/model/artifact-invariants';
import { artifactSchema } from '../src/model/artifact.schema';
import { loadDataset, loadSplit } from './dataset';
import { trainModel } from './train-model';
import { parseTrainingConfig, type TrainingConfigInput } from './training-config';

const config = (overrides: Partial<TrainingConfigInput> = {}) =>
  parseTrainingConfig({
    name: 'housing',
    version: 'v0',
    algorithm: 'cart',
    seed: 7,
    params: { maxDepth: 5 },
    ...overrides,
  });

const holdout = loadSplit().holdoutRowIndices;

describe('trainModel', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'cutover-train-model-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('produces an artifact that passes the schema and the structural checks', () => {
    const { artifact, json } = trainModel(config());
    expect(artifactSchema.parse(JSON.parse(json))).toEqual(artifact);
    expect(findArtifactProblems(artifact)).toEqual([]);
    expect(artifact.ensemble).toMatchObject({ combine: 'mean', decision: 'lt', inputPrecision: 'float64' });
    expect(artifact.metrics.holdoutRowIndices).toEqual(holdout);
    expect(artifact.metrics.holdout.rows).toBe(holdout.length);
    expect(artifact.provenance).toMatchObject({
      data: { file: 'predictor/data/boston_housing.csv', rows: 506 },
      algorithm: 'ml-cart DecisionTreeRegression',
      params: { maxDepth: 5, minNumSamples: 3 },
      seed: 7,
      split: { testSize: 0.2, seed: 7 },
    });
    expect(artifact.provenance.trainedWith).toMatch(/^ml-cart \d+\.\d+\.\d+$/);
  });

  it('trains on exactly the rows outside the shared holdout', () => {
    const { trainRows } = trainModel(config());
    const held = new Set(holdout);
    expect(trainRows.filter((i) => held.has(i))).toEqual([]);
    expect(trainRows.length + holdout.length).toBe(506);
  });

  it('learns nothing from the holdout rows: wrecking them leaves scaler and trees unchanged', () => {
    const dataset = loadDataset();
    const held = new Set(holdout);
    const wrecked = dataset.rows.map((row, i) => (held.has(i) ? row.map((v) => v * 1000 + 12345) : row));
    const file = join(dir, 'wrecked-holdout.csv');
    writeFileSync(file, [dataset.columns.join(','), ...wrecked.map((r) => r.join(','))].join('\n') + '\n');

    for (const overrides of [{}, { algorithm: 'random-forest', params: { maxDepth: 4, nEstimators: 3 } }] as const) {
      const clean = trainModel(config(overrides)).artifact;
      const onWrecked = trainModel(config({ ...overrides, data: file })).artifact;
      expect(onWrecked.scaler).toEqual(clean.scaler);
      expect(onWrecked.ensemble).toEqual(clean.ensemble);
      // ...while the holdout itself did change, so the comparison above had something to notice.
      expect(onWrecked.metrics.holdout.rmse).toBeGreaterThan(1000);
    }
  });

  it('is deterministic for a seed, including the random forest', () => {
    const forest = config({ algorithm: 'random-forest', params: { maxDepth: 4, nEstimators: 4, maxFeatures: 0.5 } });
    const first = trainModel(forest).json;
    expect(trainModel(forest).json).toBe(first);
    expect(trainModel({ ...forest, seed: 8 }).json).not.toBe(first);
  });

  it('makes a clearly worse model when told to shuffle the training labels', () => {
    const honest = trainModel(config()).artifact;
    const shuffled = trainModel(config({ labels: 'shuffle' })).artifact;
    expect(honest.metrics.holdout.r2).toBeGreaterThan(0.6);
    expect(shuffled.metrics.holdout.r2).toBeLessThan(0.1);
    expect(shuffled.metrics.holdout.rmse).toBeGreaterThan(1.5 * honest.metrics.holdout.rmse);
    expect(shuffled.provenance.params).toMatchObject({ labels: 'shuffle' });
    expect(shuffled.description).toMatch(/SHUFFLED/);
  });

  it('names the field when the config asks for something the data does not have', () => {
    expect(() => trainModel(config({ features: ['RM', 'ROOMS'] }))).toThrow(/^features: ROOMS is not a column/);
    expect(() => trainModel(config({ target: 'PRICE' }))).toThrow(/^target: PRICE is not a column/);
    expect(() => trainModel(config({ data: join(dir, 'absent.csv') }))).toThrow(/^data: .*absent\.csv/);
    expect(() => trainModel(config({ algorithm: 'random-forest', params: { maxDepth: 3, maxFeatures: 0.1 } }))).toThrow(
      /^params\.maxFeatures 0\.1 gives each tree none of the 6 features/,
    );
  });
});
