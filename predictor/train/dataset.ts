import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DATA_DIR } from '../src/project-paths';

/** The Boston housing data set shipped with the repo, and the capstone's holdout split. */
export const DEFAULT_DATA_FILE = join(DATA_DIR, 'boston_housing.csv');
export const SPLIT_FILE = join(DATA_DIR, 'split.json');

export interface Dataset {
  columns: string[];
  rows: number[][];
  sha256: string;
  file: string;
}

export interface HoldoutSplit {
  testSize: number;
  seed: number;
  holdoutRowIndices: number[];
}

export function loadDataset(file = DEFAULT_DATA_FILE): Dataset {
  const text = readFileSync(file, 'utf8');
  const [header, ...lines] = text.trim().split(/\r?\n/);
  const columns = header.split(',').map((c) => c.trim());
  const rows = lines.map((line, i) => {
    const cells = line.split(',').map(Number);
    if (cells.length !== columns.length || cells.some((v) => !Number.isFinite(v))) {
      throw new Error(`${file}: row ${i} is not ${columns.length} numbers`);
    }
    return cells;
  });
  return { columns, rows, sha256: createHash('sha256').update(text).digest('hex'), file };
}

export function loadSplit(file = SPLIT_FILE): HoldoutSplit {
  const split = JSON.parse(readFileSync(file, 'utf8')) as HoldoutSplit;
  return { testSize: split.testSize, seed: split.seed, holdoutRowIndices: split.holdoutRowIndices };
}

/** Picks `features` (in order) and `target` out of every row. */
export function selectColumns(
  dataset: Dataset,
  features: readonly string[],
  target: string,
): { x: number[][]; y: number[] } {
  const idx = features.map((f) => columnIndex(dataset, f));
  const t = columnIndex(dataset, target);
  return { x: dataset.rows.map((r) => idx.map((i) => r[i])), y: dataset.rows.map((r) => r[t]) };
}

function columnIndex(dataset: Dataset, name: string): number {
  const i = dataset.columns.indexOf(name);
  if (i < 0) throw new Error(`column ${name} is not in ${dataset.file} (has ${dataset.columns.join(', ')})`);
  return i;
}

/** Splits row indices into training and holdout, holdout exactly as the shared split says. */
export function splitRows(rowCount: number, holdout: readonly number[]): { train: number[]; test: number[] } {
  const held = new Set(holdout);
  const train: number[] = [];
  for (let i = 0; i < rowCount; i++) if (!held.has(i)) train.push(i);
  return { train, test: [...holdout] };
}
