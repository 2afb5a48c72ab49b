import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { z } from 'zod';

/**
 * The local edge's configuration (the stand-in for CloudFront), read from its environment once
 * at boot. The edge runs as its own process, so this module is its only window on `process.env`.
 */

const port = z.coerce.number().int().min(0).max(65535);
const millis = (max: number) => z.coerce.number().int().min(1).max(max);
const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .default('false')
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** True for names and addresses that can only be reached from this machine. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (bare === 'localhost' || bare === '::1') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  // IPv4-mapped IPv6 loopback, e.g. ::ffff:127.0.0.1
  return /^::ffff:127\./.test(bare);
}

const MIN_TOKEN_LENGTH = 32;

const envSchema = z
  .object({
    EDGE_HOST: z.string().min(1).default('127.0.0.1'),
    EDGE_PORT: port.default(8080),
    EDGE_ADMIN_HOST: z
      .string()
      .min(1)
      .default('127.0.0.1')
      // Whoever reaches the admin listener can send every user anywhere: keep it on this machine.
      .refine(isLoopbackHost, 'must be a loopback address (127.0.0.0/8, ::1 or localhost)'),
    EDGE_ADMIN_PORT: port.default(8081),
    EDGE_STATE_FILE: z.string().min(1).default('.cutover/edge/state.json'),
    EDGE_ADMIN_TOKEN: z.string().optional(),
    EDGE_ADMIN_TOKEN_FILE: z.string().min(1).optional(),
    EDGE_UPSTREAM_TIMEOUT_MS: millis(600_000).default(30_000),
    EDGE_CONNECT_TIMEOUT_MS: millis(60_000).default(5_000),
    EDGE_DRAIN_TIMEOUT_MS: millis(600_000).default(10_000),
    EDGE_UPSTREAM_CONNECTIONS: z.coerce.number().int().min(1).max(10_000).default(256),
    EDGE_ACCESS_LOG: flag,
    EDGE_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .refine((env) => env.EDGE_PORT === 0 || env.EDGE_PORT !== env.EDGE_ADMIN_PORT, {
    message: 'must differ from EDGE_PORT',
    path: ['EDGE_ADMIN_PORT'],
  })
  .refine((env) => !(env.EDGE_ADMIN_TOKEN !== undefined && env.EDGE_ADMIN_TOKEN_FILE !== undefined), {
    message: 'set EDGE_ADMIN_TOKEN or EDGE_ADMIN_TOKEN_FILE, not both',
    path: ['EDGE_ADMIN_TOKEN'],
  });

export interface EdgeConfig {
  listen: { host: string; port: number };
  admin: { host: string; port: number };
  /** Absolute path of the persisted origin. */
  stateFile: string;
  /** Secret: never log it. */
  adminToken: string;
  upstreamTimeoutMs: number;
  connectTimeoutMs: number;
  drainTimeoutMs: number;
  upstreamConnections: number;
  accessLog: boolean;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

export class EdgeConfigError extends Error {}

function fail(problems: string[]): never {
  throw new EdgeConfigError(`invalid edge configuration: ${problems.join('; ')}`);
}

function readToken(env: z.infer<typeof envSchema>, readFile: (path: string) => string): string {
  let token = env.EDGE_ADMIN_TOKEN;
  if (env.EDGE_ADMIN_TOKEN_FILE !== undefined) {
    try {
      // Files written by `echo` end in a newline that is not part of the secret.
      token = readFile(env.EDGE_ADMIN_TOKEN_FILE).replace(/\r?\n$/, '');
    } catch (err) {
      fail([
        `EDGE_ADMIN_TOKEN_FILE: cannot read ${env.EDGE_ADMIN_TOKEN_FILE} (${(err as NodeJS.ErrnoException).code})`,
      ]);
    }
  }
  if (token === undefined) fail(['EDGE_ADMIN_TOKEN: required (or EDGE_ADMIN_TOKEN_FILE)']);
  // Messages name the variable and the rule, never the value.
  if (token.length < MIN_TOKEN_LENGTH) fail([`admin token: must be at least ${MIN_TOKEN_LENGTH} characters`]);
  if (/\s/.test(token)) fail(['admin token: must not contain whitespace']);
  return token;
}

export function loadEdgeConfig(
  env: NodeJS.ProcessEnv = process.env,
  readFile: (path: string) => string = (path) => readFileSync(path, 'utf8'),
  cwd: string = process.cwd(),
): EdgeConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) fail(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  const e = parsed.data;
  return {
    listen: { host: e.EDGE_HOST, port: e.EDGE_PORT },
    admin: { host: e.EDGE_ADMIN_HOST, port: e.EDGE_ADMIN_PORT },
    stateFile: resolve(cwd, e.EDGE_STATE_FILE),
    adminToken: readToken(e, readFile),
    upstreamTimeoutMs: e.EDGE_UPSTREAM_TIMEOUT_MS,
    connectTimeoutMs: e.EDGE_CONNECT_TIMEOUT_MS,
    drainTimeoutMs: e.EDGE_DRAIN_TIMEOUT_MS,
    upstreamConnections: e.EDGE_UPSTREAM_CONNECTIONS,
    accessLog: e.EDGE_ACCESS_LOG,
    logLevel: e.EDGE_LOG_LEVEL,
  };
}
