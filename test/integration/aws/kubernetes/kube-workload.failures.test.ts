import { KubeForbiddenError } from '../../../../src/providers/aws/kubernetes/kube-errors';
import { drive, lines, startKubeHarness, type KubeHarness } from './support/kube-harness';
import { REGISTRY, releaseTarget } from './support/release-fixtures';

jest.setTimeout(15_000);

const POD = /pod housing-[0-9a-f]{10}-afake and 1 more container predictor/;

describe('KubeWorkload when a release cannot run', () => {
  let h: KubeHarness;
  let clock: number;
  let address: { hostname?: string; ip?: string; port?: number };
  const workload = () => h.workload({ now: () => new Date(clock), imagePullGraceSeconds: 300 });

  beforeAll(async () => {
    clock = Date.parse('2024-05-01T10:00:00Z');
    h = await startKubeHarness({ now: () => new Date(clock), ingressAddress: () => address });
  });
  afterAll(() => h?.close());
  beforeEach(() => {
    address = { hostname: 'k8s-housing-0123456789.eu-west-1.elb.amazonaws.com' };
    h.takeRequests();
  });

  it('surfaces an image that cannot be pulled, and fails once it still cannot after the grace period', async () => {
    const image = `${REGISTRY}:missing-bad1`;
    const target = releaseTarget('bad1', image);
    const first = await workload().ensureRunning(target);
    expect(first.status).toBe('progressing');
    expect(first.message).toMatch(POD);
    expect(first.message).toContain(`ErrImagePull: Back-off pulling image "${image}"`);
    const second = await workload().ensureRunning(target);
    expect(second.message).toContain(`ImagePullBackOff: Back-off pulling image "${image}"`);

    clock += 299_000;
    await expect(workload().ensureRunning(target)).resolves.toMatchObject({ status: 'progressing' });
    clock += 2_000;
    const doomed = await workload().ensureRunning(target);
    expect(doomed.status).toBe('failed');
    expect(doomed.message).toMatch(
      /^release bad1 of housing cannot start: pod housing-\S+ and 1 more container predictor: /,
    );
    expect(doomed.message).toContain(image);
  });

  it('reports a crash loop with the last exit and leaves it to the deployment deadline', async () => {
    const target = releaseTarget('crash1', `${REGISTRY}:crash-1`);
    await workload().ensureRunning(target);
    clock += 3_600_000;
    const result = await workload().ensureRunning(target);
    expect(result).toMatchObject({ status: 'progressing', retryAfterSeconds: 10 });
    expect(result.message).toMatch(
      /: 0 of 2 replicas available; pod housing-\S+ and 1 more container predictor: CrashLoopBackOff: back-off 40s restarting failed container=predictor pod=\S+ \(last exit 1 Error\)$/,
    );
  });

  it('never applies into or deletes a namespace it did not make', async () => {
    h.fake.cluster.seed('Namespace', undefined, 'housing-taken', { labels: { team: 'search' } });
    const target = releaseTarget('taken');
    const expected =
      'namespace housing-taken exists but it lacks the labels app.kubernetes.io/name=housing, ' +
      'app.kubernetes.io/instance=taken, app.kubernetes.io/managed-by=cutover, so cutover did not make it for release taken of housing';
    await expect(workload().ensureRunning(target)).resolves.toEqual({
      status: 'failed',
      message: `${expected}; not touching it`,
    });
    await expect(workload().retire(target)).resolves.toEqual({
      status: 'failed',
      message: `${expected}; not deleting it`,
    });
    expect(lines(h.takeRequests())).toEqual([
      'GET /api/v1/namespaces/housing-taken',
      'GET /api/v1/namespaces/housing-taken',
    ]);
    await expect(workload().findEndpoint(target)).resolves.toBeUndefined();
  });

  it('fails with the API message when the API server finds an object invalid (422)', async () => {
    const message =
      'Deployment.apps "housing" is invalid: spec.template.spec.containers[0].resources.requests: Invalid value';
    h.fake.failNext({ method: 'PATCH', path: /\/deployments\// }, { code: 422, reason: 'Invalid', message });
    await expect(workload().ensureRunning(releaseTarget('inv1'))).resolves.toEqual({
      status: 'failed',
      message: `the Kubernetes API refused PATCH /apis/apps/v1/namespaces/housing-inv1/deployments/housing: ${message}`,
    });
  });

  it('throws when RBAC refuses (403): a misconfiguration, retried until the deadline with the reason', async () => {
    const message =
      'services "housing" is forbidden: User "system:serviceaccount:cutover-system:cutover-controller" cannot patch resource "services"';
    h.fake.failNext({ method: 'PATCH', path: /\/services\// }, { code: 403, reason: 'Forbidden', message });
    const err = await workload()
      .ensureRunning(releaseTarget('rbac1'))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeForbiddenError);
    expect((err as Error).message).toBe(
      `PATCH /api/v1/namespaces/housing-rbac1/services/housing answered 403 Forbidden: ${message}`,
    );
  });

  it('refuses a load balancer address that is not a host name', async () => {
    address = { hostname: 'evil.example/phish?x=' };
    const results = await drive(() => workload().ensureRunning(releaseTarget('lb1')));
    expect(results.at(-1)).toEqual({
      status: 'failed',
      message:
        'ingress housing-lb1/housing reports load balancer address "evil.example/phish?x=", which is not a host name',
    });
  });

  it('retire treats "already being deleted" (409) as terminating', async () => {
    const target = releaseTarget('race1');
    await workload().ensureRunning(target);
    h.fake.failNext(
      { method: 'DELETE', path: /housing-race1$/ },
      { code: 409, reason: 'Conflict', message: 'The system is ensuring all content is removed from this namespace.' },
    );
    await expect(workload().retire(target)).resolves.toMatchObject({
      status: 'progressing',
      message: expect.stringContaining('is terminating'),
    });
  });

  it.each([
    [releaseTarget('Bad_Release'), /release id must be a DNS-1123 label/],
    [releaseTarget('ok1', `${REGISTRY}:latest`), /tag "latest" is mutable/],
    [releaseTarget('ok1', `${REGISTRY}:ok1`, 'forecast'), /app forecast has no Kubernetes settings/],
  ])('fails without a request for an input it cannot use (%#)', async (target, message) => {
    const result = await workload().ensureRunning(target);
    expect(result.status).toBe('failed');
    expect(result.message).toMatch(message);
    expect(h.takeRequests()).toEqual([]);
  });
});
