import type { Ensemble } from './artifact.schema';

/**
 * The ensemble flattened into typed arrays, one contiguous block for all trees, so the hot
 * path walks numbers in cache order instead of chasing JS objects. Children are stored as
 * absolute node indices; a negative left child marks a leaf, as in the artifact.
 */
export class CompiledEnsemble {
  private readonly roots: Int32Array;
  private readonly feature: Int32Array;
  private readonly threshold: Float64Array;
  private readonly left: Int32Array;
  private readonly right: Int32Array;
  private readonly value: Float64Array;
  private readonly boosting: boolean;
  private readonly lte: boolean;
  private readonly base: number;
  private readonly learningRate: number;

  constructor(ensemble: Ensemble) {
    const total = ensemble.trees.reduce((n, t) => n + t.feature.length, 0);
    this.roots = new Int32Array(ensemble.trees.length);
    this.feature = new Int32Array(total);
    this.threshold = new Float64Array(total);
    this.left = new Int32Array(total);
    this.right = new Int32Array(total);
    this.value = new Float64Array(total);
    let offset = 0;
    ensemble.trees.forEach((tree, t) => {
      this.roots[t] = offset;
      for (let n = 0; n < tree.feature.length; n++) {
        const leaf = tree.left[n] < 0;
        this.feature[offset + n] = tree.feature[n];
        this.threshold[offset + n] = tree.threshold[n];
        this.left[offset + n] = leaf ? -1 : offset + tree.left[n];
        this.right[offset + n] = leaf ? -1 : offset + tree.right[n];
        this.value[offset + n] = tree.value[n];
      }
      offset += tree.feature.length;
    });
    this.boosting = ensemble.combine === 'boosting';
    this.lte = ensemble.decision === 'lte';
    this.base = ensemble.base;
    this.learningRate = ensemble.learningRate;
  }

  /** Same arithmetic, in the same order, as walkEnsemble (sequential float64 adds). */
  predict(x: Float64Array): number {
    const { roots, feature, threshold, left, right, value, lte, learningRate } = this;
    let out = this.boosting ? this.base : 0;
    let sum = 0;
    for (let t = 0; t < roots.length; t++) {
      let n = roots[t];
      if (lte) {
        while (left[n] >= 0) n = x[feature[n]] <= threshold[n] ? left[n] : right[n];
      } else {
        while (left[n] >= 0) n = x[feature[n]] < threshold[n] ? left[n] : right[n];
      }
      if (this.boosting) out += learningRate * value[n];
      else sum += value[n];
    }
    return this.boosting ? out : sum / roots.length;
  }
}
