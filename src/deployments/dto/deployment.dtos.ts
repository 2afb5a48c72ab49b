import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { DNS1123_LABEL, MAX_APP_LENGTH, MAX_RELEASE_LENGTH } from '../domain/names';
import { PUBLIC_STEPS } from '../domain/deployment';

const releaseId = z
  .string()
  .min(1)
  .max(MAX_RELEASE_LENGTH, `release id must be at most ${MAX_RELEASE_LENGTH} characters`)
  .regex(DNS1123_LABEL, 'release id must be a DNS-1123 label (lowercase letters, digits and "-")');

export const createDeploymentSchema = z
  .object({
    release: releaseId.describe('Release id, e.g. the short commit sha'),
    artifact: z.string().min(1).max(1024).describe('Model artifact path (local) or OCI image reference (aws)'),
    commit: z
      .string()
      .regex(/^[0-9a-f]{7,40}$/, 'commit must be a hex sha')
      .optional(),
    workflowUrl: z.string().url().max(2048).optional(),
    autoPromote: z.boolean().optional().describe("Promote once the smoke test passes (default: the app's setting)"),
    supersede: z.boolean().optional().describe('Abort a different release in flight and start this one'),
    stepwise: z.boolean().optional().describe('Run only the steps requested through /steps/:step (CircleCI)'),
    featureChange: z
      .boolean()
      .optional()
      .describe("Green's features differ from blue's on purpose (lets the schema gate pass)"),
    trigger: z.enum(['ci', 'operator']).optional(),
  })
  .strict();
export class CreateDeploymentDto extends createZodDto(createDeploymentSchema) {}

// No body at all is the same as `{}`: `curl -XPOST .../rollback` must work.
export const rollbackSchema = z.preprocess((body) => body ?? {}, z.object({ to: releaseId.optional() }).strict());
export class RollbackDto extends createZodDto(rollbackSchema) {}

export const promoteSchema = z.preprocess(
  (body) => body ?? {},
  z
    .object({
      override: z.boolean().optional().describe('Go past failed non-critical gates; recorded with who did it'),
      reason: z.string().max(500).optional(),
    })
    .strict(),
);
export class PromoteDto extends createZodDto(promoteSchema) {}

export const listQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: z.string().max(200).optional(),
  })
  .strict();
export class ListQueryDto extends createZodDto(listQuerySchema) {}

export const appParamSchema = z.object({
  app: z.string().max(MAX_APP_LENGTH).regex(DNS1123_LABEL, 'app must be a DNS-1123 label'),
});
export class AppParamDto extends createZodDto(appParamSchema) {}

export const deploymentIdSchema = z.object({
  id: z
    .string()
    .max(120)
    .regex(/^[a-z0-9][-a-z0-9]*$/, 'deployment id has an invalid format'),
});
export class DeploymentIdDto extends createZodDto(deploymentIdSchema) {}

export const stepParamSchema = deploymentIdSchema.extend({ step: z.enum(PUBLIC_STEPS) });
export class StepParamDto extends createZodDto(stepParamSchema) {}
