import { z } from 'zod';
import { DNS1123_LABEL, MAX_APP_LENGTH } from '../deployments/domain/names';

/** An absolute path inside an image made of plain segments: nothing a shell or YAML reads twice. */
export const IMAGE_MODEL_PATH = /^(\/[A-Za-z0-9_][A-Za-z0-9._-]*)+$/;
/** CloudFormation stack names. */
const STACK_NAME = /^[A-Za-z][A-Za-z0-9-]{0,127}$/;

/** Every release gate can be switched off, and marked critical (fails the deployment) or not (needs an override). */
function gate(defaults: { critical: boolean }) {
  return z.object({ enabled: z.boolean().default(true), critical: z.boolean().default(defaults.critical) });
}

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
      /** After propagation, user-like requests through the edge for this long must be healthy. */
      windowSeconds: z.number().min(0).max(3_600).default(5),
      samplesPerTick: z.number().int().min(1).max(200).default(20),
      maxErrorRate: z.number().min(0).max(1).default(0.01),
      p95BudgetMs: z.number().min(1).max(60_000).default(500),
    })
    .prefault({}),
  smoke: z
    .object({
      requestTimeoutMs: z.number().int().min(100).max(60_000).default(5_000),
      /** Labelled rows the controller keeps; green and blue never see the labels. */
      referenceData: z
        .object({
          file: z.string().min(1).default('predictor/data/boston_housing.csv'),
          split: z.string().min(1).default('predictor/data/split.json'),
          target: z.string().min(1).default('MEDV'),
        })
        .prefault({}),
      schema: gate({ critical: true }).prefault({}),
      golden: gate({ critical: true }).prefault({}),
      contract: gate({ critical: true }).prefault({}),
      /** Green's holdout RMSE may exceed blue's by at most this much (in target units). */
      quality: gate({ critical: true })
        .extend({ maxRmseIncrease: z.number().min(0).default(0.25) })
        .prefault({}),
      /** Blue and green answer the same reference rows; their answers may differ by this much. */
      shift: gate({ critical: false })
        .extend({
          maxMeanAbsDiff: z.number().min(0).default(3),
          maxMaxAbsDiff: z.number().min(0).default(15),
          /** When both run the same model bytes, any difference is a bug. */
          sameModelTolerance: z.number().min(0).default(1e-9),
        })
        .prefault({}),
      latency: gate({ critical: true })
        .extend({
          requests: z.number().int().min(1).max(10_000).default(50),
          p95BudgetMs: z.number().min(1).max(60_000).default(100),
        })
        .prefault({}),
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
  aws: z
    .object({
      /** The CloudFormation stack made from cloudformation/edge.yaml. Default: cutover-edge-<app>. */
      edgeStack: z.string().regex(STACK_NAME, 'must be a CloudFormation stack name').optional(),
      /** What users hit. Default: the edge stack's PublicUrl output; set it for a custom domain in front. */
      publicUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
      /** The model file inside a release's image (predictor/Dockerfile ships predictor/models under /app). */
      modelPath: z
        .string()
        .max(255)
        .regex(IMAGE_MODEL_PATH, 'must be an absolute path of plain segments')
        .default('/app/predictor/models/housing-v2.json'),
      /** Repositories (`registry/name`, no tag) a release's image may come from; empty: any. */
      imageRepositories: z.array(z.string().min(1).max(255)).max(20).default([]),
    })
    .prefault({}),
});

export type AppSpec = z.infer<typeof appSpecSchema>;
export const DEFAULT_APP = 'housing';
