import { readAwsConfig } from './aws.config';
import { ControllerConfigError, loadControllerConfig } from './controller.config';

const VALID = {
  CUTOVER_AWS_REGION: 'eu-west-1',
  CUTOVER_EKS_CLUSTER: 'ml-prod',
  CUTOVER_FARGATE_POD_EXECUTION_ROLE_ARN: 'arn:aws:iam::111122223333:role/cutover-fargate-pods',
  CUTOVER_FARGATE_SUBNETS: 'subnet-0a1b2c3d4e5f60001, subnet-0a1b2c3d4e5f60002',
};

describe('readAwsConfig', () => {
  it('reads region, cluster, role and subnets; connects through EKS by default', () => {
    expect(readAwsConfig(VALID, '/repo')).toEqual({
      config: {
        region: 'eu-west-1',
        clusterName: 'ml-prod',
        podExecutionRoleArn: 'arn:aws:iam::111122223333:role/cutover-fargate-pods',
        subnets: ['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60002'],
        kube: { mode: 'eks' },
        pollSeconds: undefined,
      },
    });
  });

  it("falls back to the SDK's AWS_REGION", () => {
    const { CUTOVER_AWS_REGION: _, ...rest } = VALID;
    expect(readAwsConfig({ ...rest, AWS_REGION: 'us-east-2' }, '/repo')).toMatchObject({
      config: { region: 'us-east-2' },
    });
  });

  it('names every missing setting at once', () => {
    const read = readAwsConfig({}, '/repo');
    expect('problems' in read && read.problems).toEqual([
      'CUTOVER_EKS_CLUSTER: required on aws',
      'CUTOVER_FARGATE_POD_EXECUTION_ROLE_ARN: required on aws',
      'CUTOVER_FARGATE_SUBNETS: required on aws',
    ]);
  });

  it.each([
    [{ CUTOVER_AWS_REGION: 'Ireland' }, 'CUTOVER_AWS_REGION: must be an AWS region such as eu-west-1'],
    [{ CUTOVER_EKS_CLUSTER: 'ml prod; rm -rf /' }, 'CUTOVER_EKS_CLUSTER: must be an EKS cluster name'],
    [{ CUTOVER_FARGATE_POD_EXECUTION_ROLE_ARN: 'cutover-fargate-pods' }, 'must be an IAM role ARN'],
    [{ CUTOVER_FARGATE_SUBNETS: 'subnet-0a1b2c3d4e5f60001,sg-0123' }, 'must be subnet ids'],
    [{ CUTOVER_FARGATE_SUBNETS: ' , ' }, 'CUTOVER_FARGATE_SUBNETS'],
    [{ CUTOVER_KUBE_CONNECTION: 'kubectl' }, 'CUTOVER_KUBE_CONNECTION'],
    [{ CUTOVER_AWS_POLL_SECONDS: '0' }, 'CUTOVER_AWS_POLL_SECONDS'],
  ])('refuses %j', (override, message) => {
    const read = readAwsConfig({ ...VALID, ...override }, '/repo');
    expect('problems' in read && read.problems.join('; ')).toContain(message);
  });

  it('needs a kubeconfig path for the kubeconfig connection, resolved against the working directory', () => {
    const without = readAwsConfig({ ...VALID, CUTOVER_KUBE_CONNECTION: 'kubeconfig' }, '/repo');
    expect('problems' in without && without.problems).toEqual([
      'CUTOVER_KUBECONFIG: required when CUTOVER_KUBE_CONNECTION=kubeconfig',
    ]);
    const withPath = readAwsConfig(
      {
        ...VALID,
        CUTOVER_KUBE_CONNECTION: 'kubeconfig',
        CUTOVER_KUBECONFIG: 'ops/kubeconfig',
        CUTOVER_KUBE_CONTEXT: 'prod',
      },
      '/repo',
    );
    expect(withPath).toMatchObject({
      config: { kube: { mode: 'kubeconfig', path: '/repo/ops/kubeconfig', context: 'prod' } },
    });
  });

  it('connects in-cluster only inside a pod (KUBERNETES_SERVICE_HOST/PORT set by the kubelet)', () => {
    const outside = readAwsConfig({ ...VALID, CUTOVER_KUBE_CONNECTION: 'in-cluster' }, '/repo');
    expect('problems' in outside && outside.problems[0]).toMatch(/KUBERNETES_SERVICE_HOST\/PORT are not set/);
    const inside = readAwsConfig(
      {
        ...VALID,
        CUTOVER_KUBE_CONNECTION: 'in-cluster',
        KUBERNETES_SERVICE_HOST: '10.100.0.1',
        KUBERNETES_SERVICE_PORT: '443',
      },
      '/repo',
    );
    expect(inside).toMatchObject({
      config: { kube: { mode: 'in-cluster', serviceHost: '10.100.0.1', servicePort: '443' } },
    });
  });
});

describe('loadControllerConfig on aws', () => {
  it('stops at boot with every aws problem named', () => {
    expect(() => loadControllerConfig({ CUTOVER_PROVIDER: 'aws' }, '/repo')).toThrow(
      new ControllerConfigError(
        'invalid aws configuration: CUTOVER_EKS_CLUSTER: required on aws; ' +
          'CUTOVER_FARGATE_POD_EXECUTION_ROLE_ARN: required on aws; CUTOVER_FARGATE_SUBNETS: required on aws',
      ),
    );
  });

  it('bootstraps nothing unless an image is named (the default artifact is a local file)', () => {
    const config = loadControllerConfig({ CUTOVER_PROVIDER: 'aws', ...VALID }, '/repo');
    expect(config.bootstrap).toBeNull();
    expect(config.aws).toMatchObject({ clusterName: 'ml-prod' });
    const named = loadControllerConfig(
      { CUTOVER_PROVIDER: 'aws', ...VALID, CUTOVER_BOOTSTRAP_ARTIFACT: 'registry.example.com/predictor:v1' },
      '/repo',
    );
    expect(named.bootstrap).toEqual({ release: 'v1', artifact: 'registry.example.com/predictor:v1' });
  });

  it('gives each app an edge stack setting, a model path inside the image and an open repository list', () => {
    const config = loadControllerConfig({ CUTOVER_PROVIDER: 'aws', ...VALID }, '/repo');
    expect(config.apps[0].aws).toEqual({ modelPath: '/app/predictor/models/housing-v2.json', imageRepositories: [] });
  });

  it('waits as long as AWS takes unless the app says otherwise (minutes for profiles, ALBs and CloudFront)', () => {
    const config = loadControllerConfig({ CUTOVER_PROVIDER: 'aws', ...VALID }, '/repo');
    expect(config.apps[0]).toMatchObject({
      progressDeadlineSeconds: 1200,
      verify: { propagationDeadlineSeconds: 1200 },
    });
    const file = JSON.stringify({
      apps: [{ name: 'housing', progressDeadlineSeconds: 600, verify: { windowSeconds: 60 } }],
    });
    const written = loadControllerConfig(
      { CUTOVER_PROVIDER: 'aws', ...VALID, CUTOVER_APPS_FILE: 'apps.yaml' },
      '/repo',
      () => file,
    );
    expect(written.apps[0]).toMatchObject({
      progressDeadlineSeconds: 600,
      verify: { propagationDeadlineSeconds: 1200, windowSeconds: 60 },
    });
    expect(loadControllerConfig({}, '/repo').apps[0]).toMatchObject({
      progressDeadlineSeconds: 120,
      verify: { propagationDeadlineSeconds: 30 },
    });
  });

  it('reads nothing of aws on the local provider', () => {
    expect(loadControllerConfig({}, '/repo').aws).toBeNull();
  });

  it.each([
    [{ modelPath: '/app/../etc/passwd' }, 'apps.0.aws.modelPath'],
    [{ modelPath: 'models/x.json' }, 'apps.0.aws.modelPath'],
    [{ publicUrl: 'ftp://edge.example.com' }, 'apps.0.aws.publicUrl'],
    [{ edgeStack: 'edge stack' }, 'apps.0.aws.edgeStack'],
  ])('refuses the app aws setting %j', (aws, path) => {
    const file = JSON.stringify({ apps: [{ name: 'housing', aws }] });
    expect(() =>
      loadControllerConfig({ CUTOVER_PROVIDER: 'aws', ...VALID, CUTOVER_APPS_FILE: 'apps.yaml' }, '/repo', () => file),
    ).toThrow(path);
  });
});
