import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { appSpecSchema, DEFAULT_APP, type AppSpec } from './app-spec';
import { AWS_APP_DEFAULTS, readAwsConfig, type AwsConfig } from './aws.config';
import { FAILPOINTS, isFailpointName, type FailpointName } from '../reconciler/failpoints';

/**
 * Everything the controller reads from its environment, validated once at boot. Nothing else
 * in src/ reads process.env; this object is injected where needed.
 */
const envSchema = z.object({
  CUTOVER_PROVIDER: z.enum(['local', 'aws']).default('local'),
  CUTOVER_HOST: z.string().min(1).default('127.0.0.1'),
  CUTOVER_PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  CUTOVER_STATE_DIR: z.string().min(1).default('.cutover'),
  /** YAML or JSON: `apps: [{name, ...}]`. Without it the controller serves the `housing` app. */
  CUTOVER_APPS_FILE: z.string().min(1).optional(),
  CUTOVER_TOKENS_FILE: z.string().min(1).optional(),
  CUTOVER_RECONCILE_INTERVAL_MS: z.coerce.number().int().min(50).max(60_000).default(500),
  /** Release deployed at first start when an app has nothing active ('' disables). */
  CUTOVER_BOOTSTRAP_RELEASE: z.string().default('v1'),
  CUTOVER_BOOTSTRAP_ARTIFACT: z.string().default('predictor/models/housing-v1.json'),
  CUTOVER_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Overrides for the default app's local edge ports (also settable in the apps file). */
  CUTOVER_EDGE_PORT: z.coerce.number().int().min(1).max(65_535).optional(),
  CUTOVER_EDGE_ADMIN_PORT: z.coerce.number().int().min(1).max(65_535).optional(),
  CUTOVER_SCALE_DOWN_DELAY_SECONDS: z.coerce.number().int().min(0).max(86_400).optional(),
  CUTOVER_PROGRESS_DEADLINE_SECONDS: z.coerce.number().int().min(5).max(86_400).optional(),
  /** Comma-separated folders the default app's model artifacts may come from. */
  CUTOVER_ARTIFACT_DIRS: z.string().min(1).optional(),
  /** The predictor entry the local provider runs for every release (compiled JS). */
  CUTOVER_PREDICTOR_MAIN: z.string().min(1).optional(),
  /** API requests a minute per token (per client address without a valid one); 0 turns the limit off. */
  CUTOVER_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).max(1_000_000).default(600),
  /** Requests a caller may send at once before the per-minute rate applies. */
  CUTOVER_RATE_LIMIT_BURST: z.coerce.number().int().min(1).max(1_000_000).default(200),
  /** Testing aid: the controller SIGKILLs itself at this failpoint (see src/reconciler/failpoints.ts). */
  CUTOVER_FAILPOINT: z
    .string()
    .optional()
    .refine((v) => !v || isFailpointName(v), { message: `must be one of ${FAILPOINTS.join(', ')}` }),
});

export interface ControllerConfig {
  provider: 'local' | 'aws';
  listen: { host: string; port: number };
  /** Absolute. Holds the SQLite file, tokens, logs and the local edge's state. */
  stateDir: string;
  databaseFile: string;
  tokensFile: string;
  reconcileIntervalMs: number;
  bootstrap: { release: string; artifact: string } | null;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  apps: AppSpec[];
  /** Working directory that relative artifact paths resolve against. */
  workDir: string;
  local: { predictorMain?: string };
  /** A token bucket per API caller; null when CUTOVER_RATE_LIMIT_PER_MINUTE is 0. */
  rateLimit: { perMinute: number; burst: number } | null;
  /** The aws provider's settings; null on local. */
  aws: AwsConfig | null;
  /** Testing aid: where the controller kills itself; null (the default) when none is armed. */
  failpoint: FailpointName | null;
}

export const CONTROLLER_CONFIG = Symbol('ControllerConfig');

export class ControllerConfigError extends Error {}

export function loadControllerConfig(
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
  readFile: (path: string) => string = (p) => readFileSync(p, 'utf8'),
): ControllerConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw new ControllerConfigError(`invalid controller configuration: ${describe(parsed.error)}`);
  const e = parsed.data;
  const stateDir = resolve(cwd, e.CUTOVER_STATE_DIR);
  const fromFile = e.CUTOVER_APPS_FILE
    ? readApps(resolve(cwd, e.CUTOVER_APPS_FILE), readFile, e.CUTOVER_PROVIDER)
    : [withProviderDefaults({ name: DEFAULT_APP }, e.CUTOVER_PROVIDER) as { name: string }];
  // The environment's overrides apply to the default app, whether or not it comes from a file.
  const apps = fromFile.map((app) => (app.name === DEFAULT_APP ? withEnvOverrides(app, e) : appSpecSchema.parse(app)));
  let aws: AwsConfig | null = null;
  if (e.CUTOVER_PROVIDER === 'aws') {
    const read = readAwsConfig(env, cwd);
    if ('problems' in read) throw new ControllerConfigError(`invalid aws configuration: ${read.problems.join('; ')}`);
    aws = read.config;
  }
  return {
    provider: e.CUTOVER_PROVIDER,
    listen: { host: e.CUTOVER_HOST, port: e.CUTOVER_PORT },
    stateDir,
    databaseFile: resolve(stateDir, 'state.db'),
    tokensFile: resolve(cwd, e.CUTOVER_TOKENS_FILE ?? resolve(stateDir, 'tokens.json')),
    reconcileIntervalMs: e.CUTOVER_RECONCILE_INTERVAL_MS,
    bootstrap: bootstrapRelease(e, env),
    logLevel: e.CUTOVER_LOG_LEVEL,
    apps,
    workDir: cwd,
    local: { predictorMain: e.CUTOVER_PREDICTOR_MAIN && resolve(cwd, e.CUTOVER_PREDICTOR_MAIN) },
    rateLimit:
      e.CUTOVER_RATE_LIMIT_PER_MINUTE > 0
        ? { perMinute: e.CUTOVER_RATE_LIMIT_PER_MINUTE, burst: e.CUTOVER_RATE_LIMIT_BURST }
        : null,
    aws,
    failpoint: e.CUTOVER_FAILPOINT ? (e.CUTOVER_FAILPOINT as FailpointName) : null,
  };
}

/**
 * Local: housing v1 from the repo's model file, so `npm start` serves at once. Aws: only an
 * image named explicitly; the default artifact is a file no cluster can run.
 */
function bootstrapRelease(e: z.infer<typeof envSchema>, env: NodeJS.ProcessEnv): ControllerConfig['bootstrap'] {
  if (!e.CUTOVER_BOOTSTRAP_RELEASE) return null;
  if (e.CUTOVER_PROVIDER === 'aws' && env.CUTOVER_BOOTSTRAP_ARTIFACT === undefined) return null;
  return { release: e.CUTOVER_BOOTSTRAP_RELEASE, artifact: e.CUTOVER_BOOTSTRAP_ARTIFACT };
}

function withEnvOverrides(app: Partial<AppSpec> & { name: string }, e: z.infer<typeof envSchema>): AppSpec {
  const dirs = e.CUTOVER_ARTIFACT_DIRS?.split(',')
    .map((d) => d.trim())
    .filter(Boolean);
  return appSpecSchema.parse({
    ...app,
    ...defined({
      scaleDownDelaySeconds: e.CUTOVER_SCALE_DOWN_DELAY_SECONDS,
      progressDeadlineSeconds: e.CUTOVER_PROGRESS_DEADLINE_SECONDS,
    }),
    local: {
      ...app.local,
      ...defined({ edgePort: e.CUTOVER_EDGE_PORT, edgeAdminPort: e.CUTOVER_EDGE_ADMIN_PORT, artifactDirs: dirs }),
    },
  });
}

/** Drops unset keys, so the schema's defaults apply to them. */
function defined<T extends Record<string, unknown>>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<T>;
}

const appsFileSchema = z.object({ apps: z.array(appSpecSchema).min(1) }).superRefine((file, ctx) => {
  const names = file.apps.map((a) => a.name);
  names.forEach((n, i) => {
    if (names.indexOf(n) !== i)
      ctx.addIssue({ code: 'custom', message: `app ${n} is defined twice`, path: ['apps', i, 'name'] });
  });
  const ports = file.apps.flatMap((a) => [a.local.edgePort, a.local.edgeAdminPort]);
  if (new Set(ports).size !== ports.length)
    ctx.addIssue({ code: 'custom', message: 'local edge ports must all differ', path: ['apps'] });
});

function readApps(path: string, readFile: (path: string) => string, provider: 'local' | 'aws'): AppSpec[] {
  let raw: unknown;
  try {
    raw = parseYaml(readFile(path));
  } catch (err) {
    throw new ControllerConfigError(`cannot read apps file ${path}: ${(err as Error).message}`);
  }
  if (raw && typeof raw === 'object' && Array.isArray((raw as { apps?: unknown }).apps)) {
    const file = raw as { apps: unknown[] };
    raw = { ...file, apps: file.apps.map((app) => withProviderDefaults(app, provider)) };
  }
  const parsed = appsFileSchema.safeParse(raw);
  if (!parsed.success) throw new ControllerConfigError(`invalid apps file ${path}: ${describe(parsed.error)}`);
  return parsed.data.apps;
}

/** An app as written, with the provider's defaults for what it leaves out (see AWS_APP_DEFAULTS). */
function withProviderDefaults(app: unknown, provider: 'local' | 'aws'): unknown {
  if (provider !== 'aws' || !app || typeof app !== 'object' || Array.isArray(app)) return app;
  const written = app as { progressDeadlineSeconds?: unknown; verify?: unknown };
  const verify = written.verify && typeof written.verify === 'object' ? written.verify : {};
  return {
    ...written,
    progressDeadlineSeconds: written.progressDeadlineSeconds ?? AWS_APP_DEFAULTS.progressDeadlineSeconds,
    verify: {
      propagationDeadlineSeconds: AWS_APP_DEFAULTS.propagationDeadlineSeconds,
      ...(verify as Record<string, unknown>),
    },
  };
}

function describe(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}
