import { readFileSync } from 'node:fs';

/** Roles in increasing power; each includes the ones before it (as the controller sees them). */
export const ROLE_ORDER = ['viewer', 'ci', 'operator'] as const;
export type Role = (typeof ROLE_ORDER)[number];

export interface TokenEntry {
  role: string;
  token?: string;
}

/**
 * The least powerful token in the file that is enough for `need` (read-only commands take any
 * token; promote, abort and rollback need the operator's).
 */
export function pickToken(entries: readonly TokenEntry[], need: Role): string | undefined {
  const usable = entries.filter(
    (e): e is { role: Role; token: string } =>
      typeof e.token === 'string' && e.token.length > 0 && (ROLE_ORDER as readonly string[]).includes(e.role),
  );
  const rank = (r: Role) => ROLE_ORDER.indexOf(r);
  return usable
    .filter((e) => rank(e.role) >= rank(need))
    .sort((a, b) => rank(a.role) - rank(b.role))
    .at(0)?.token;
}

/** A controller on this machine (the local provider) writes its tokens here; only trust it for loopback URLs. */
export function isLoopbackUrl(base: string): boolean {
  const host = new URL(base).hostname;
  return host === 'localhost' || host === '[::1]' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** Reads a local tokens.json; anything missing or malformed is simply no token. */
export function readTokensFile(path: string): TokenEntry[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return [];
  }
  const tokens = (parsed as { tokens?: unknown })?.tokens;
  if (!Array.isArray(tokens)) return [];
  return tokens.filter((t): t is TokenEntry => typeof t === 'object' && t !== null && typeof t.role === 'string');
}

export type TokenSource = 'flag' | 'env' | 'file' | 'none';

/** --token, else CUTOVER_TOKEN, else (for a controller on this machine) the local tokens file. */
export function resolveToken(
  flag: string | undefined,
  env: { token: string | undefined; tokensFile: string },
  base: string,
  need: Role,
): { token: string | undefined; source: TokenSource } {
  if (flag) return { token: flag, source: 'flag' };
  if (env.token) return { token: env.token, source: 'env' };
  if (isLoopbackUrl(base)) {
    const token = pickToken(readTokensFile(env.tokensFile), need);
    if (token) return { token, source: 'file' };
  }
  return { token: undefined, source: 'none' };
}
