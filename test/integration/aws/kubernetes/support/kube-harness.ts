import { KubeClient } from '../../../../../src/providers/aws/kubernetes/kube-client';
import { KubeWorkload, type KubeWorkloadOptions } from '../../../../../src/providers/aws/kubernetes/kube-workload';
import { FakeKubeApi, type FakeKubeApiOptions, type RecordedRequest } from '../../../../fakes/kube-api/fake-kube-api';
import { HOUSING_SETTINGS } from './release-fixtures';

export const TOKEN = 'test-token-not-a-secret';

export interface KubeHarness {
  fake: FakeKubeApi;
  client: KubeClient;
  workload(options?: Partial<KubeWorkloadOptions>): KubeWorkload;
  /** Requests since the last call, as "METHOD path" lines: what tests compare most. */
  takeRequests(): RecordedRequest[];
  close(): Promise<void>;
}

/** A fake Kubernetes API on loopback and a real KubeClient pointed at it with the right token. */
export async function startKubeHarness(options: Partial<FakeKubeApiOptions> = {}): Promise<KubeHarness> {
  const fake = new FakeKubeApi({ acceptToken: (t) => t === TOKEN, ...options });
  const url = await fake.start();
  const client = new KubeClient({ server: url, token: async () => TOKEN, timeoutMs: 5_000 });
  return {
    fake,
    client,
    workload: (overrides = {}) => new KubeWorkload({ kube: client, apps: { housing: HOUSING_SETTINGS }, ...overrides }),
    takeRequests: () => fake.requests.splice(0),
    close: async () => {
      await client.close();
      await fake.close();
    },
  };
}

/** Calls `call` as the reconciler would, until it is no longer progressing; returns every result. */
export async function drive<T extends { status: string; message: string }>(
  call: () => Promise<T>,
  maxCalls = 10,
): Promise<T[]> {
  const results: T[] = [];
  for (let i = 0; i < maxCalls; i++) {
    const result = await call();
    results.push(result);
    if (result.status !== 'progressing') return results;
  }
  throw new Error(`still progressing after ${maxCalls} calls: ${results[results.length - 1]?.message}`);
}

export const lines = (requests: RecordedRequest[]) => requests.map((r) => `${r.method} ${r.path}`);
