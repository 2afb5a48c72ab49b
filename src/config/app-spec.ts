import { z } from 'zod';
import { DNS1123_LABEL, MAX_APP_LENGTH } from '../deployments/domain/names';

/** One deployable predictor app and the policy its deployments follow. */
export const appSpecSchema = z.object({
  name: z.string().regex(DNS1123_LABEL, 'must be a DNS-1123 label').max(MAX_APP_LENGTH),
  replicas: z.number().int().min(1).max(50).default(2),
  /** Promote as soon as the smoke test passes; otherwise wait in AwaitingPromotion. */
  autoPromote: z.boolean().default(false),
  /** Blue keeps running this long after green is verified, so rollback is a flip. */
  scaleDownDelaySeconds: z.number().int().min(0).max(86_400).default(30),
  /** A step that reaches no checkpoint for this long fails the deployment. */
  progressDeadlineSeconds: z.number().int().min(5).max(86_400).default(120),
  verify: z
    .object({
      /** How long the edge may take to serve green after the flip (CloudFront: minutes). */
      propagationDeadlineSeconds: z.number().int().min(1).max(3_600).default(30),
    })
    .prefault({}),
  smoke: z
    .object({
      requestTimeoutMs: z.number().int().min(100).max(60_000).default(5_000),
    })
    .prefault({}),
  local: z
    .object({
      /** Where users reach this app's local edge. */
      edgePort: z.number().int().min(1).max(65_535).default(8080),
      edgeAdminPort: z.number().int().min(1).max(65_535).default(8081),
      /** Model artifacts a release may name, relative to the working directory. */
      artifactDirs: z.array(z.string().min(1)).min(1).default(['predictor/models']),
    })
    .prefault({}),
});

export type AppSpec = z.infer<typeof appSpecSchema>;
export const DEFAULT_APP = 'housing';
