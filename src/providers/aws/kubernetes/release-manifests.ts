import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import type { INamespace } from 'kubernetes-models/v1/Namespace';
import type { IService } from 'kubernetes-models/v1/Service';
import type { ReleaseTarget } from '../../ports';
import { DEFAULT_RESOURCES, describeReleaseInputProblem, type ReleasePodSettings } from './release-inputs';

// Types only: kubernetes-models checks at compile time that every field below exists in the
// Kubernetes API (an object literal with an unknown key does not compile); nothing of it is
// loaded at run time.

/** The predictor's port inside the pod (predictor/Dockerfile: PORT=8080). */
export const PREDICTOR_PORT = 8080;
/** The image's unprivileged user (node:20's `node`, uid 1000). */
const PREDICTOR_UID = 1000;
const CONTAINER_NAME = 'predictor';
/** The Service's port, which the ALB targets (as pod IPs: target-type ip). */
const SERVICE_PORT = 80;

export const MANAGED_BY_LABEL = { key: 'app.kubernetes.io/managed-by', value: 'cutover' } as const;

/** The four objects one release consists of, applied in this order. */
export interface ReleaseManifests {
  namespace: INamespace;
  deployment: IDeployment;
  service: IService;
  ingress: IIngress;
}

/** Labels every object of a release carries: who it is, and who manages it. */
export function releaseLabels(target: Pick<ReleaseTarget, 'app' | 'release'>): Record<string, string> {
  return {
    'app.kubernetes.io/name': target.app,
    'app.kubernetes.io/instance': target.release,
    [MANAGED_BY_LABEL.key]: MANAGED_BY_LABEL.value,
  };
}

/** Selects a release's pods (managed-by is left out: selectors are immutable, labels may grow). */
export function releaseSelector(target: Pick<ReleaseTarget, 'app' | 'release'>): Record<string, string> {
  return { 'app.kubernetes.io/name': target.app, 'app.kubernetes.io/instance': target.release };
}

/**
 * A release as Kubernetes objects, built as typed values: every input lands in a field of its
 * own and is validated first (DNS-1123 names, an OCI image reference, a plain model path), so
 * no release value can add a field, a document or a flag. Names: namespace `<app>-<release>`
 * (the Fargate profile selects it), every object in it named `<app>`.
 */
export function renderReleaseManifests(target: ReleaseTarget, settings: ReleasePodSettings): ReleaseManifests {
  const problem = describeReleaseInputProblem(target, settings);
  if (problem) throw new Error(`cannot render release ${target.name}: ${problem}`);
  const namespace = target.name;
  const name = target.app;
  const labels = releaseLabels(target);
  const selector = releaseSelector(target);
  const metadata = { name, namespace, labels };

  return {
    namespace: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels } },
    deployment: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata,
      spec: {
        replicas: settings.replicas,
        // Each release has its own namespace and never rolls to another image: old ReplicaSets are noise.
        revisionHistoryLimit: 1,
        selector: { matchLabels: selector },
        template: {
          metadata: { labels },
          spec: {
            // The predictor never calls the Kubernetes API: no token in the pod.
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            securityContext: {
              runAsNonRoot: true,
              runAsUser: PREDICTOR_UID,
              runAsGroup: PREDICTOR_UID,
              seccompProfile: { type: 'RuntimeDefault' },
            },
            containers: [
              {
                name: CONTAINER_NAME,
                image: target.artifact,
                imagePullPolicy: 'IfNotPresent',
                ports: [{ name: 'http', containerPort: PREDICTOR_PORT, protocol: 'TCP' }],
                env: [
                  { name: 'RELEASE_ID', value: target.release },
                  { name: 'MODEL_PATH', value: settings.modelPath },
                  // The image defaults to these too; spelling them out ties the probes and the Service to them.
                  { name: 'HOST', value: '0.0.0.0' },
                  { name: 'PORT', value: String(PREDICTOR_PORT) },
                ],
                resources: settings.resources ?? DEFAULT_RESOURCES,
                readinessProbe: {
                  httpGet: { path: '/readyz', port: PREDICTOR_PORT },
                  periodSeconds: 5,
                  timeoutSeconds: 2,
                  failureThreshold: 3,
                },
                livenessProbe: {
                  httpGet: { path: '/healthz', port: PREDICTOR_PORT },
                  initialDelaySeconds: 10,
                  periodSeconds: 10,
                  timeoutSeconds: 2,
                  failureThreshold: 3,
                },
                securityContext: {
                  runAsNonRoot: true,
                  runAsUser: PREDICTOR_UID,
                  readOnlyRootFilesystem: true,
                  allowPrivilegeEscalation: false,
                  capabilities: { drop: ['ALL'] },
                },
                // The root filesystem is read-only; Node and its libraries may still want a temp dir.
                volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
              },
            ],
            volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
          },
        },
      },
    },
    service: {
      apiVersion: 'v1',
      kind: 'Service',
      metadata,
      spec: {
        type: 'ClusterIP',
        selector,
        ports: [{ name: 'http', port: SERVICE_PORT, targetPort: PREDICTOR_PORT, protocol: 'TCP' }],
      },
    },
    ingress: {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: {
        ...metadata,
        // The AWS Load Balancer Controller's contract: one internet-facing ALB per release,
        // sending traffic straight to pod IPs (Fargate has no nodes to target).
        annotations: {
          'alb.ingress.kubernetes.io/scheme': 'internet-facing',
          'alb.ingress.kubernetes.io/target-type': 'ip',
          'alb.ingress.kubernetes.io/healthcheck-path': '/healthz',
          'alb.ingress.kubernetes.io/listen-ports': JSON.stringify([{ HTTP: SERVICE_PORT }]),
        },
      },
      spec: {
        ingressClassName: 'alb',
        rules: [
          {
            http: {
              paths: [
                { path: '/', pathType: 'Prefix', backend: { service: { name, port: { number: SERVICE_PORT } } } },
              ],
            },
          },
        ],
      },
    },
  };
}
