import { join } from 'node:path';
import { z } from 'zod';
import { MODELS_DIR } from '../project-paths';

/** Everything the predictor reads from its environment, validated once at boot. */
export const predictorConfigSchema = z.object({
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  RELEASE_ID: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a DNS-1123 label')
    .max(63)
    .default('dev'),
  MODEL_PATH: z.string().min(1).default(join(MODELS_DIR, 'housing-v1.json')),
  /** When set, the artifact's sha256 must equal it: the release record pins the exact bytes. */
  MODEL_SHA256: z
    .string()
    .regex(/^[0-9a-f]{64}$/, 'must be a hex sha256')
    .optional(),
  MAX_BATCH_ROWS: z.coerce.number().int().min(1).max(100_000).default(1000),
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(64 * 1024 * 1024)
    .default(1024 * 1024),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type PredictorConfig = z.infer<typeof predictorConfigSchema>;
export const PREDICTOR_CONFIG = Symbol('PREDICTOR_CONFIG');

export class PredictorConfigError extends Error {}

export function loadPredictorConfig(env: NodeJS.ProcessEnv = process.env): PredictorConfig {
  const parsed = predictorConfigSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new PredictorConfigError(`invalid predictor configuration: ${problems}`);
  }
  return parsed.data;
}
