/* eslint-disable @typescript-eslint/no-explicit-any -- walks arbitrary manifests */
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { ClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import { ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';

interface ModelClass {
  new (data: any): { validate(): void };
  prototype: { validate(): void };
}

const MODELS: Record<string, ModelClass> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Namespace': Namespace,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'apps/v1/Deployment': Deployment,
  'networking.k8s.io/v1/Ingress': Ingress,
  'rbac.authorization.k8s.io/v1/ClusterRole': ClusterRole,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': ClusterRoleBinding,
};

/**
 * Problems kubernetes-models finds in a manifest: wrong types and missing required fields
 * (its validate()), plus unknown fields, which validate() lets through. The unknown-field
 * check asks the same validator: it is compiled from the Kubernetes OpenAPI schema and reads
 * every property the schema defines (and every key of a map-typed field), so a key it never
 * reads while validating is a key the schema does not have: a typo, or a field at the wrong level.
 */
export function checkManifest(object: any): string[] {
  const model = MODELS[`${object?.apiVersion}/${object?.kind}`];
  if (!model) return [`no model for ${object?.apiVersion} ${object?.kind}`];
  const problems: string[] = [];
  try {
    new model(object).validate();
  } catch (err) {
    problems.push(`invalid: ${(err as Error).message}`);
  }
  const read = new Set<string>();
  try {
    model.prototype.validate.call(tracked(object, '', read));
  } catch {
    // Already reported above; this pass only records what the schema looks at.
  }
  for (const path of ownPaths(object, '')) if (!read.has(path)) problems.push(`unknown field ${path}`);
  return problems;
}

/** A deep proxy recording the path of every property read. */
function tracked(value: any, path: string, read: Set<string>): any {
  if (value === null || typeof value !== 'object') return value;
  return new Proxy(value, {
    get(target, prop, receiver) {
      const child = Reflect.get(target, prop, receiver);
      if (typeof prop !== 'string') return child;
      read.add(`${path}/${prop}`);
      return tracked(child, `${path}/${prop}`, read);
    },
  });
}

function ownPaths(value: any, path: string): string[] {
  if (value === null || typeof value !== 'object') return [];
  return Object.keys(value).flatMap((key) => [`${path}/${key}`, ...ownPaths(value[key], `${path}/${key}`)]);
}
