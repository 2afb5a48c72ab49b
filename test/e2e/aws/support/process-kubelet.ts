/* eslint-disable @typescript-eslint/no-explicit-any -- a Deployment is whatever the client applied */
import type { Kubelet } from '../../../fakes/kube-api/simulated-status';
import { startPredictor, type PredictorProcess } from '../../../support/predictor-process';

/** A container image as this fake node sees it: which local file stands behind a path inside it. */
export type ImageFiles = Record<string, Record<string, string>>;

interface Pod {
  image: string;
  ready: boolean;
  stopping: boolean;
  predictor?: PredictorProcess;
  started: Promise<void>;
  failure?: string;
}

/**
 * A node that runs each namespace's Deployment as one real predictor process on loopback: the
 * container's env (RELEASE_ID, MODEL_PATH) is honoured, MODEL_PATH is looked up inside the
 * image's files, and deleting the namespace sends the process SIGTERM, as a kubelet would.
 */
export class ProcessKubelet implements Kubelet {
  private readonly pods = new Map<string, Pod>();
  private readonly retired: Promise<void>[] = [];

  constructor(private readonly images: ImageFiles) {}

  run(namespace: string, deployment: Record<string, any>): void {
    this.stop(namespace);
    const container = deployment.spec?.template?.spec?.containers?.[0] ?? {};
    const env = Object.fromEntries(
      ((container.env ?? []) as { name: string; value: string }[]).map((e) => [e.name, e.value]),
    );
    const image: string = container.image ?? '';
    const model = this.images[image]?.[env.MODEL_PATH];
    const pod: Pod = { image, ready: false, stopping: false, started: Promise.resolve() };
    this.pods.set(namespace, pod);
    if (!model) {
      pod.failure = `image ${image} has no file ${env.MODEL_PATH}`;
      return;
    }
    pod.started = startPredictor({ RELEASE_ID: env.RELEASE_ID ?? '', MODEL_PATH: model, LOG_LEVEL: 'warn' }).then(
      async (predictor) => {
        pod.predictor = predictor;
        if (pod.stopping) return predictor.stop();
        pod.ready = true;
      },
      (err: unknown) => {
        pod.failure = (err as Error).message;
      },
    );
  }

  ready(namespace: string): boolean {
    return this.pods.get(namespace)?.ready ?? false;
  }

  stop(namespace: string): void {
    const pod = this.pods.get(namespace);
    if (!pod) return;
    this.pods.delete(namespace);
    pod.stopping = true;
    pod.ready = false;
    this.retired.push(pod.started.then(() => pod.predictor?.stop()));
  }

  /** Where a namespace's pod listens, for the fake load balancer. */
  endpointOf(namespace: string): string | undefined {
    const pod = this.pods.get(namespace);
    return pod?.ready ? pod.predictor?.url : undefined;
  }

  /** Namespaces with a predictor process still running (stopped ones included until they exit). */
  running(): string[] {
    return [...this.pods.entries()].filter(([, p]) => p.predictor && !p.stopping).map(([ns]) => ns);
  }

  async stopAll(): Promise<void> {
    for (const namespace of [...this.pods.keys()]) this.stop(namespace);
    await Promise.allSettled(this.retired);
  }
}
