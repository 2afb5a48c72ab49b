/** The slice of the Kubernetes REST API the fake serves, and how its paths map to objects. */

export type Kind = 'Namespace' | 'Deployment' | 'Service' | 'Ingress';

export const API_VERSIONS: Record<Kind, string> = {
  Namespace: 'v1',
  Deployment: 'apps/v1',
  Service: 'v1',
  Ingress: 'networking.k8s.io/v1',
};

export type Route =
  | { type: 'discovery'; body: unknown }
  | { type: 'object'; kind: Kind; namespace?: string; name: string; plural: string }
  | { type: 'pods'; namespace: string }
  | { type: 'unknown' };

const SEGMENT = '([^/]+)';
const OBJECT_ROUTES: Array<{ pattern: RegExp; kind: Kind; plural: string }> = [
  { pattern: new RegExp(`^/api/v1/namespaces/${SEGMENT}$`), kind: 'Namespace', plural: 'namespaces' },
  { pattern: new RegExp(`^/api/v1/namespaces/${SEGMENT}/services/${SEGMENT}$`), kind: 'Service', plural: 'services' },
  {
    pattern: new RegExp(`^/apis/apps/v1/namespaces/${SEGMENT}/deployments/${SEGMENT}$`),
    kind: 'Deployment',
    plural: 'deployments',
  },
  {
    pattern: new RegExp(`^/apis/networking.k8s.io/v1/namespaces/${SEGMENT}/ingresses/${SEGMENT}$`),
    kind: 'Ingress',
    plural: 'ingresses',
  },
];

const DISCOVERY: Record<string, unknown> = {
  '/version': { major: '1', minor: '30', gitVersion: 'v1.30.0-fake', platform: 'linux/amd64' },
  '/api': { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] },
  '/apis': {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: ['apps', 'networking.k8s.io'].map((name) => ({
      name,
      versions: [{ groupVersion: `${name}/v1`, version: 'v1' }],
      preferredVersion: { groupVersion: `${name}/v1`, version: 'v1' },
    })),
  },
};

export function route(path: string): Route {
  if (path in DISCOVERY) return { type: 'discovery', body: DISCOVERY[path] };
  const pods = /^\/api\/v1\/namespaces\/([^/]+)\/pods$/.exec(path);
  if (pods) return { type: 'pods', namespace: decodeURIComponent(pods[1]) };
  for (const { pattern, kind, plural } of OBJECT_ROUTES) {
    const m = pattern.exec(path);
    if (!m) continue;
    if (kind === 'Namespace') return { type: 'object', kind, name: decodeURIComponent(m[1]), plural };
    return { type: 'object', kind, namespace: decodeURIComponent(m[1]), name: decodeURIComponent(m[2]), plural };
  }
  return { type: 'unknown' };
}
