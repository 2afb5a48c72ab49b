import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { inClusterConnection } from '../../../../src/providers/aws/kubernetes/in-cluster-connection';
import { kubeconfigConnection, parseKubeconfig } from '../../../../src/providers/aws/kubernetes/kubeconfig-connection';
import { makeTempDir, type TempDir } from '../../../support/temp-dir';

const CA_PEM = '-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n';
const SECRET = 'static-token-value';

function kubeconfig(
  overrides: { user?: Record<string, unknown>; cluster?: Record<string, unknown>; current?: string } = {},
) {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': overrides.current ?? 'ci',
    clusters: [
      {
        name: 'prod',
        cluster: {
          server: 'https://prod.example:6443',
          'certificate-authority-data': Buffer.from(CA_PEM).toString('base64'),
          ...overrides.cluster,
        },
      },
      { name: 'other', cluster: { server: 'https://other.example', 'certificate-authority': 'certs/other-ca.pem' } },
    ],
    contexts: [
      { name: 'ci', context: { cluster: 'prod', user: 'deployer', namespace: 'ignored' } },
      { name: 'laptop', context: { cluster: 'other', user: 'deployer' } },
    ],
    users: [{ name: 'deployer', user: { token: SECRET, ...overrides.user } }],
    preferences: {},
  });
}

describe('kubeconfig', () => {
  it('resolves current-context to the cluster server, its CA and the user token', () => {
    expect(parseKubeconfig(kubeconfig(), { baseDir: '/etc/kube' })).toEqual({
      context: 'ci',
      server: 'https://prod.example:6443',
      caData: CA_PEM,
      caFile: undefined,
      token: SECRET,
    });
  });

  it('takes a named context, and resolves a CA file against the kubeconfig folder', () => {
    expect(parseKubeconfig(kubeconfig(), { context: 'laptop', baseDir: '/etc/kube' })).toMatchObject({
      server: 'https://other.example',
      caFile: '/etc/kube/certs/other-ca.pem',
    });
  });

  it.each([
    [{ current: 'nope' }, 'kubeconfig has no context named "nope"'],
    [{ user: { token: undefined, exec: { command: 'aws' } } }, 'user "deployer" authenticates with an exec plugin'],
    [{ user: { token: undefined, 'client-certificate-data': 'x' } }, 'client certificate'],
    [{ user: { token: undefined } }, 'user "deployer" has no token'],
    [{ cluster: { 'insecure-skip-tls-verify': true } }, 'skips TLS verification'],
    [{ cluster: { server: 'not a url' } }, 'server that is not a URL'],
  ])('refuses %j with a reason that never quotes the token', (overrides, message) => {
    const attempt = () => parseKubeconfig(kubeconfig(overrides), { baseDir: '/' });
    expect(attempt).toThrow(message);
    try {
      attempt();
    } catch (err) {
      expect((err as Error).message).not.toContain(SECRET);
    }
  });

  it('refuses text that is not a kubeconfig', () => {
    expect(() => parseKubeconfig('clusters: 3', { baseDir: '/' })).toThrow(/kubeconfig is not valid: clusters/);
    expect(() => parseKubeconfig('a: [', { baseDir: '/' })).toThrow(/kubeconfig is not YAML/);
  });

  describe('from a file', () => {
    let dir: TempDir;
    beforeAll(async () => (dir = await makeTempDir('cutover-kubeconfig-')));
    afterAll(() => dir.remove());

    it('reads the CA from the file a context names, and serves the static token', async () => {
      const { mkdir } = await import('node:fs/promises');
      await mkdir(join(dir.path, 'certs'));
      await writeFile(join(dir.path, 'certs/other-ca.pem'), CA_PEM);
      await writeFile(join(dir.path, 'config'), kubeconfig());
      const connection = await kubeconfigConnection({ path: join(dir.path, 'config'), context: 'laptop' });
      expect(connection.server).toBe('https://other.example');
      expect(connection.ca).toBe(CA_PEM);
      expect(await connection.token()).toBe(SECRET);
    });

    it('names the file in its errors', async () => {
      await writeFile(join(dir.path, 'broken'), kubeconfig({ current: 'nope' }));
      await expect(kubeconfigConnection({ path: join(dir.path, 'broken') })).rejects.toThrow(
        `${join(dir.path, 'broken')}: kubeconfig has no context named "nope"`,
      );
    });
  });
});

describe('in-cluster connection', () => {
  let dir: TempDir;
  let clock: number;
  const paths = () => ({ tokenPath: join(dir.path, 'token'), caPath: join(dir.path, 'ca.crt') });

  beforeEach(async () => {
    dir = await makeTempDir('cutover-sa-');
    clock = 1_000_000;
    await writeFile(join(dir.path, 'ca.crt'), CA_PEM);
    await writeFile(join(dir.path, 'token'), 'token-1\n');
  });
  afterEach(() => dir.remove());

  it('talks to the service host and port with the mounted CA and token', async () => {
    const connection = await inClusterConnection({ serviceHost: '10.100.0.1', servicePort: '443', ...paths() });
    expect(connection.server).toBe('https://10.100.0.1:443');
    expect(connection.ca).toBe(CA_PEM);
    expect(await connection.token()).toBe('token-1');
  });

  it('re-reads the token file once a minute, because projected tokens rotate', async () => {
    const connection = await inClusterConnection({
      serviceHost: 'fd00::1',
      servicePort: 443,
      rereadAfterSeconds: 60,
      now: () => clock,
      ...paths(),
    });
    expect(connection.server).toBe('https://[fd00::1]:443');
    expect(await connection.token()).toBe('token-1');
    await writeFile(join(dir.path, 'token'), 'token-2\n');
    clock += 59_000;
    expect(await connection.token()).toBe('token-1');
    clock += 2_000;
    expect(await connection.token()).toBe('token-2');
  });

  it('says which file is missing or empty, and refuses a missing service address', async () => {
    await expect(
      inClusterConnection({ serviceHost: '10.0.0.1', servicePort: 443, ...paths(), caPath: join(dir.path, 'nope') }),
    ).rejects.toThrow(`cannot read the service account CA at ${join(dir.path, 'nope')}: ENOENT`);
    await writeFile(join(dir.path, 'token'), '  \n');
    const connection = await inClusterConnection({ serviceHost: '10.0.0.1', servicePort: 443, ...paths() });
    await expect(connection.token()).rejects.toThrow(/is empty/);
    await expect(inClusterConnection({ serviceHost: '', servicePort: '', ...paths() })).rejects.toThrow(
      /KUBERNETES_SERVICE_HOST/,
    );
  });
});
