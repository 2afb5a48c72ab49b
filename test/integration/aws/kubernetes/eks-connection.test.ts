import 'aws-sdk-client-mock-jest';
import { DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { mockClient } from 'aws-sdk-client-mock';
import { connectToEks } from '../../../../src/providers/aws/kubernetes/eks-connection';
import { mintEksToken } from '../../../../src/providers/aws/kubernetes/eks-token';
import { expectedPresignSignature } from './support/sigv4-presign-check';

const CREDENTIALS = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  sessionToken: 'session/token+with=odd&chars',
};
const CA_PEM = '-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n';
const ENDPOINT = 'https://ABCDEF0123456789.gr7.eu-west-1.eks.amazonaws.com';

function decode(token: string): URL {
  expect(token.startsWith('k8s-aws-v1.')).toBe(true);
  const encoded = token.slice('k8s-aws-v1.'.length);
  // base64url with no padding: the alphabet EKS expects.
  expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/);
  return new URL(Buffer.from(encoded, 'base64url').toString('utf8'));
}

describe('EKS bearer tokens', () => {
  const signingDate = new Date('2024-05-01T10:00:00Z');

  it('is a presigned STS GetCallerIdentity URL that names the cluster and verifies with SigV4', async () => {
    const token = await mintEksToken({
      clusterName: 'prod',
      region: 'eu-west-1',
      credentials: CREDENTIALS,
      signingDate,
    });
    const url = decode(token);

    expect(url.protocol).toBe('https:');
    expect(url.host).toBe('sts.eu-west-1.amazonaws.com');
    expect(url.pathname).toBe('/');
    const params = Object.fromEntries(url.searchParams);
    expect(params).toEqual({
      Action: 'GetCallerIdentity',
      Version: '2011-06-15',
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': 'AKIDEXAMPLE/20240501/eu-west-1/sts/aws4_request',
      'X-Amz-Date': '20240501T100000Z',
      'X-Amz-Expires': '60',
      'X-Amz-SignedHeaders': 'host;x-k8s-aws-id',
      'X-Amz-Security-Token': CREDENTIALS.sessionToken,
      'X-Amz-Signature': expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(params['X-Amz-Signature']).toBe(
      expectedPresignSignature(url, { 'x-k8s-aws-id': 'prod' }, CREDENTIALS.secretAccessKey),
    );
    // The signature binds the cluster: the same URL replayed for another cluster fails.
    expect(params['X-Amz-Signature']).not.toBe(
      expectedPresignSignature(url, { 'x-k8s-aws-id': 'staging' }, CREDENTIALS.secretAccessKey),
    );
    expect(token).not.toContain(CREDENTIALS.secretAccessKey);
    expect(url.toString()).not.toContain(CREDENTIALS.secretAccessKey);
  });

  it('signs for the China partition host in cn- regions', async () => {
    const url = decode(
      await mintEksToken({ clusterName: 'prod', region: 'cn-north-1', credentials: CREDENTIALS, signingDate }),
    );
    expect(url.host).toBe('sts.cn-north-1.amazonaws.com.cn');
  });

  it.each([
    ['region', { region: 'eu-west-1.evil.example/', clusterName: 'prod' }],
    ['cluster', { region: 'eu-west-1', clusterName: 'prod\nx-other: 1' }],
  ])('refuses a %s that is not a plain name', async (_what, names) => {
    await expect(mintEksToken({ ...names, credentials: CREDENTIALS, signingDate })).rejects.toThrow(/is not an/);
  });
});

describe('connectToEks', () => {
  const eks = mockClient(EKSClient);
  let clock: number;

  beforeEach(() => {
    eks.reset();
    clock = Date.parse('2024-05-01T10:00:00Z');
    eks.on(DescribeClusterCommand).resolves({
      cluster: {
        name: 'prod',
        status: 'ACTIVE',
        endpoint: ENDPOINT,
        certificateAuthority: { data: Buffer.from(CA_PEM).toString('base64') },
      },
    });
  });

  afterAll(() => eks.restore());

  function connect(credentials: Parameters<typeof connectToEks>[0]['credentials'] | 'default chain' = CREDENTIALS) {
    return connectToEks({
      eks: new EKSClient({ region: 'eu-west-1' }),
      clusterName: 'prod',
      region: 'eu-west-1',
      credentials: credentials === 'default chain' ? undefined : credentials,
      now: () => new Date(clock),
    });
  }

  it('finds the endpoint and CA with DescribeCluster', async () => {
    const connection = await connect();
    expect(eks).toHaveReceivedCommandWith(DescribeClusterCommand, { name: 'prod' });
    expect(connection.server).toBe(ENDPOINT);
    expect(connection.ca).toBe(CA_PEM);
  });

  it('reuses a token for 10 minutes, then mints a new one; concurrent callers share a minting', async () => {
    const provider = jest.fn(async () => CREDENTIALS);
    const { token } = await connect(provider);

    const first = await token();
    expect(decode(first).searchParams.get('X-Amz-Date')).toBe('20240501T100000Z');
    clock += 9 * 60_000 + 59_000;
    expect(await token()).toBe(first);
    expect(provider).toHaveBeenCalledTimes(1);

    clock += 2_000; // 10 min 1 s after minting: tokens live 15 min, so refresh well before.
    const [a, b] = await Promise.all([token(), token()]);
    expect(a).toBe(b);
    expect(a).not.toBe(first);
    expect(decode(a).searchParams.get('X-Amz-Date')).toBe('20240501T101001Z');
    expect(provider).toHaveBeenCalledTimes(2);
  });

  it('does not remember a failed minting', async () => {
    const provider = jest
      .fn()
      .mockRejectedValueOnce(new Error('Could not load credentials from any providers'))
      .mockResolvedValue(CREDENTIALS);
    const { token } = await connect(provider);
    await expect(token()).rejects.toThrow('Could not load credentials');
    await expect(token()).resolves.toMatch(/^k8s-aws-v1\./);
  });

  it('takes credentials from the default provider chain when none are given', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: 'AKIDFROMENV',
      AWS_SECRET_ACCESS_KEY: 'env-secret',
      AWS_SESSION_TOKEN: 'env-session',
    });
    try {
      const { token } = await connect('default chain');
      const url = decode(await token());
      expect(url.searchParams.get('X-Amz-Credential')).toMatch(/^AKIDFROMENV\//);
      expect(url.searchParams.get('X-Amz-Signature')).toBe(
        expectedPresignSignature(url, { 'x-k8s-aws-id': 'prod' }, 'env-secret'),
      );
    } finally {
      process.env = saved;
    }
  });

  it('says so when the cluster has no endpoint yet', async () => {
    eks.on(DescribeClusterCommand).resolves({ cluster: { name: 'prod', status: 'CREATING' } });
    await expect(connect()).rejects.toThrow('EKS cluster prod has no API endpoint or CA yet (status CREATING)');
  });
});
