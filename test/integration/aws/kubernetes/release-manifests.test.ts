import fc from 'fast-check';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { PROJECT_ROOT } from '../../../../predictor/src/project-paths';
import { describeReleaseInputProblem } from '../../../../src/providers/aws/kubernetes/release-inputs';
import { renderReleaseManifests } from '../../../../src/providers/aws/kubernetes/release-manifests';
import { checkManifest } from './support/kube-model-check';
import { HOUSING_SETTINGS, REGISTRY, releaseTarget } from './support/release-fixtures';

const REFERENCE = join(PROJECT_ROOT, 'manifests/release/housing-abc1234.yaml');
const LABELS = {
  'app.kubernetes.io/name': 'housing',
  'app.kubernetes.io/instance': 'abc1234',
  'app.kubernetes.io/managed-by': 'cutover',
};

function render(release = 'abc1234') {
  return renderReleaseManifests(releaseTarget(release), HOUSING_SETTINGS);
}

describe('release manifests', () => {
  it('renders four objects that kubernetes-models accepts, with no field the API does not know', () => {
    const objects = Object.values(render());
    expect(objects.map((o) => `${o.apiVersion} ${o.kind}`)).toEqual([
      'v1 Namespace',
      'apps/v1 Deployment',
      'v1 Service',
      'networking.k8s.io/v1 Ingress',
    ]);
    for (const object of objects)
      expect({ kind: object.kind, problems: checkManifest(object) }).toEqual({ kind: object.kind, problems: [] });
  });

  it('the unknown-field check catches a misplaced or misspelled field', () => {
    const { deployment } = render();
    const broken = structuredClone(deployment) as unknown as { spec: { template: { spec: Record<string, unknown> } } };
    broken.spec.template.spec.readOnlyRootFilesystem = true; // belongs in a securityContext
    (broken.spec as Record<string, unknown>).replica = 3;
    expect(checkManifest(broken)).toEqual([
      'unknown field /spec/template/spec/readOnlyRootFilesystem',
      'unknown field /spec/replica',
    ]);
  });

  it('names and labels every object for its release', () => {
    const { namespace, deployment, service, ingress } = render();
    expect(namespace.metadata).toEqual({ name: 'housing-abc1234', labels: LABELS });
    for (const o of [deployment, service, ingress]) {
      expect(o.metadata).toMatchObject({ name: 'housing', namespace: 'housing-abc1234', labels: LABELS });
    }
    expect(deployment.spec?.template.metadata?.labels).toEqual(LABELS);
    const selector = { 'app.kubernetes.io/name': 'housing', 'app.kubernetes.io/instance': 'abc1234' };
    expect(deployment.spec?.selector.matchLabels).toEqual(selector);
    expect(service.spec?.selector).toEqual(selector);
  });

  it('runs the release image unprivileged, probed on 8080, with its release id and model path', () => {
    const { deployment } = render();
    const pod = deployment.spec?.template.spec;
    const [container] = pod?.containers ?? [];
    expect(deployment.spec?.replicas).toBe(2);
    expect(container.image).toBe(`${REGISTRY}:abc1234`);
    expect(container.env).toEqual(
      expect.arrayContaining([
        { name: 'RELEASE_ID', value: 'abc1234' },
        { name: 'MODEL_PATH', value: '/app/predictor/models/housing-v1.json' },
      ]),
    );
    expect(container.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 8080 });
    expect(container.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 8080 });
    expect(container.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 1000,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(container.resources).toEqual({
      requests: { cpu: '500m', memory: '512Mi' },
      limits: { cpu: '500m', memory: '512Mi' },
    });
    expect(pod?.automountServiceAccountToken).toBe(false);
    expect(pod?.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
  });

  it('exposes port 80 to the ALB controller as an internet-facing ALB targeting pod IPs', () => {
    const { service, ingress } = render();
    expect(service.spec).toMatchObject({ type: 'ClusterIP', ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }] });
    expect(ingress.spec?.ingressClassName).toBe('alb');
    expect(ingress.metadata?.annotations).toEqual({
      'alb.ingress.kubernetes.io/scheme': 'internet-facing',
      'alb.ingress.kubernetes.io/target-type': 'ip',
      'alb.ingress.kubernetes.io/healthcheck-path': '/healthz',
      'alb.ingress.kubernetes.io/listen-ports': '[{"HTTP":80}]',
    });
    expect(ingress.spec?.rules?.[0].http?.paths).toEqual([
      { path: '/', pathType: 'Prefix', backend: { service: { name: 'housing', port: { number: 80 } } } },
    ]);
  });

  describe('refuses values that could escape their field', () => {
    it.each([
      'abc\nkind: Secret',
      'abc: {x: 1}',
      'abc; rm -rf /',
      '$(id)',
      '{{ .Values.x }}',
      "abc'",
      'abc"',
      'abc#1',
      'ABC1234',
      '-abc',
      ' abc',
      '',
      'a'.repeat(41),
    ])('release id %j', (release) => {
      const target = { ...releaseTarget('abc1234'), release, name: `housing-${release}` };
      expect(describeReleaseInputProblem(target, HOUSING_SETTINGS)).toMatch(/release id/);
      expect(() => renderReleaseManifests(target, HOUSING_SETTINGS)).toThrow(/cannot render release/);
    });

    it.each([
      `${REGISTRY}:abc\nkind: Secret`,
      `${REGISTRY}:abc --privileged`,
      `${REGISTRY}:\${TAG}`,
      `${REGISTRY}:abc"`,
      `${REGISTRY}`,
      `${REGISTRY}:latest`,
      `--entrypoint=/bin/sh ${REGISTRY}:abc`,
    ])('image %j', (image) => {
      expect(describeReleaseInputProblem(releaseTarget('abc1234', image), HOUSING_SETTINGS)).toBeDefined();
    });

    it.each([
      '../etc/passwd',
      '/app/../etc/passwd',
      '/app/./x.json',
      '/app/x y.json',
      '/app/x.json\n',
      'models/x.json',
      '/',
    ])('model path %j', (modelPath) => {
      expect(describeReleaseInputProblem(releaseTarget('abc1234'), { ...HOUSING_SETTINGS, modelPath })).toMatch(
        /model path/,
      );
    });

    it('an app, a resource name or resources that do not fit', () => {
      const ok = releaseTarget('abc1234');
      expect(describeReleaseInputProblem({ ...ok, app: 'Housing' }, HOUSING_SETTINGS)).toMatch(/app/);
      expect(describeReleaseInputProblem({ ...ok, name: 'other-abc1234' }, HOUSING_SETTINGS)).toMatch(/resource name/);
      expect(describeReleaseInputProblem(ok, { ...HOUSING_SETTINGS, replicas: 0 })).toMatch(/replicas/);
      const resources = { requests: { cpu: '1; x', memory: '1Gi' }, limits: { memory: '1Gi' } };
      expect(describeReleaseInputProblem(ok, { ...HOUSING_SETTINGS, resources })).toMatch(/requests.cpu/);
    });

    it('any string either is refused or lands verbatim in its own fields', () => {
      fc.assert(
        fc.property(
          fc.oneof(fc.string({ maxLength: 50 }), fc.stringMatching(/^[a-z0-9][-a-z0-9\n:"#$ {}]{0,20}$/)),
          (release) => {
            const target = { ...releaseTarget('abc1234'), release, name: `housing-${release}` };
            if (describeReleaseInputProblem(target, HOUSING_SETTINGS)) return;
            const objects = Object.values(renderReleaseManifests(target, HOUSING_SETTINGS));
            const docs = parseAllDocuments(objects.map((o) => stringify(o)).join('---\n'));
            expect(docs.map((d) => d.toJS())).toEqual(JSON.parse(JSON.stringify(objects)));
            for (const o of objects) expect(checkManifest(o)).toEqual([]);
          },
        ),
        { numRuns: 200 },
      );
    });
  });

  it('manifests/release holds the current rendering of an example release (CUTOVER_WRITE_REFERENCE=1 rewrites it)', () => {
    const objects = Object.values(render());
    if (process.env.CUTOVER_WRITE_REFERENCE === '1') {
      const header =
        '# Reference rendering of release abc1234 of app housing, for reading and review only.\n' +
        '# Generated by test/integration/aws/kubernetes/release-manifests.test.ts from\n' +
        '# src/providers/aws/kubernetes/release-manifests.ts; the controller renders these itself.\n';
      writeFileSync(
        REFERENCE,
        header + objects.map((o) => stringify(o, { singleQuote: true, aliasDuplicateObjects: false })).join('---\n'),
      );
    }
    const reference = parseAllDocuments(readFileSync(REFERENCE, 'utf8')).map((d) => d.toJS());
    expect(reference).toEqual(JSON.parse(JSON.stringify(objects)));
  });
});
