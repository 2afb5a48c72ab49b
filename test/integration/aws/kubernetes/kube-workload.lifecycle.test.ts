import { request } from 'undici';
import { renderReleaseManifests } from '../../../../src/providers/aws/kubernetes/release-manifests';
import { drive, lines, startKubeHarness, type KubeHarness } from './support/kube-harness';
import { runLikeKubelet, type RunningPredictor } from './support/in-process-predictor';
import { HOUSING_SETTINGS, REGISTRY, releaseTarget } from './support/release-fixtures';

jest.setTimeout(20_000);

const NS = 'housing-abc1234';
const PATHS = {
  namespace: `/api/v1/namespaces/${NS}`,
  deployment: `/apis/apps/v1/namespaces/${NS}/deployments/housing`,
  service: `/api/v1/namespaces/${NS}/services/housing`,
  ingress: `/apis/networking.k8s.io/v1/namespaces/${NS}/ingresses/housing`,
  pods: `/api/v1/namespaces/${NS}/pods`,
};
const APPLY = { contentType: 'application/apply-patch+yaml', query: { fieldManager: 'cutover', force: 'true' } };

// One release's life, call by call as the reconciler would make them; each test continues the last.
describe('KubeWorkload against a fake Kubernetes API', () => {
  const target = releaseTarget('abc1234');
  const manifests = renderReleaseManifests(target, HOUSING_SETTINGS);
  let h: KubeHarness;
  let predictor: RunningPredictor;
  let endpoint: string;

  beforeAll(async () => {
    // The "ALB" of the release is the real predictor, started with the Deployment's own env.
    predictor = await runLikeKubelet(manifests.deployment);
    h = await startKubeHarness({
      deploymentReadyAfter: 3,
      ingressAddressAfter: 4,
      ingressAddress: () => ({ ip: '127.0.0.1', port: predictor.port }),
    });
  });
  afterAll(async () => {
    await h?.close();
    await predictor?.close();
  });

  it('applies the four objects with server-side apply, in order, and looks at the pods while not ready', async () => {
    const first = await h.workload().ensureRunning(target);
    expect(first).toEqual({
      status: 'progressing',
      message: `deployment ${NS}/housing: waiting for the deployment controller to see generation 1`,
      retryAfterSeconds: 10,
    });
    const requests = h.takeRequests();
    expect(requests).toEqual([
      { method: 'GET', path: PATHS.namespace, query: {} },
      { method: 'PATCH', path: PATHS.namespace, ...APPLY, body: manifests.namespace },
      { method: 'PATCH', path: PATHS.deployment, ...APPLY, body: manifests.deployment },
      { method: 'PATCH', path: PATHS.service, ...APPLY, body: manifests.service },
      { method: 'PATCH', path: PATHS.ingress, ...APPLY, body: manifests.ingress },
      {
        method: 'GET',
        path: PATHS.pods,
        query: { labelSelector: 'app.kubernetes.io/name=housing,app.kubernetes.io/instance=abc1234' },
      },
    ]);
  });

  it('waits for the replicas, then for the load balancer, then is done where the release answers', async () => {
    const results = await drive(() => h.workload().ensureRunning(target));
    expect(results.map((r) => [r.status, r.message, 'retryAfterSeconds' in r ? r.retryAfterSeconds : null])).toEqual([
      ['progressing', `deployment ${NS}/housing: 0 of 2 replicas available`, 10],
      [
        'progressing',
        `deployment ${NS}/housing: 2 of 2 replicas available; ingress ${NS}/housing has no load balancer address yet ` +
          '(the AWS Load Balancer Controller is provisioning an ALB)',
        15,
      ],
      [
        'done',
        `release abc1234 of housing is running: deployment ${NS}/housing: 2 of 2 replicas available, ` +
          `reachable at http://127.0.0.1:${predictor.port}`,
        null,
      ],
    ]);
    const done = results[2];
    if (done.status !== 'done') throw new Error('not done');
    endpoint = done.endpoint;
    expect(endpoint).toBe(`http://127.0.0.1:${predictor.port}`);

    const version = await request(`${endpoint}/version`, { headersTimeout: 3_000, bodyTimeout: 3_000 });
    expect(version.statusCode).toBe(200);
    expect(await version.body.json()).toMatchObject({ release: 'abc1234', model: { id: 'housing-v1' } });
  });

  it('a second call applies the same objects again, changes nothing and is done at once', async () => {
    h.takeRequests();
    const before = snapshot(h);
    await expect(h.workload().ensureRunning(target)).resolves.toMatchObject({ status: 'done', endpoint });
    expect(lines(h.takeRequests())).toEqual([
      `GET ${PATHS.namespace}`,
      `PATCH ${PATHS.namespace}`,
      `PATCH ${PATHS.deployment}`,
      `PATCH ${PATHS.service}`,
      `PATCH ${PATHS.ingress}`,
    ]);
    expect(snapshot(h)).toEqual(before);
    expect(before.deployment).toEqual({ generation: 1, resourceVersion: expect.any(String) });
  });

  it('findEndpoint reads the deployment and the ingress and applies nothing', async () => {
    await expect(h.workload().findEndpoint(target)).resolves.toBe(endpoint);
    expect(lines(h.takeRequests())).toEqual([`GET ${PATHS.deployment}`, `GET ${PATHS.ingress}`]);
    await expect(h.workload().findEndpoint(releaseTarget('other1'))).resolves.toBeUndefined();
    // Same release id, another image: not this release answering.
    await expect(h.workload().findEndpoint(releaseTarget('abc1234', `${REGISTRY}:rebuilt`))).resolves.toBeUndefined();
  });

  it('puts back a change made by hand (force takes the fields over)', async () => {
    const edited = structuredClone(manifests.deployment);
    edited.spec!.replicas = 5;
    h.fake.cluster.apply({
      kind: 'Deployment',
      namespace: NS,
      name: 'housing',
      body: edited,
      fieldManager: 'kubectl',
      force: true, // kubectl apply --server-side --force-conflicts
    });
    const results = await drive(() => h.workload().ensureRunning(target));
    expect(results.at(-1)).toMatchObject({ status: 'done', endpoint });
    const live = h.fake.cluster.peek('Deployment', NS, 'housing');
    expect(live.spec.replicas).toBe(2);
    expect(live.metadata.generation).toBe(3);
  });

  it('retire deletes the namespace in the foreground, waits while it terminates, and is done once it is gone', async () => {
    h.takeRequests();
    const results = await drive(() => h.workload().retire(target));
    expect(results).toEqual([
      { status: 'progressing', message: `deleting namespace ${NS} and everything in it`, retryAfterSeconds: 10 },
      ...Array(2).fill({
        status: 'progressing',
        message: `namespace ${NS} is terminating (pods, service and load balancer are being deleted)`,
        retryAfterSeconds: 10,
      }),
      { status: 'done', message: `namespace ${NS} is gone, with everything release abc1234 ran` },
    ]);
    const requests = h.takeRequests();
    expect(lines(requests)).toEqual([
      `GET ${PATHS.namespace}`,
      `DELETE ${PATHS.namespace}`,
      `GET ${PATHS.namespace}`,
      `GET ${PATHS.namespace}`,
      `GET ${PATHS.namespace}`,
    ]);
    expect(requests[1].query).toEqual({ propagationPolicy: 'Foreground' });
    expect(h.fake.cluster.peek('Deployment', NS, 'housing')).toBeUndefined();
    await expect(h.workload().findEndpoint(target)).resolves.toBeUndefined();
    await expect(h.workload().retire(target)).resolves.toMatchObject({ status: 'done' });
  });

  it('a release whose namespace is still terminating waits, then is created again', async () => {
    const again = releaseTarget('def5678');
    const ns = 'housing-def5678';
    await h.workload().ensureRunning(again);
    await h.workload().retire(again);
    h.takeRequests();

    await expect(h.workload().ensureRunning(again)).resolves.toEqual({
      status: 'progressing',
      message: `namespace ${ns} is being deleted (an earlier retire); it is created again once it is gone`,
      retryAfterSeconds: 10,
    });
    expect(lines(h.takeRequests())).toEqual([`GET /api/v1/namespaces/${ns}`]);

    await drive(() => h.workload().retire(again));
    const results = await drive(() => h.workload().ensureRunning(again));
    expect(results.at(-1)).toMatchObject({ status: 'done' });
    expect(h.fake.cluster.peek('Namespace', undefined, ns)?.metadata.generation).toBe(1);
  });
});

function snapshot(h: KubeHarness) {
  const meta = (kind: 'Namespace' | 'Deployment' | 'Service' | 'Ingress') => {
    const object = h.fake.cluster.peek(
      kind,
      kind === 'Namespace' ? undefined : NS,
      kind === 'Namespace' ? NS : 'housing',
    );
    return { generation: object.metadata.generation, resourceVersion: object.metadata.resourceVersion };
  };
  return {
    namespace: meta('Namespace'),
    deployment: meta('Deployment'),
    service: meta('Service'),
    ingress: meta('Ingress'),
  };
}
