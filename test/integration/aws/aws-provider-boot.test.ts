import 'aws-sdk-client-mock-jest';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { mockClient } from 'aws-sdk-client-mock';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { PROJECT_ROOT } from '../../../predictor/src/project-paths';
import { TokenRegistry } from '../../../src/auth/token-registry';
import { appSpecSchema } from '../../../src/config/app-spec';
import { loadControllerConfig } from '../../../src/config/controller.config';
import { resolveEdgeStacks } from '../../../src/providers/aws/edge-stacks';
import { kubeConnectionFromConfig } from '../../../src/providers/aws/kubernetes/kube-connection-from-config';
import { startController } from '../../../src/start-controller';
import { makeTempDir, type TempDir } from '../../support/temp-dir';
import { FakeCloudFormation } from './fakes/fake-cloudformation';
import { FakeCloudFront } from './fakes/fake-cloudfront';

const EDGE_TEMPLATE = readFileSync(join(PROJECT_ROOT, 'cloudformation', 'edge.yaml'), 'utf8');
const AWS_ENV = {
  CUTOVER_AWS_REGION: 'eu-west-1',
  CUTOVER_EKS_CLUSTER: 'ml-prod',
  CUTOVER_FARGATE_POD_EXECUTION_ROLE_ARN: 'arn:aws:iam::111122223333:role/cutover-fargate-pods',
  CUTOVER_FARGATE_SUBNETS: 'subnet-0a1b2c3d4e5f60001',
};
const ORIGIN = 'k8s-housingv1-predicto-0123456789.eu-west-1.elb.amazonaws.com';

describe('the aws provider at boot', () => {
  let dir: TempDir;
  let restore: (() => void)[] = [];

  beforeEach(async () => {
    dir = await makeTempDir('cutover-aws-boot-');
  });
  afterEach(async () => {
    for (const r of restore) r();
    restore = [];
    await dir.remove();
  });

  function fakeEdge() {
    const cloudfront = new FakeCloudFront();
    const cfn = new FakeCloudFormation({ resources: cloudfront.edgeStackResources() });
    const mock = cfn.install();
    restore.push(() => mock.restore());
    return { cfn, mock };
  }

  it("reads an app's public URL from its edge stack's PublicUrl output, unless the app names one", async () => {
    const { cfn, mock } = fakeEdge();
    cfn.seedStack({
      stackName: 'cutover-edge-housing',
      templateBody: EDGE_TEMPLATE,
      parameters: { AppName: 'housing', OriginDomainName: ORIGIN, OriginRelease: 'v1' },
    });
    const apps = [
      appSpecSchema.parse({ name: 'housing' }),
      appSpecSchema.parse({
        name: 'pricing',
        aws: { edgeStack: 'pricing-edge', publicUrl: 'https://api.example.com' },
      }),
    ];

    const refs = await resolveEdgeStacks(apps, new CloudFormationClient({ region: 'eu-west-1' }));

    expect(refs.housing).toEqual({
      stackName: 'cutover-edge-housing',
      publicUrl: expect.stringMatching(/^https:\/\/d[a-z0-9]+\.cloudfront\.net$/),
    });
    expect(refs.pricing).toEqual({ stackName: 'pricing-edge', publicUrl: 'https://api.example.com' });
    expect(mock).toHaveReceivedCommandTimes(DescribeStacksCommand, 1);
  });

  it('refuses to boot when an edge stack does not exist, saying how to create it', async () => {
    fakeEdge();
    await expect(
      resolveEdgeStacks([appSpecSchema.parse({ name: 'housing' })], new CloudFormationClient({ region: 'eu-west-1' })),
    ).rejects.toThrow(
      /edge stack cutover-edge-housing of app housing does not exist: create it once from cloudformation\/edge\.yaml/,
    );
  });

  it('connects to the Kubernetes API through DescribeCluster by default', async () => {
    const eks = mockClient(EKSClient);
    restore.push(() => eks.restore());
    eks.on(DescribeClusterCommand).resolves({
      cluster: {
        name: 'ml-prod',
        status: 'ACTIVE',
        endpoint: 'https://ABCDEF0123456789.gr7.eu-west-1.eks.amazonaws.com',
        certificateAuthority: {
          data: Buffer.from('-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n').toString('base64'),
        },
      },
    });
    const config = loadControllerConfig({ CUTOVER_PROVIDER: 'aws', ...AWS_ENV }, dir.path);
    const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'not-a-real-secret' };
    process.env.AWS_ACCESS_KEY_ID = credentials.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = credentials.secretAccessKey;
    try {
      const connection = await kubeConnectionFromConfig(config.aws!, new EKSClient({ region: 'eu-west-1' }));
      expect(connection.server).toBe('https://ABCDEF0123456789.gr7.eu-west-1.eks.amazonaws.com');
      expect(connection.ca).toContain('BEGIN CERTIFICATE');
      expect(await connection.token()).toMatch(/^k8s-aws-v1\./);
      expect(eks).toHaveReceivedCommandWith(DescribeClusterCommand, { name: 'ml-prod' });
    } finally {
      delete process.env.AWS_ACCESS_KEY_ID;
      delete process.env.AWS_SECRET_ACCESS_KEY;
    }
  });

  it('connects through a kubeconfig file when configured so', async () => {
    const path = join(dir.path, 'kubeconfig');
    writeFileSync(
      path,
      stringify({
        'current-context': 'ops',
        clusters: [{ name: 'c', cluster: { server: 'https://kube.example.com:6443' } }],
        users: [{ name: 'u', user: { token: 'static-token' } }],
        contexts: [{ name: 'ops', context: { cluster: 'c', user: 'u' } }],
      }),
    );
    const config = loadControllerConfig(
      { CUTOVER_PROVIDER: 'aws', ...AWS_ENV, CUTOVER_KUBE_CONNECTION: 'kubeconfig', CUTOVER_KUBECONFIG: 'kubeconfig' },
      dir.path,
    );
    const connection = await kubeConnectionFromConfig(config.aws!, new EKSClient({ region: 'eu-west-1' }));
    expect(connection.server).toBe('https://kube.example.com:6443');
    expect(await connection.token()).toBe('static-token');
  });

  it('a controller whose edge stack is missing does not start, and says why', async () => {
    fakeEdge();
    const kubeconfig = join(dir.path, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      stringify({
        'current-context': 'e',
        clusters: [{ name: 'c', cluster: { server: 'http://127.0.0.1:1' } }],
        users: [{ name: 'u', user: { token: 't' } }],
        contexts: [{ name: 'e', context: { cluster: 'c', user: 'u' } }],
      }),
    );
    const tokensFile = join(dir.path, 'tokens.json');
    TokenRegistry.ensureLocalFile(tokensFile);
    const config = loadControllerConfig(
      {
        CUTOVER_PROVIDER: 'aws',
        ...AWS_ENV,
        CUTOVER_PORT: '0',
        CUTOVER_STATE_DIR: join(dir.path, 'state'),
        CUTOVER_TOKENS_FILE: tokensFile,
        CUTOVER_KUBE_CONNECTION: 'kubeconfig',
        CUTOVER_KUBECONFIG: kubeconfig,
        CUTOVER_LOG_LEVEL: 'silent',
      },
      PROJECT_ROOT,
    );
    await expect(startController(config)).rejects.toThrow(
      /edge stack cutover-edge-housing of app housing does not exist/,
    );
  });
});
