import { resolve } from 'node:path';
import { loadDataset, loadSplit } from '../../predictor/train/dataset';

/** Labelled rows the controller keeps to judge a release: the holdout split of the app's data set. */
export interface ReferenceData {
  columns: string[];
  /** Holdout rows as {column: value}, labels included; strip the target before sending. */
  holdout: Record<string, number>[];
  labels: number[];
  target: string;
}

const cache = new Map<string, ReferenceData>();

export function loadReferenceData(
  workDir: string,
  spec: { file: string; split: string; target: string },
): ReferenceData {
  const key = `${workDir}|${spec.file}|${spec.split}|${spec.target}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const dataset = loadDataset(resolve(workDir, spec.file));
  const split = loadSplit(resolve(workDir, spec.split));
  const targetIndex = dataset.columns.indexOf(spec.target);
  if (targetIndex < 0) throw new Error(`reference data ${spec.file} has no column ${spec.target}`);
  const holdout = split.holdoutRowIndices.map((i) =>
    Object.fromEntries(dataset.columns.map((c, j) => [c, dataset.rows[i][j]])),
  );
  const data = { columns: dataset.columns, holdout, labels: holdout.map((r) => r[spec.target]), target: spec.target };
  cache.set(key, data);
  return data;
}

/** Only the features a model takes, in its order: what is sent over HTTP. */
export function featureRows(rows: Record<string, number>[], features: readonly string[]): Record<string, number>[] {
  return rows.map((r) => Object.fromEntries(features.map((f) => [f, r[f]])));
}
