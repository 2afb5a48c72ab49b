/**
 * REST paths of the objects a release consists of. Names are validated DNS-1123 labels before
 * they get here; encoding them anyway means a bug elsewhere cannot turn a name into a path.
 */
const seg = encodeURIComponent;

export const kubePaths = {
  namespace: (name: string) => `/api/v1/namespaces/${seg(name)}`,
  deployment: (namespace: string, name: string) =>
    `/apis/apps/v1/namespaces/${seg(namespace)}/deployments/${seg(name)}`,
  service: (namespace: string, name: string) => `/api/v1/namespaces/${seg(namespace)}/services/${seg(name)}`,
  ingress: (namespace: string, name: string) =>
    `/apis/networking.k8s.io/v1/namespaces/${seg(namespace)}/ingresses/${seg(name)}`,
  pods: (namespace: string) => `/api/v1/namespaces/${seg(namespace)}/pods`,
};
