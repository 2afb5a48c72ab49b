/** Per-feature mean and population standard deviation, as sklearn's StandardScaler stores them. */
export interface StandardScaler {
  kind: 'standard';
  mean: number[];
  scale: number[];
}

/** Fit on the training rows only, so nothing about the holdout leaks into the model. */
export function fitStandardScaler(rows: readonly (readonly number[])[]): StandardScaler {
  if (rows.length === 0) throw new Error('cannot fit a scaler on no rows');
  const n = rows.length;
  const width = rows[0].length;
  const mean: number[] = [];
  const scale: number[] = [];
  for (let j = 0; j < width; j++) {
    let sum = 0;
    for (const row of rows) sum += row[j];
    const m = sum / n;
    let squares = 0;
    for (const row of rows) squares += (row[j] - m) ** 2;
    const std = Math.sqrt(squares / n);
    mean.push(m);
    // A constant column would divide by zero; sklearn scales it by 1 instead, and so do we.
    scale.push(std === 0 ? 1 : std);
  }
  return { kind: 'standard', mean, scale };
}

/** Exactly the arithmetic TreeEnsembleModel.predictRow does, so training and serving see the same inputs. */
export function scaleRow(scaler: StandardScaler, row: readonly number[]): number[] {
  return row.map((v, j) => (v - scaler.mean[j]) / scaler.scale[j]);
}
