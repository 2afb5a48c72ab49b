import { readFile } from 'node:fs/promises';
import type { KubeConnection } from './kube-client';
import { refreshingToken } from './refreshing-token';

const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export interface InClusterConnectionOptions {
  /** KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT as the kubelet sets them (read by the config module). */
  serviceHost: string;
  servicePort: number | string;
  tokenPath?: string;
  caPath?: string;
  /** Projected service account tokens rotate (kubelet renews them at 80% of an hour): re-read this often. Default 60 s. */
  rereadAfterSeconds?: number;
  /** Epoch milliseconds. */
  now?: () => number;
}

/** The API server as seen from a pod: the service account's token and CA, mounted by the kubelet. */
export async function inClusterConnection(options: InClusterConnectionOptions): Promise<KubeConnection> {
  const tokenPath = options.tokenPath ?? `${SERVICE_ACCOUNT_DIR}/token`;
  const caPath = options.caPath ?? `${SERVICE_ACCOUNT_DIR}/ca.crt`;
  const host = options.serviceHost.trim();
  const port = String(options.servicePort).trim();
  if (!host || !/^\d{1,5}$/.test(port)) {
    throw new Error('in-cluster Kubernetes access needs KUBERNETES_SERVICE_HOST and a numeric KUBERNETES_SERVICE_PORT');
  }
  const ca = await readFile(caPath, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new Error(`cannot read the service account CA at ${caPath}: ${err.code ?? err.message}`);
  });
  const token = refreshingToken(
    async () => {
      const text = await readFile(tokenPath, 'utf8').catch((err: NodeJS.ErrnoException) => {
        throw new Error(`cannot read the service account token at ${tokenPath}: ${err.code ?? err.message}`);
      });
      const value = text.trim();
      if (!value) throw new Error(`the service account token at ${tokenPath} is empty`);
      return value;
    },
    { refreshAfterMs: (options.rereadAfterSeconds ?? 60) * 1000, now: options.now },
  );
  // An IPv6 service address needs brackets in a URL.
  const hostPart = host.includes(':') ? `[${host}]` : host;
  return { server: `https://${hostPart}:${port}`, ca, token };
}
