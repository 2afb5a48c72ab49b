import type { Ensemble, ModelArtifact } from './artifact.schema';
import { CompiledEnsemble } from './compiled-ensemble';

/**
 * A loaded, validated model ready to answer. Rows are numeric feature vectors in the
 * artifact's feature order; each row is scaled with the training-time scaler on its own.
 */
export class TreeEnsembleModel {
  private readonly mean: Float64Array;
  private readonly scale: Float64Array;
  private readonly scratch: Float64Array;
  private readonly compiled: CompiledEnsemble;
  private readonly float32: boolean;

  constructor(private readonly artifact: ModelArtifact) {
    this.mean = Float64Array.from(artifact.scaler.mean);
    this.scale = Float64Array.from(artifact.scaler.scale);
    this.scratch = new Float64Array(artifact.features.length);
    this.compiled = new CompiledEnsemble(artifact.ensemble);
    this.float32 = artifact.ensemble.inputPrecision === 'float32';
  }

  get features(): readonly string[] {
    return this.artifact.features;
  }

  predictRow(row: ArrayLike<number>): number {
    const x = this.scratch;
    for (let i = 0; i < x.length; i++) {
      const scaled = (row[i] - this.mean[i]) / this.scale[i];
      x[i] = this.float32 ? Math.fround(scaled) : scaled;
    }
    return this.compiled.predict(x);
  }
}

/**
 * The reference walk, straight off the artifact's arrays: sklearn's predict_stages, sequential
 * float64 adds of each tree's leaf value. The compiled ensemble must agree with it exactly.
 */
export function walkEnsemble(ensemble: Ensemble, x: ArrayLike<number>): number {
  const { trees } = ensemble;
  const lte = ensemble.decision === 'lte';
  let sum = 0;
  if (ensemble.combine === 'boosting') {
    let out = ensemble.base;
    for (let t = 0; t < trees.length; t++) out += ensemble.learningRate * leafValue(trees[t], x, lte);
    return out;
  }
  for (let t = 0; t < trees.length; t++) sum += leafValue(trees[t], x, lte);
  return sum / trees.length;
}

function leafValue(tree: Ensemble['trees'][number], x: ArrayLike<number>, lte: boolean): number {
  const { feature, threshold, left, right, value } = tree;
  let n = 0;
  while (left[n] >= 0) {
    const v = x[feature[n]];
    n = (lte ? v <= threshold[n] : v < threshold[n]) ? left[n] : right[n];
  }
  return value[n];
}
