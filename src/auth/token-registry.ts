import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { ROLES, type Role } from './roles';

export interface Principal {
  name: string;
  role: Role;
}

const tokensFileSchema = z.object({
  tokens: z
    .array(
      z
        .object({
          name: z.string().min(1).max(64),
          role: z.enum(ROLES),
          /** Plaintext (local convenience: the CLI reads it) or only its sha256 (shared setups). */
          token: z.string().min(32).optional(),
          sha256: z
            .string()
            .regex(/^[0-9a-f]{64}$/)
            .optional(),
        })
        .refine((t) => (t.token === undefined) !== (t.sha256 === undefined), 'give exactly one of token or sha256'),
    )
    .min(1),
});

interface Entry extends Principal {
  digest: Buffer;
}

/**
 * Bearer tokens and their roles. Tokens are compared as sha256 digests with timingSafeEqual
 * over every entry, so neither a match nor its position leaks through timing.
 */
export class TokenRegistry {
  private constructor(private readonly entries: Entry[]) {}

  static fromFile(path: string): TokenRegistry {
    const parsed = tokensFileSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    if (!parsed.success)
      throw new Error(
        `invalid tokens file ${path}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
    return new TokenRegistry(
      parsed.data.tokens.map((t) => ({
        name: t.name,
        role: t.role,
        digest: t.sha256 ? Buffer.from(t.sha256, 'hex') : digest(t.token!),
      })),
    );
  }

  /** First start on the local provider: one token per role, in a file only the user can read. */
  static ensureLocalFile(path: string): { created: boolean } {
    if (existsSync(path)) return { created: false };
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const tokens = ROLES.map((role) => ({
      name: `local-${role}`,
      role,
      token: `cut_${role}_${randomBytes(24).toString('base64url')}`,
    }));
    writeFileSync(path, JSON.stringify({ tokens }, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
    chmodSync(path, 0o600);
    return { created: true };
  }

  authenticate(presented: string): Principal | undefined {
    const candidate = digest(presented);
    let found: Entry | undefined;
    for (const entry of this.entries) {
      if (timingSafeEqual(candidate, entry.digest) && !found) found = entry;
    }
    return found && { name: found.name, role: found.role };
  }
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
