import { z } from 'zod';

/**
 * The one on-disk format for tree-ensemble regressors (`cutover.tree-ensemble/v1`).
 * The predictor loads it, the training command writes it, and the controller reads its
 * golden set and holdout metadata for release gates.
 */
export const ARTIFACT_FORMAT = 'cutover.tree-ensemble/v1';

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const index = z.number().int();

/** Parallel arrays, one entry per node, as sklearn's `tree_` stores them. A node is a leaf when `left < 0`. */
export const treeSchema = z.object({
  feature: z.array(index),
  threshold: z.array(z.number()),
  left: z.array(index),
  right: z.array(index),
  value: z.array(finite),
});

export const scalerSchema = z.object({
  kind: z.literal('standard'),
  mean: z.array(finite),
  scale: z.array(finite.refine((v) => v !== 0, 'scale must not be zero')),
});

export const ensembleSchema = z.object({
  /** boosting: base + learningRate * sum(tree); mean: average of the trees. */
  combine: z.enum(['boosting', 'mean']),
  base: finite.default(0),
  learningRate: finite.default(1),
  /** `lte` goes left when x <= threshold (sklearn); `lt` when x < threshold (ml-cart). */
  decision: z.enum(['lte', 'lt']),
  /** float32: scaled inputs are cast with Math.fround before the walk, as sklearn does. */
  inputPrecision: z.enum(['float32', 'float64']),
  trees: z.array(treeSchema).min(1),
});

export const goldenCaseSchema = z.object({
  input: z.record(z.string(), finite),
  expected: finite,
});

export const artifactSchema = z.object({
  format: z.literal(ARTIFACT_FORMAT),
  name: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/),
  version: z.string().regex(/^v[0-9]+[a-z0-9.-]*$/),
  description: z.string().optional(),
  features: z.array(z.string().min(1)).min(1),
  target: z.string().min(1),
  scaler: scalerSchema,
  ensemble: ensembleSchema,
  metrics: z.object({
    holdout: z.object({ rmse: finite, mae: finite, r2: finite, rows: z.number().int().positive() }),
    holdoutRowIndices: z.array(z.number().int().nonnegative()).min(1),
  }),
  golden: z.object({
    tolerance: finite.refine((v) => v >= 0, 'tolerance must be >= 0'),
    cases: z.array(goldenCaseSchema).min(1),
  }),
  provenance: z.object({
    data: z.object({ file: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/), rows: z.number().int().positive() }),
    algorithm: z.string(),
    params: z.record(z.string(), z.unknown()),
    seed: z.number().int(),
    split: z.object({ testSize: finite, seed: z.number().int() }),
    source: z.string().optional(),
    trainedWith: z.string().optional(),
  }),
});

export type ModelArtifact = z.infer<typeof artifactSchema>;
export type Tree = z.infer<typeof treeSchema>;
export type Ensemble = z.infer<typeof ensembleSchema>;
export type GoldenCase = z.infer<typeof goldenCaseSchema>;
