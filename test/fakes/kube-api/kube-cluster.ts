/* eslint-disable @typescript-eslint/no-explicit-any -- objects here are whatever clients applied */
import { randomUUID } from 'node:crypto';
import { API_VERSIONS, type Kind } from './kube-routes';
import { refuse } from './kube-status-body';
import { deploymentStatus, ingressStatus, podsOf, type Served, type SimulationOptions } from './simulated-status';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

interface Entry extends Served {
  kind: Kind;
  manager: string;
  /** Namespaces being deleted: GETs left before it (and everything in it) is gone. */
  terminatingGetsLeft?: number;
}

export interface ApplyRequest {
  kind: Kind;
  namespace?: string;
  name: string;
  body: any;
  fieldManager: string;
  force: boolean;
}

/**
 * The fake cluster's objects and the rules the API server enforces on them: server-side apply
 * creates or merges (labels, annotations and spec replaced; a spec change bumps generation),
 * content goes only into an existing, non-terminating namespace, and a deleted namespace stays
 * Terminating for a while before it and its contents disappear.
 */
export class KubeCluster {
  private readonly entries = new Map<string, Entry>();
  private resourceVersion = 1;

  constructor(
    private readonly sim: SimulationOptions,
    private readonly now: () => Date,
    private readonly namespaceTerminatingGets: number,
  ) {}

  apply(req: ApplyRequest): { code: 200 | 201; object: any } {
    const { kind, namespace, name, body } = req;
    if (!body || typeof body !== 'object' || Array.isArray(body))
      throw refuse(400, 'BadRequest', 'the body is not an object');
    if (body.apiVersion !== API_VERSIONS[kind] || body.kind !== kind) {
      throw refuse(
        400,
        'BadRequest',
        `the object (${body.apiVersion} ${body.kind}) is not a ${API_VERSIONS[kind]} ${kind}`,
      );
    }
    if (body.metadata?.name !== name) {
      throw refuse(
        400,
        'BadRequest',
        `the name of the object (${body.metadata?.name}) does not match the name on the URL (${name})`,
      );
    }
    if (namespace !== undefined && body.metadata?.namespace !== undefined && body.metadata.namespace !== namespace) {
      throw refuse(
        400,
        'BadRequest',
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    if (!DNS1123_LABEL.test(name) || name.length > 63) {
      throw refuse(
        422,
        'Invalid',
        `${kind} "${name}" is invalid: metadata.name: Invalid value: "${name}": must be a DNS-1123 label`,
      );
    }
    if (kind === 'Deployment') validateDeployment(name, body);
    if (namespace !== undefined) {
      const ns = this.entries.get(key('Namespace', undefined, namespace));
      if (!ns) throw refuse(404, 'NotFound', `namespaces "${namespace}" not found`);
      if (ns.terminatingGetsLeft !== undefined) {
        throw refuse(
          403,
          'Forbidden',
          `${kind.toLowerCase()}s "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
        );
      }
    }

    const k = key(kind, namespace, name);
    const existing = this.entries.get(k);
    if (existing && existing.manager !== req.fieldManager && !req.force) {
      throw refuse(409, 'Conflict', `Apply failed with 1 conflict: conflict with "${existing.manager}": .spec`);
    }
    const spec = kind === 'Namespace' ? { finalizers: ['kubernetes'] } : body.spec;
    const specChanged = !existing || JSON.stringify(existing.object.spec) !== JSON.stringify(spec);
    const metadata = {
      ...(existing?.object.metadata ?? {
        uid: randomUUID(),
        creationTimestamp: this.now().toISOString(),
        generation: 0,
      }),
      name,
      ...(namespace !== undefined ? { namespace } : {}),
      labels: body.metadata?.labels,
      annotations: body.metadata?.annotations,
    };
    if (specChanged) metadata.generation += 1;
    const changed = specChanged || JSON.stringify(existing?.object.metadata) !== JSON.stringify(metadata);
    if (changed) metadata.resourceVersion = String(++this.resourceVersion);
    const object = {
      apiVersion: API_VERSIONS[kind],
      kind,
      metadata,
      spec,
      status: existing?.object.status ?? (kind === 'Namespace' ? { phase: 'Active' } : {}),
    };
    const entry: Entry = existing ?? { kind, manager: req.fieldManager, object, ticks: 0, changedAt: this.now() };
    entry.object = object;
    entry.manager = req.fieldManager;
    if (specChanged) {
      entry.ticks = 0;
      entry.changedAt = this.now();
      if (kind === 'Deployment' && namespace !== undefined) this.sim.kubelet?.run(namespace, object);
    }
    this.entries.set(k, entry);
    return { code: existing ? 200 : 201, object: this.serve(entry) };
  }

  /** GET: counts as a look, which is what moves the simulated world forward. */
  get(kind: Kind, namespace: string | undefined, name: string): any {
    const entry = this.entries.get(key(kind, namespace, name));
    if (!entry) throw notFound(kind, name);
    if (entry.terminatingGetsLeft !== undefined) {
      if (entry.terminatingGetsLeft <= 0) {
        this.purge(name);
        throw notFound(kind, name);
      }
      entry.terminatingGetsLeft -= 1;
    }
    return this.serve(entry);
  }

  deleteNamespace(name: string): any {
    const entry = this.entries.get(key('Namespace', undefined, name));
    if (!entry) throw notFound('Namespace', name);
    if (entry.terminatingGetsLeft !== undefined) {
      throw refuse(
        409,
        'Conflict',
        `Operation cannot be fulfilled on namespaces "${name}": The system is ensuring all content is removed from this namespace.  Upon completion, this namespace will automatically be purged by the system.`,
      );
    }
    entry.terminatingGetsLeft = this.namespaceTerminatingGets;
    this.sim.kubelet?.stop(name);
    entry.object.metadata.deletionTimestamp = this.now().toISOString();
    entry.object.status = { phase: 'Terminating' };
    return entry.object;
  }

  /** Pods of every Deployment in the namespace, filtered by an equality-only label selector. */
  listPods(namespace: string, labelSelector: string | undefined): any {
    const wanted = (labelSelector ?? '')
      .split(',')
      .filter(Boolean)
      .map((term) => term.split('='));
    const items = [...this.entries.values()]
      .filter((e) => e.kind === 'Deployment' && e.object.metadata.namespace === namespace)
      .flatMap((e) => podsOf(e, this.sim))
      .filter((pod) => wanted.every(([k, v]) => pod.metadata.labels[k] === v));
    return { apiVersion: 'v1', kind: 'PodList', metadata: { resourceVersion: String(this.resourceVersion) }, items };
  }

  /** The stored object as is (no serve, no tick), for assertions. */
  peek(kind: Kind, namespace: string | undefined, name: string): any {
    return this.entries.get(key(kind, namespace, name))?.object;
  }

  /** Puts an object in place as someone else would have (e.g. a namespace cutover did not make). */
  seed(kind: Kind, namespace: string | undefined, name: string, metadata: Record<string, unknown> = {}): void {
    const object = {
      apiVersion: API_VERSIONS[kind],
      kind,
      metadata: { name, ...(namespace ? { namespace } : {}), generation: 1, ...metadata },
      spec: {},
      status: kind === 'Namespace' ? { phase: 'Active' } : {},
    };
    this.entries.set(key(kind, namespace, name), { kind, manager: 'kubectl', object, ticks: 0, changedAt: this.now() });
  }

  private serve(entry: Entry): any {
    entry.ticks += 1;
    if (entry.kind === 'Deployment') entry.object.status = deploymentStatus(entry, this.sim);
    if (entry.kind === 'Ingress') entry.object.status = ingressStatus(entry, this.sim);
    return structuredClone(entry.object);
  }

  private purge(namespace: string): void {
    this.entries.delete(key('Namespace', undefined, namespace));
    for (const [k, e] of this.entries) if (e.object.metadata.namespace === namespace) this.entries.delete(k);
  }
}

function key(kind: Kind, namespace: string | undefined, name: string): string {
  return `${kind}/${namespace ?? ''}/${name}`;
}

function notFound(kind: Kind, name: string) {
  const plural = {
    Namespace: 'namespaces',
    Deployment: 'deployments.apps',
    Service: 'services',
    Ingress: 'ingresses.networking.k8s.io',
  }[kind];
  return refuse(404, 'NotFound', `${plural} "${name}" not found`);
}

/** The checks the API server's validation would refuse with 422 that a rendering bug could trip. */
function validateDeployment(name: string, body: any): void {
  const problems: string[] = [];
  const matchLabels: Record<string, string> = body.spec?.selector?.matchLabels ?? {};
  const labels: Record<string, string> = body.spec?.template?.metadata?.labels ?? {};
  if (Object.keys(matchLabels).length === 0) problems.push('spec.selector: Required value');
  else if (Object.entries(matchLabels).some(([k, v]) => labels[k] !== v)) {
    problems.push('spec.template.metadata.labels: Invalid value: `selector` does not match template `labels`');
  }
  const containers: any[] = body.spec?.template?.spec?.containers ?? [];
  if (containers.length === 0) problems.push('spec.template.spec.containers: Required value');
  for (const [i, c] of containers.entries()) {
    if (!c?.image) problems.push(`spec.template.spec.containers[${i}].image: Required value`);
  }
  if (problems.length > 0) {
    throw refuse(422, 'Invalid', `Deployment.apps "${name}" is invalid: ${problems.join(', ')}`);
  }
}
