import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import type { KubeConnection } from './kube-client';

const clusterSchema = z.object({
  server: z.string().min(1),
  'certificate-authority-data': z.string().optional(),
  'certificate-authority': z.string().optional(),
  'insecure-skip-tls-verify': z.boolean().optional(),
});
const contextSchema = z.object({ cluster: z.string().min(1), user: z.string().min(1) });
const userSchema = z.object({
  token: z.string().optional(),
  exec: z.unknown().optional(),
  'client-certificate-data': z.string().optional(),
  'client-certificate': z.string().optional(),
});
const name = z.string().min(1);

const kubeconfigSchema = z.object({
  'current-context': z.string().optional(),
  clusters: z.array(z.object({ name, cluster: clusterSchema })).default([]),
  contexts: z.array(z.object({ name, context: contextSchema })).default([]),
  users: z.array(z.object({ name, user: userSchema })).default([]),
});

/** What one kubeconfig context resolves to. */
export interface KubeconfigContext {
  context: string;
  server: string;
  /** PEM, decoded from certificate-authority-data. */
  caData?: string;
  /** certificate-authority, resolved against the kubeconfig's folder. */
  caFile?: string;
  token: string;
}

/**
 * Resolves a kubeconfig (YAML) to one context's server, CA and static bearer token: the shape
 * of a CI or break-glass kubeconfig. Exec plugins and client certificates are refused with a
 * reason rather than half-supported. Errors name contexts, clusters and users, never the token.
 */
export function parseKubeconfig(text: string, options: { context?: string; baseDir: string }): KubeconfigContext {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (err) {
    throw new Error(`kubeconfig is not YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  const parsed = kubeconfigSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`kubeconfig is not valid: ${problems}`);
  }
  const config = parsed.data;
  const contextName = options.context ?? config['current-context'];
  if (!contextName) throw new Error('kubeconfig has no current-context and none was given');
  const context = config.contexts.find((c) => c.name === contextName)?.context;
  if (!context) throw new Error(`kubeconfig has no context named "${contextName}"`);
  const cluster = config.clusters.find((c) => c.name === context.cluster)?.cluster;
  if (!cluster)
    throw new Error(`context "${contextName}" names cluster "${context.cluster}", which is not in the kubeconfig`);
  const user = config.users.find((u) => u.name === context.user)?.user;
  if (!user) throw new Error(`context "${contextName}" names user "${context.user}", which is not in the kubeconfig`);

  if (cluster['insecure-skip-tls-verify']) {
    throw new Error(`cluster "${context.cluster}" skips TLS verification; cutover needs its CA to send a token to it`);
  }
  if (user.exec !== undefined) {
    throw new Error(
      `user "${context.user}" authenticates with an exec plugin, which cutover does not run; use the EKS source (it mints the same token) or a static token`,
    );
  }
  if (user['client-certificate-data'] !== undefined || user['client-certificate'] !== undefined) {
    throw new Error(`user "${context.user}" authenticates with a client certificate; cutover reads static tokens only`);
  }
  if (!user.token) throw new Error(`user "${context.user}" has no token`);

  let server: URL;
  try {
    server = new URL(cluster.server);
  } catch {
    throw new Error(`cluster "${context.cluster}" has a server that is not a URL`);
  }
  if (server.protocol !== 'https:' && server.protocol !== 'http:') {
    throw new Error(`cluster "${context.cluster}" server is not an http(s) URL`);
  }
  const caData = cluster['certificate-authority-data'];
  const caFile = cluster['certificate-authority'];
  return {
    context: contextName,
    server: cluster.server,
    caData: caData === undefined ? undefined : Buffer.from(caData, 'base64').toString('utf8'),
    caFile: caFile === undefined ? undefined : resolve(options.baseDir, caFile),
    token: user.token,
  };
}

export interface KubeconfigConnectionOptions {
  path: string;
  /** Default: the kubeconfig's current-context. */
  context?: string;
}

/** A connection from a kubeconfig file; its token is static, as the file says. */
export async function kubeconfigConnection(options: KubeconfigConnectionOptions): Promise<KubeConnection> {
  const text = await readFile(options.path, 'utf8');
  let resolved: KubeconfigContext;
  try {
    resolved = parseKubeconfig(text, { context: options.context, baseDir: dirname(options.path) });
  } catch (err) {
    throw new Error(`${options.path}: ${(err as Error).message}`);
  }
  const ca = resolved.caData ?? (resolved.caFile ? await readFile(resolved.caFile, 'utf8') : undefined);
  const token = resolved.token;
  return { server: resolved.server, ca, token: async () => token };
}
