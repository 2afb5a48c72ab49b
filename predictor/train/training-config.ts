import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { artifactSchema } from '../src/model/artifact.schema';

/** The features and target of the original capstone model, so every version is comparable by default. */
export const CAPSTONE_FEATURES = ['CHAS', 'RM', 'TAX', 'PTRATIO', 'B', 'LSTAT'] as const;
export const CAPSTONE_TARGET = 'MEDV';
/** Relative `data` paths resolve against the repository root, the same form provenance records. */
export const DEFAULT_DATA_PATH = 'predictor/data/boston_housing.csv';

/** A params file that cannot be used; the message is one line that names the offending field. */
export class TrainingConfigError extends Error {
  override name = 'TrainingConfigError';
}

const treeParams = {
  maxDepth: z.int().min(1).max(64),
  minNumSamples: z.int().min(1).default(3),
};

const cartParams = z.strictObject(treeParams);

const forestParams = z.strictObject({
  ...treeParams,
  nEstimators: z.int().min(1).max(500).default(20),
  // Only a fraction: ml-random-forest reads 1 as "100%" rather than "one feature", so integers would mislead.
  // It draws the subset once per tree, not per split.
  maxFeatures: z.number().gt(0).lte(1).default(1),
  /** Draw the per-tree feature subset with replacement. */
  replacement: z.boolean().default(false),
  /** Bootstrap the training rows for each tree. */
  useSampleBagging: z.boolean().default(true),
});

const common = {
  name: artifactSchema.shape.name,
  version: artifactSchema.shape.version,
  description: z.string().min(1).optional(),
  features: z
    .array(z.string().min(1))
    .min(1)
    .default([...CAPSTONE_FEATURES])
    .refine((f) => new Set(f).size === f.length, 'must not repeat a feature'),
  target: z.string().min(1).default(CAPSTONE_TARGET),
  data: z.string().min(1).default(DEFAULT_DATA_PATH),
  // ml-random-forest needs a 32-bit integer seed.
  seed: z
    .int()
    .min(0)
    .max(2 ** 31 - 1),
  /** `shuffle` permutes the training labels with the seed: a deliberately useless model for rollback drills. */
  labels: z.enum(['as-is', 'shuffle']).default('as-is'),
};

export const trainingConfigSchema = z
  .discriminatedUnion('algorithm', [
    z.strictObject({ ...common, algorithm: z.literal('cart'), params: cartParams }),
    z.strictObject({ ...common, algorithm: z.literal('random-forest'), params: forestParams }),
  ])
  .refine((c) => !c.features.includes(c.target), {
    message: 'the target must not also be a feature',
    path: ['target'],
  });

export type TrainingConfig = z.infer<typeof trainingConfigSchema>;
export type TrainingConfigInput = z.input<typeof trainingConfigSchema>;

/** Validates an already-parsed params document; `source` names it in the error. */
export function parseTrainingConfig(raw: unknown, source = 'params'): TrainingConfig {
  const parsed = trainingConfigSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  // A misspelt key also shows up as a missing one; naming the stray key first points at the typo.
  const issues = [...parsed.error.issues].sort(
    (a, b) => Number(b.code === 'unrecognized_keys') - Number(a.code === 'unrecognized_keys'),
  );
  const described = issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  throw new TrainingConfigError(`${source}: ${described.join('; ')}`);
}

export function readTrainingConfig(path: string): TrainingConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new TrainingConfigError(`cannot read params file ${path}: ${(err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    // yaml appends a code frame on further lines; the first line already says what and where.
    throw new TrainingConfigError(`${path} is not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  return parseTrainingConfig(raw, path);
}
