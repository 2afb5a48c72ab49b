import { z } from 'zod';
import { originUrlSchema, releaseSchema, type Origin } from './origin';

export const MAX_ADMIN_BODY_BYTES = 16 * 1024;

const putOriginSchema = z.strictObject({
  url: originUrlSchema,
  release: releaseSchema,
  /** Optimistic concurrency: apply only if the edge is still at this generation. */
  ifGeneration: z.number().int().min(0).optional(),
});

export interface PutOriginRequest {
  origin: Origin;
  ifGeneration?: number;
}

export type BodyProblem = { status: 400 | 415; code: string; message: string; details: Record<string, unknown> };

export function isJsonContentType(contentType: string | undefined): boolean {
  const mediaType = contentType?.split(';', 1)[0].trim().toLowerCase();
  return mediaType === 'application/json';
}

export function parsePutOriginBody(
  raw: Buffer,
): { ok: true; value: PutOriginRequest } | { ok: false; problem: BodyProblem } {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch (err) {
    return {
      ok: false,
      problem: {
        status: 400,
        code: 'INVALID_JSON',
        message: 'body is not valid JSON',
        details: { reason: (err as Error).message },
      },
    };
  }
  const parsed = putOriginSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    return {
      ok: false,
      problem: {
        status: 400,
        code: 'VALIDATION_FAILED',
        message: 'body must be {url, release, ifGeneration?}',
        details: { issues },
      },
    };
  }
  const { url, release, ifGeneration } = parsed.data;
  return { ok: true, value: { origin: { url, release }, ...(ifGeneration === undefined ? {} : { ifGeneration }) } };
}
