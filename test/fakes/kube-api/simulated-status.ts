/* eslint-disable @typescript-eslint/no-explicit-any -- objects here are whatever clients applied */
import { createHash } from 'node:crypto';

/** How the fake's world behaves over time, counted in times an object is served (GET or apply answer). */
export interface SimulationOptions {
  /** Serves after a spec change before all replicas are available. Default 3. */
  deploymentReadyAfter: number;
  /** Serves of an Ingress before its load balancer address appears. Default 2. */
  ingressAddressAfter: number;
  /** Where a release's "ALB" is: a DNS name, or a loopback ip and port a test listens on. */
  ingressAddress: (namespace: string, name: string) => { hostname?: string; ip?: string; port?: number };
  /** Images that cannot be pulled (ImagePullBackOff) and images whose container crashes. */
  badImage: RegExp;
  crashingImage: RegExp;
  /** Runs the pods for real, when a test wants a release to answer; absent, pods exist only as status. */
  kubelet?: Kubelet;
}

/** What a node does with a namespace's pods: run the Deployment's template, report readiness, stop. */
export interface Kubelet {
  /** The Deployment's pod template is new or changed: (re)start its pods. */
  run(namespace: string, deployment: Record<string, any>): void;
  /** Whether the namespace's pods pass their readiness probe. */
  ready(namespace: string): boolean;
  /** The namespace is being deleted: its pods get SIGTERM. */
  stop(namespace: string): void;
}

export interface Served {
  object: Record<string, any>;
  /** Serves since the last spec change, this one included. */
  ticks: number;
  changedAt: Date;
}

const imageOf = (deployment: Record<string, any>): string =>
  deployment.spec?.template?.spec?.containers?.[0]?.image ?? '';

export function willBecomeAvailable(deployment: Record<string, any>, sim: SimulationOptions): boolean {
  const image = imageOf(deployment);
  return !sim.badImage.test(image) && !sim.crashingImage.test(image);
}

/**
 * A Deployment's status as the deployment controller would write it: on the first serve after
 * a change the controller has not seen the new generation; then every replica is updated, and
 * after `deploymentReadyAfter` serves they are available, unless the image never runs.
 */
export function deploymentStatus({ object, ticks }: Served, sim: SimulationOptions): Record<string, any> {
  const generation = object.metadata.generation as number;
  const desired = object.spec?.replicas ?? 1;
  if (ticks < 2) return { observedGeneration: generation - 1 };
  const podsReady = sim.kubelet?.ready(object.metadata.namespace) ?? true;
  const available = willBecomeAvailable(object, sim) && ticks >= sim.deploymentReadyAfter && podsReady ? desired : 0;
  return {
    observedGeneration: generation,
    replicas: desired,
    updatedReplicas: desired,
    readyReplicas: available,
    availableReplicas: available,
    ...(available < desired ? { unavailableReplicas: desired - available } : {}),
    conditions: [
      {
        type: 'Available',
        status: available >= desired ? 'True' : 'False',
        reason: available >= desired ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable',
      },
      { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated' },
    ],
  };
}

export function ingressStatus({ object, ticks }: Served, sim: SimulationOptions): Record<string, any> {
  if (ticks < sim.ingressAddressAfter) return { loadBalancer: {} };
  const { hostname, ip, port } = sim.ingressAddress(object.metadata.namespace, object.metadata.name);
  const address: Record<string, unknown> = hostname ? { hostname } : { ip };
  if (port) address.ports = [{ port, protocol: 'TCP' }];
  return { loadBalancer: { ingress: [address] } };
}

/** The pods a Deployment's ReplicaSet would have, in the state its image and age imply. */
export function podsOf(served: Served, sim: SimulationOptions): Array<Record<string, any>> {
  const { object, changedAt } = served;
  const template = object.spec?.template ?? {};
  const container = template.spec?.containers?.[0] ?? {};
  const image: string = container.image ?? '';
  const available = (deploymentStatus(served, sim).availableReplicas ?? 0) > 0;
  const hash = createHash('sha256').update(JSON.stringify(template)).digest('hex').slice(0, 10);
  const desired: number = object.spec?.replicas ?? 1;
  return Array.from({ length: desired }, (_, i) => {
    const name = `${object.metadata.name}-${hash}-${String.fromCharCode(97 + i)}fake`;
    let state: Record<string, unknown> = { waiting: { reason: 'ContainerCreating' } };
    let lastState: Record<string, unknown> = {};
    let phase = 'Pending';
    if (sim.badImage.test(image)) {
      const reason = served.ticks % 2 === 0 ? 'ImagePullBackOff' : 'ErrImagePull';
      state = { waiting: { reason, message: `Back-off pulling image "${image}"` } };
    } else if (sim.crashingImage.test(image)) {
      phase = 'Running';
      state = {
        waiting: {
          reason: 'CrashLoopBackOff',
          message: `back-off 40s restarting failed container=${container.name} pod=${name}`,
        },
      };
      lastState = { terminated: { exitCode: 1, reason: 'Error' } };
    } else if (available) {
      phase = 'Running';
      state = { running: { startedAt: changedAt.toISOString() } };
    }
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        namespace: object.metadata.namespace,
        labels: { ...(template.metadata?.labels ?? {}), 'pod-template-hash': hash },
        creationTimestamp: changedAt.toISOString(),
      },
      spec: { containers: [{ name: container.name, image }] },
      status: {
        phase,
        containerStatuses: [
          {
            name: container.name,
            image,
            imageID: '',
            ready: phase === 'Running' && available,
            restartCount: 0,
            state,
            lastState,
          },
        ],
      },
    };
  });
}
