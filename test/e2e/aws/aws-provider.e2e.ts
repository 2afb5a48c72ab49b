import 'aws-sdk-client-mock-jest';
import { CreateFargateProfileCommand } from '@aws-sdk/client-eks';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { stringify } from 'yaml';
import { PROJECT_ROOT } from '../../../predictor/src/project-paths';
import { LoadGenerator } from '../../../scripts/support/load';
import { loadControllerConfig } from '../../../src/config/controller.config';
import { startController, type RunningController } from '../../../src/start-controller';
import { FakeKubeApi } from '../../fakes/kube-api/fake-kube-api';
import { FakeCloudFormation } from '../../integration/aws/fakes/fake-cloudformation';
import { FakeCloudFront } from '../../integration/aws/fakes/fake-cloudfront';
import { FakeEks } from '../../integration/aws/fakes/fake-eks';
import { makeTempDir, type TempDir } from '../../support/temp-dir';
import { waitFor } from '../../support/wait';
import { FakeCloudFrontEdge } from './support/fake-cloudfront-edge';
import { installLoopbackLoadBalancers } from './support/loopback-load-balancers';
import { ProcessKubelet, type ImageFiles } from './support/process-kubelet';

/**
 * A whole deployment on the aws provider, with nothing of AWS but its SDK clients: EKS,
 * CloudFormation and CloudFront are fakes behind aws-sdk-client-mock, Kubernetes is a fake API
 * server over HTTP whose "node" runs each release as a real predictor process, and users hit a
 * stand-in for CloudFront that follows the stack's origin after a propagation delay. Smoke
 * tests and verification therefore run for real, through the same controller code as on AWS.
 */

const CLUSTER = 'cutover-e2e';
const STACK = 'cutover-edge-housing';
const REPOSITORY = '111122223333.dkr.ecr.eu-west-1.amazonaws.com/cutover-predictor';
const MODEL_IN_IMAGE = '/app/predictor/models/housing-v2.json';
const KUBE_TOKEN = 'fake-kube-token-e2e';
const ROW =
  '{"CHAS":{"0":0},"RM":{"0":6.575},"TAX":{"0":296.0},"PTRATIO":{"0":15.3},"B":{"0":396.9},"LSTAT":{"0":4.98}}';

const models = (name: string) => join(PROJECT_ROOT, 'predictor', 'models', name);
/** Each image carries its model at the same path, as predictor/Dockerfile builds them. */
const IMAGES: ImageFiles = {
  [`${REPOSITORY}:v1`]: { [MODEL_IN_IMAGE]: models('housing-v1.json') },
  [`${REPOSITORY}:v2`]: { [MODEL_IN_IMAGE]: models('housing-v2.json') },
  [`${REPOSITORY}:v3`]: { [MODEL_IN_IMAGE]: models('housing-v2.json') },
};
const albHost = (namespace: string) => `k8s-${namespace}-predicto-0123456789.eu-west-1.elb.amazonaws.com`;

describe('the aws provider end to end, against fakes that behave like the services', () => {
  let dir: TempDir;
  let kubelet: ProcessKubelet;
  let kubeApi: FakeKubeApi;
  let eks: FakeEks;
  let cloudfront: FakeCloudFront;
  let cloudformation: FakeCloudFormation;
  let edge: FakeCloudFrontEdge;
  let uninstallLoadBalancers: () => void;
  let mocks: { restore(): void }[] = [];
  let eksMock: ReturnType<FakeEks['install']>;
  let controller: RunningController;
  let tokens: Record<string, string>;
  let edgeUrl: string;

  const call = async (method: 'GET' | 'POST', path: string, body?: unknown, role = 'operator') => {
    const res = await request(`${controller.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${tokens[role]}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- API answers, checked field by field
    return { status: res.statusCode, body: (await res.body.json()) as any };
  };
  /** Waits for the deployment to finish; a timeout names the phase and step it was stuck in. */
  const finished = async (id: string) => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the deployment view
    let last: any;
    try {
      return await waitFor(
        async () => {
          last = (await call('GET', `/v1/deployments/${id}`, undefined, 'viewer')).body;
          return last.finished ? last : undefined;
        },
        { timeoutMs: 90_000, intervalMs: 200, what: `deployment ${id} to finish` },
      );
    } catch (err) {
      const step = last?.steps?.[last.steps.length - 1];
      throw new Error(`${(err as Error).message}; phase ${last?.phase}, last step ${step?.step}: ${step?.message}`);
    }
  };
  const servedRelease = async () => {
    const res = await request(`${edgeUrl}/version`);
    return ((await res.body.json()) as { release?: string }).release;
  };
  const distributionId = () => cloudformation.stack(STACK)?.outputs.DistributionId ?? '';

  beforeAll(async () => {
    dir = await makeTempDir('cutover-aws-e2e-');
    kubelet = new ProcessKubelet(IMAGES);
    uninstallLoadBalancers = installLoopbackLoadBalancers((ns) => kubelet.endpointOf(ns));
    kubeApi = new FakeKubeApi({
      acceptToken: (t) => t === KUBE_TOKEN,
      deploymentReadyAfter: 2,
      ingressAddressAfter: 2,
      namespaceTerminatingGets: 2,
      ingressAddress: (ns) => ({ hostname: albHost(ns) }),
      kubelet,
    });
    const kubeUrl = await kubeApi.start();

    eks = new FakeEks({ clusterName: CLUSTER, ticksToSettle: 2 });
    cloudfront = new FakeCloudFront({ ticksToDeploy: 2 });
    cloudformation = new FakeCloudFormation({ resources: cloudfront.edgeStackResources(), ticksToSettle: 2 });
    eksMock = eks.install();
    mocks = [eksMock, cloudfront.install(), cloudformation.install()];
    // The edge stack exists before the controller's first deployment (creating it is a separate, explicit step).
    cloudformation.seedStack({
      stackName: STACK,
      templateBody: readFileSync(join(PROJECT_ROOT, 'cloudformation', 'edge.yaml'), 'utf8'),
      parameters: { AppName: 'housing', OriginDomainName: 'placeholder.example.com', OriginRelease: 'none' },
    });
    cloudfront.deployAll();
    edge = new FakeCloudFrontEdge(() => cloudfront.originOf(distributionId()), 300);
    edgeUrl = await edge.start();

    const kubeconfig = join(dir.path, 'kubeconfig.yaml');
    writeFileSync(
      kubeconfig,
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        'current-context': 'e2e',
        clusters: [{ name: 'e2e', cluster: { server: kubeUrl } }],
        users: [{ name: 'e2e', user: { token: KUBE_TOKEN } }],
        contexts: [{ name: 'e2e', context: { cluster: 'e2e', user: 'e2e' } }],
      }),
    );
    const appsFile = join(dir.path, 'apps.yaml');
    writeFileSync(
      appsFile,
      stringify({
        apps: [
          {
            name: 'housing',
            replicas: 2,
            scaleDownDelaySeconds: 1,
            verify: { propagationDeadlineSeconds: 20, windowSeconds: 1.5 },
            aws: { publicUrl: edgeUrl, imageRepositories: [REPOSITORY] },
          },
        ],
      }),
    );
    const tokensFile = join(dir.path, 'tokens.json');
    const { TokenRegistry } = await import('../../../src/auth/token-registry');
    TokenRegistry.ensureLocalFile(tokensFile);
    tokens = Object.fromEntries(
      (JSON.parse(readFileSync(tokensFile, 'utf8')).tokens as { role: string; token: string }[]).map((t) => [
        t.role,
        t.token,
      ]),
    );
    const config = loadControllerConfig(
      {
        CUTOVER_PROVIDER: 'aws',
        CUTOVER_PORT: '0',
        CUTOVER_STATE_DIR: join(dir.path, 'state'),
        CUTOVER_APPS_FILE: appsFile,
        CUTOVER_TOKENS_FILE: tokensFile,
        CUTOVER_LOG_LEVEL: 'warn',
        CUTOVER_RECONCILE_INTERVAL_MS: '100',
        CUTOVER_AWS_REGION: 'eu-west-1',
        CUTOVER_EKS_CLUSTER: CLUSTER,
        CUTOVER_FARGATE_POD_EXECUTION_ROLE_ARN: 'arn:aws:iam::111122223333:role/cutover-fargate-pods',
        CUTOVER_FARGATE_SUBNETS: 'subnet-0a1b2c3d4e5f60001,subnet-0a1b2c3d4e5f60002',
        CUTOVER_KUBE_CONNECTION: 'kubeconfig',
        CUTOVER_KUBECONFIG: kubeconfig,
        CUTOVER_AWS_POLL_SECONDS: '0.1',
      },
      // Relative paths (the smoke test's reference data) resolve against the repository, as on `npm start`.
      PROJECT_ROOT,
    );
    controller = await startController(config);
  }, 60_000);

  afterAll(async () => {
    await controller?.stop({ everything: false });
    await edge?.close();
    await kubelet?.stopAll();
    await kubeApi?.close();
    for (const mock of mocks) mock.restore();
    uninstallLoadBalancers?.();
    await dir?.remove();
  }, 60_000);

  it('deploys a first release: Fargate profile, namespace and manifests, smoke test, stack update, verification', async () => {
    const created = await call(
      'POST',
      '/v1/apps/housing/deployments',
      { release: 'v1', artifact: `${REPOSITORY}:v1`, autoPromote: true },
      'ci',
    );
    expect(created.status).toBe(201);
    const done = await finished(created.body.id);
    expect(done).toMatchObject({ phase: 'Succeeded', greenEndpoint: `http://${albHost('housing-v1')}` });

    expect(eks.statusOf('housing-v1')).toBe('ACTIVE');
    expect(kubeApi.cluster.peek('Deployment', 'housing-v1', 'housing').spec.template.spec.containers[0].image).toBe(
      `${REPOSITORY}:v1`,
    );
    expect(cloudformation.stack(STACK)?.parameters).toMatchObject({
      OriginDomainName: albHost('housing-v1'),
      OriginRelease: 'v1',
    });
    await waitFor(async () => (await servedRelease()) === 'v1', { timeoutMs: 10_000, what: 'the edge serving v1' });
  }, 120_000);

  it('goes blue to green under traffic with zero failed requests, waiting out a busy cluster (ResourceInUseException)', async () => {
    // Another team's profile is being created: EKS refuses our create until it is ACTIVE.
    eks.seed({ fargateProfileName: 'other-team', status: 'CREATING', selectors: [{ namespace: 'other' }] }, 4);
    const load = new LoadGenerator({ url: edgeUrl, body: ROW, concurrency: 4, maxSeconds: 120 }).start();

    const created = await call(
      'POST',
      '/v1/apps/housing/deployments',
      { release: 'v2', artifact: `${REPOSITORY}:v2`, autoPromote: true },
      'ci',
    );
    const done = await finished(created.body.id);
    const total = await load.stop();
    process.stdout.write(
      `[e2e aws] v1 -> v2: ${total.sent} requests through the edge, ${total.failed} failed, ${JSON.stringify(total.byRelease)}\n`,
    );

    expect(done.phase).toBe('Succeeded');
    // EKS refused the create at least once, and the deployment waited instead of failing.
    expect(eks.busyRefusals.filter((m) => m.includes('housing-v2') && m.includes('other-team')).length).toBeGreaterThan(
      0,
    );
    expect(eksMock).toHaveReceivedCommandWith(CreateFargateProfileCommand, { fargateProfileName: 'housing-v2' });
    expect(total.failed).toBe(0);
    expect(total.byRelease.v1).toBeGreaterThan(0);
    expect(total.byRelease.v2).toBeGreaterThan(0);
    expect(await servedRelease()).toBe('v2');

    // Blue retired after the scale-down delay: namespace gone (pods stopped), then its profile.
    await waitFor(() => !eks.names().includes('housing-v1') && !kubelet.running().includes('housing-v1'), {
      timeoutMs: 30_000,
      what: 'blue (v1) retired: namespace, pods and Fargate profile gone',
    });
    expect(kubeApi.cluster.peek('Namespace', undefined, 'housing-v1')).toBeUndefined();
  }, 150_000);

  it('rolls back in one call: v1 is deployed again and the edge flips back, under traffic, with zero failed requests', async () => {
    const load = new LoadGenerator({ url: edgeUrl, body: ROW, concurrency: 4, maxSeconds: 120 }).start();
    const rollback = await call('POST', '/v1/apps/housing/rollback', {});
    expect(rollback.status).toBeLessThan(300);
    const done = await finished(rollback.body.id);
    const total = await load.stop();
    process.stdout.write(
      `[e2e aws] rollback v2 -> v1: ${total.sent} requests, ${total.failed} failed, ${JSON.stringify(total.byRelease)}\n`,
    );
    expect(done).toMatchObject({ phase: 'Succeeded', release: 'v1', kind: 'rollback' });
    expect(total.failed).toBe(0);
    expect(await servedRelease()).toBe('v1');
    expect((await call('GET', '/v1/apps/housing', undefined, 'viewer')).body.active.release).toBe('v1');
  }, 150_000);

  it('fails cleanly when CloudFormation rolls the edge update back: users stay on blue, green is retired', async () => {
    cloudformation.failNextUpdate({
      resource: 'Distribution',
      reason: 'Invalid request provided: the origin is unreachable',
    });
    const created = await call(
      'POST',
      '/v1/apps/housing/deployments',
      { release: 'v3', artifact: `${REPOSITORY}:v3`, autoPromote: true },
      'ci',
    );
    const done = await finished(created.body.id);
    expect(done.phase).toBe('Failed');
    expect(done.outcome.reason).toMatch(/rolled back the update of edge stack .*origin is unreachable/);
    expect(cloudformation.stack(STACK)).toMatchObject({ status: 'UPDATE_ROLLBACK_COMPLETE' });
    expect(cloudformation.stack(STACK)?.parameters.OriginRelease).toBe('v1');
    expect(await servedRelease()).toBe('v1');
    await waitFor(() => !eks.names().includes('housing-v3') && !kubelet.running().includes('housing-v3'), {
      timeoutMs: 30_000,
      what: 'green (v3) retired after the failed flip',
    });
    expect((await call('GET', '/v1/apps/housing', undefined, 'viewer')).body.active.release).toBe('v1');
  }, 150_000);
});
