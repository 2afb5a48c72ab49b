import { z } from 'zod';

/** Where user traffic goes: one predictor release listening on a loopback port. */
export interface Origin {
  /** Normalised to `http://<host>:<port>`, the form the upstream dispatcher keys its pools on. */
  url: string;
  release: string;
}

/** What the edge serves and since when; `generation` counts flips for optimistic concurrency. */
export interface OriginState {
  origin: Origin | null;
  generation: number;
  updatedAt: string | null;
}

export const EMPTY_STATE: OriginState = Object.freeze({ origin: null, generation: 0, updatedAt: null });

const ORIGIN_URL = /^http:\/\/(127\.0\.0\.1|localhost):(\d{1,5})\/?$/;

export const releaseSchema = z
  .string()
  .max(63, 'must be at most 63 characters')
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a DNS-1123 label (lowercase letters, digits and "-")');

/**
 * Only loopback origins with an explicit port: the local edge fronts processes on this machine,
 * and refusing anything else keeps a stolen admin token from pointing users at another host.
 */
export const originUrlSchema = z
  .string()
  .max(64)
  .transform((raw, ctx) => {
    const match = ORIGIN_URL.exec(raw);
    const port = match ? Number(match[2]) : NaN;
    if (!match || port < 1 || port > 65535) {
      ctx.addIssue({ code: 'custom', message: 'must be http://127.0.0.1:<port> or http://localhost:<port>' });
      return z.NEVER;
    }
    return `http://${match[1]}:${port}`;
  });

export const originSchema = z.strictObject({ url: originUrlSchema, release: releaseSchema });

export function sameOrigin(a: Origin | null, b: Origin | null): boolean {
  return a === b || (a !== null && b !== null && a.url === b.url && a.release === b.release);
}
