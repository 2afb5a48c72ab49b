/* eslint-disable @typescript-eslint/no-explicit-any -- parsed YAML */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { PROJECT_ROOT } from '../../../../predictor/src/project-paths';
import type { RecordedRequest } from '../../../fakes/kube-api/fake-kube-api';
import { loadControllerConfig } from '../../../../src/config/controller.config';
import { checkManifest } from './support/kube-model-check';
import { drive, startKubeHarness } from './support/kube-harness';
import { REGISTRY, releaseTarget } from './support/release-fixtures';

jest.setTimeout(15_000);

const DIR = join(PROJECT_ROOT, 'manifests/controller');
const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
const objects: any[] = files.flatMap((f) =>
  parseAllDocuments(readFileSync(join(DIR, f), 'utf8')).map((d) => {
    if (d.errors.length > 0) throw new Error(`${f}: ${d.errors[0].message}`);
    return d.toJS();
  }),
);
const find = (kind: string) => {
  const found = objects.filter((o) => o.kind === kind);
  expect(found).toHaveLength(1);
  return found[0];
};

describe('manifests/controller', () => {
  it.each(files)('%s parses and validates against the Kubernetes models, with no unknown field', (file) => {
    for (const doc of parseAllDocuments(readFileSync(join(DIR, file), 'utf8'))) {
      expect(checkManifest(doc.toJS())).toEqual([]);
    }
  });

  it('the kustomization lists every manifest', () => {
    const kustomization = parse(readFileSync(join(DIR, 'kustomization.yaml'), 'utf8'));
    expect([...kustomization.resources].sort()).toEqual([...files].sort());
  });

  it('the service account carries the IRSA role and the binding gives it the cluster role', () => {
    const sa = find('ServiceAccount');
    expect(sa.metadata.annotations['eks.amazonaws.com/role-arn']).toMatch(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/);
    const binding = find('ClusterRoleBinding');
    expect(binding.roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: find('ClusterRole').metadata.name,
    });
    expect(binding.subjects).toEqual([
      { kind: 'ServiceAccount', name: sa.metadata.name, namespace: sa.metadata.namespace },
    ]);
  });

  it('runs the controller unprivileged as that service account, probed on 3000, with the aws provider', () => {
    const deployment = find('Deployment');
    const pod = deployment.spec.template.spec;
    const [container] = pod.containers;
    expect(pod.serviceAccountName).toBe(find('ServiceAccount').metadata.name);
    expect(container.env).toEqual(expect.arrayContaining([{ name: 'CUTOVER_PROVIDER', value: 'aws' }]));
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 3000 });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 3000 });
    expect(container.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 1000,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    const service = find('Service');
    expect(service.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 3000, protocol: 'TCP' }]);
    for (const [k, v] of Object.entries(service.spec.selector))
      expect(deployment.spec.template.metadata.labels[k]).toBe(v);
    const claim = pod.volumes.find((v: any) => v.persistentVolumeClaim).persistentVolumeClaim.claimName;
    expect(find('PersistentVolumeClaim').metadata.name).toBe(claim);
  });

  it("the controller's environment (Deployment env + the cutover-aws ConfigMap) is a valid aws configuration in a pod", () => {
    const container = find('Deployment').spec.template.spec.containers[0];
    const configMap = find('ConfigMap');
    expect(container.envFrom).toEqual([{ configMapRef: { name: configMap.metadata.name } }]);
    const env = {
      ...configMap.data,
      ...Object.fromEntries(container.env.map((e: { name: string; value: string }) => [e.name, e.value])),
      // What the kubelet sets in every pod.
      KUBERNETES_SERVICE_HOST: '10.100.0.1',
      KUBERNETES_SERVICE_PORT: '443',
    };
    const config = loadControllerConfig(env, '/app');
    expect(config).toMatchObject({
      provider: 'aws',
      listen: { host: '0.0.0.0', port: 3000 },
      aws: { kube: { mode: 'in-cluster', serviceHost: '10.100.0.1' }, clusterName: configMap.data.CUTOVER_EKS_CLUSTER },
      bootstrap: null,
    });
  });

  it('the cluster role grants exactly what the workload does against the API: nothing missing, nothing unused', async () => {
    const h = await startKubeHarness({ ingressAddress: () => ({ hostname: 'alb.example' }) });
    try {
      const workload = h.workload();
      const ok = releaseTarget('rbac1');
      await drive(() => workload.ensureRunning(ok));
      await workload.findEndpoint(ok);
      await drive(() => workload.retire(ok));
      await workload.ensureRunning(releaseTarget('rbac2', `${REGISTRY}:missing-rbac2`));
      const used = new Set(h.fake.requests.flatMap(permissionsFor));

      const granted = new Set<string>(
        find('ClusterRole').rules.flatMap((rule: any) =>
          rule.apiGroups.flatMap((g: string) =>
            rule.resources.flatMap((r: string) => rule.verbs.map((v: string) => `${g || 'core'}/${r}:${v}`)),
          ),
        ),
      );
      expect([...used].sort()).toEqual([...granted].sort());
    } finally {
      await h.close();
    }
  });
});

/** The RBAC checks the API server makes for a request (server-side apply may create: patch and create). */
function permissionsFor(req: RecordedRequest): string[] {
  const m = /^\/apis?\/(?:(apps|networking\.k8s\.io)\/)?v1\/namespaces\/[^/]+(?:\/([a-z]+)(\/[^/]+)?)?$/.exec(req.path);
  if (!m) throw new Error(`unexpected request ${req.method} ${req.path}`);
  const [, group = 'core', resource = 'namespaces', objectName] = m;
  const isCollection = m[2] !== undefined && objectName === undefined;
  const verbs = { GET: [isCollection ? 'list' : 'get'], PATCH: ['patch', 'create'], DELETE: ['delete'] }[req.method];
  if (!verbs) throw new Error(`unexpected method ${req.method}`);
  return verbs.map((v) => `${group}/${resource}:${v}`);
}
