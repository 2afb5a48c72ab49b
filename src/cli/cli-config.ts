import { resolve } from 'node:path';
import { UsageError } from './cli-errors';

/**
 * The one place the CLI reads the environment. Everything else gets a CliEnv, so tests can
 * pass their own.
 */
export interface CliEnv {
  /** CUTOVER_URL: the controller's base URL. */
  url: string | undefined;
  /** CUTOVER_TOKEN: a bearer token. */
  token: string | undefined;
  /** Where a local controller keeps tokens.json: CUTOVER_TOKENS_FILE, else CUTOVER_STATE_DIR/tokens.json, else ./.cutover/tokens.json. */
  tokensFile: string;
  /** Plain, timestamped progress lines even on a terminal (CI set, or TERM=dumb). */
  plainProgress: boolean;
  /** NO_COLOR set: no ANSI colours. */
  noColor: boolean;
}

export const DEFAULT_URL = 'http://127.0.0.1:3000';

export function readCliEnv(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): CliEnv {
  const stateDir = resolve(cwd, nonEmpty(env.CUTOVER_STATE_DIR) ?? '.cutover');
  return {
    url: nonEmpty(env.CUTOVER_URL),
    token: nonEmpty(env.CUTOVER_TOKEN),
    tokensFile: resolve(cwd, nonEmpty(env.CUTOVER_TOKENS_FILE) ?? resolve(stateDir, 'tokens.json')),
    plainProgress: nonEmpty(env.CI) !== undefined || env.TERM === 'dumb',
    noColor: nonEmpty(env.NO_COLOR) !== undefined,
  };
}

/** The controller's base URL, from --url, CUTOVER_URL or the default; no trailing slash. */
export function resolveBaseUrl(flag: string | undefined, env: Pick<CliEnv, 'url'>): string {
  const raw = flag ?? env.url ?? DEFAULT_URL;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--url "${raw}" is not a URL (e.g. ${DEFAULT_URL})`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(`--url must be http:// or https://, not ${url.protocol}`);
  if (url.username || url.password) throw new UsageError('--url must not carry credentials; use --token');
  return url.href.replace(/\/+$/, '');
}

const nonEmpty = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v);
