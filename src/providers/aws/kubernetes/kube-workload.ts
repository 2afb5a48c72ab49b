import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import type { INamespace } from 'kubernetes-models/v1/Namespace';
import type { IPod } from 'kubernetes-models/v1/Pod';
import type { ReleaseTarget, StepResult, WorkloadPort, WorkloadResult } from '../../ports';
import { done, failed, progressing } from '../step-results';
import { describeRollout } from './deployment-rollout';
import { ingressEndpoint } from './ingress-endpoint';
import type { KubeClient } from './kube-client';
import { KubeConflictError, KubeForbiddenError, KubeInvalidError, KubeNotFoundError } from './kube-errors';
import { kubePaths } from './kube-paths';
import { findPodProblems, isRolloutDoomed, summarizePodProblems } from './pod-problems';
import { describeReleaseInputProblem, describeReleaseTargetProblem, type ReleasePodSettings } from './release-inputs';
import { releaseSelector, renderReleaseManifests, type ReleaseManifests } from './release-manifests';
import { describeOwnershipProblem, isTerminating } from './release-ownership';
import { workloadFailed, workloadProgressing } from './workload-results';

export interface KubeWorkloadOptions {
  kube: KubeClient;
  /** Per app: replicas, the model path inside the image, resources. */
  apps: Record<string, ReleasePodSettings>;
  /** How long to wait before looking again, by situation (seconds). */
  retryAfterSeconds?: Partial<typeof DEFAULT_RETRY_SECONDS>;
  /** An image still failing to pull this long after its pod was created fails the release. Default 300 s. */
  imagePullGraceSeconds?: number;
  now?: () => Date;
}

/** Fargate pods take about a minute to start; an ALB two or three to provision; a namespace with an ALB as long to go. */
const DEFAULT_RETRY_SECONDS = { namespaceTerminating: 10, rollout: 10, loadBalancer: 15, deleting: 10 };

/**
 * The aws workload: a release is a namespace `<app>-<release>` holding a Deployment, a
 * ClusterIP Service and an ALB Ingress, server-side applied on every call (applying what is
 * already there changes nothing, bumps no generation, and puts back anything edited by hand),
 * then judged from what the API server answers: running when every replica is available and
 * the ALB has a DNS name. Retire deletes the namespace; the ALB controller's finalizer keeps it
 * Terminating until the load balancer is gone, so "404" means everything is gone.
 */
export class KubeWorkload implements WorkloadPort {
  private readonly retry: typeof DEFAULT_RETRY_SECONDS;

  constructor(private readonly options: KubeWorkloadOptions) {
    this.retry = { ...DEFAULT_RETRY_SECONDS, ...options.retryAfterSeconds };
  }

  async ensureRunning(target: ReleaseTarget): Promise<WorkloadResult> {
    const settings = this.options.apps[target.app];
    if (!settings) return workloadFailed(`app ${target.app} has no Kubernetes settings (replicas, model path)`);
    const problem = describeReleaseInputProblem(target, settings);
    if (problem) return workloadFailed(`cannot deploy release ${target.release} of ${target.app}: ${problem}`);
    const manifests = renderReleaseManifests(target, settings);

    const namespace = await this.options.kube.find<INamespace>(kubePaths.namespace(target.name));
    if (namespace) {
      const notOurs = describeOwnershipProblem(namespace, target);
      if (notOurs) return workloadFailed(`namespace ${target.name} exists but ${notOurs}; not touching it`);
      if (isTerminating(namespace)) {
        return workloadProgressing(
          `namespace ${target.name} is being deleted (an earlier retire); it is created again once it is gone`,
          this.retry.namespaceTerminating,
        );
      }
    }
    const applied = await this.applyAll(manifests);
    if ('refused' in applied) return applied.refused;
    return this.judge(target, applied.deployment, applied.ingress);
  }

  async findEndpoint(target: ReleaseTarget): Promise<string | undefined> {
    if (describeReleaseTargetProblem(target)) return undefined;
    const deployment = await this.options.kube.find<IDeployment>(kubePaths.deployment(target.name, target.app));
    if (!deployment || describeOwnershipProblem(deployment, target)) return undefined;
    // Another image under the same release id is not this release answering.
    if (deployment.spec?.template.spec?.containers[0]?.image !== target.artifact) return undefined;
    if (describeRollout(deployment).state !== 'complete') return undefined;
    const ingress = await this.options.kube.find<IIngress>(kubePaths.ingress(target.name, target.app));
    if (!ingress) return undefined;
    const address = ingressEndpoint(ingress);
    return 'endpoint' in address ? address.endpoint : undefined;
  }

  async retire(target: ReleaseTarget): Promise<StepResult> {
    const problem = describeReleaseTargetProblem(target);
    if (problem) return failed(`cannot retire release ${target.release} of ${target.app}: ${problem}`);
    const path = kubePaths.namespace(target.name);
    const namespace = await this.options.kube.find<INamespace>(path);
    if (!namespace) return done(`namespace ${target.name} is gone, with everything release ${target.release} ran`);
    const notOurs = describeOwnershipProblem(namespace, target);
    if (notOurs) return failed(`namespace ${target.name} exists but ${notOurs}; not deleting it`);
    const terminating = `namespace ${target.name} is terminating (pods, service and load balancer are being deleted)`;
    if (isTerminating(namespace)) return progressing(terminating, this.retry.deleting);
    try {
      // Foreground: the namespace object outlives its contents, so "gone" means all of it is gone.
      await this.options.kube.delete(path, { propagationPolicy: 'Foreground' });
    } catch (err) {
      if (err instanceof KubeNotFoundError) return done(`namespace ${target.name} is already gone`);
      // The API's answer to deleting a namespace that another delete already started.
      if (err instanceof KubeConflictError) return progressing(terminating, this.retry.deleting);
      throw err;
    }
    return progressing(`deleting namespace ${target.name} and everything in it`, this.retry.deleting);
  }

  /** Applies the objects in order (the namespace first, the ingress once its service exists). */
  private async applyAll(
    manifests: ReleaseManifests,
  ): Promise<{ deployment: IDeployment; ingress: IIngress } | { refused: WorkloadResult }> {
    const ns = manifests.namespace.metadata?.name ?? '';
    const name = manifests.deployment.metadata?.name ?? '';
    try {
      await this.options.kube.apply<INamespace>(kubePaths.namespace(ns), manifests.namespace);
      const deployment = await this.options.kube.apply<IDeployment>(
        kubePaths.deployment(ns, name),
        manifests.deployment,
      );
      await this.options.kube.apply(kubePaths.service(ns, name), manifests.service);
      const ingress = await this.options.kube.apply<IIngress>(kubePaths.ingress(ns, name), manifests.ingress);
      return { deployment, ingress };
    } catch (err) {
      if (err instanceof KubeInvalidError) {
        return { refused: workloadFailed(`the Kubernetes API refused ${err.request}: ${err.apiMessage}`) };
      }
      // A retire started between our look at the namespace and the apply.
      if (err instanceof KubeForbiddenError && /being terminated/.test(err.apiMessage)) {
        return {
          refused: workloadProgressing(
            `namespace ${ns} is being deleted; it is created again once it is gone`,
            this.retry.namespaceTerminating,
          ),
        };
      }
      throw err;
    }
  }

  /** Running, still converging (and why), or doomed, from the applied objects and their pods. */
  private async judge(target: ReleaseTarget, deployment: IDeployment, ingress: IIngress): Promise<WorkloadResult> {
    const rollout = describeRollout(deployment);
    if (rollout.state === 'failed') return workloadFailed(rollout.message);
    if (rollout.state === 'progressing') {
      const selector = Object.entries(releaseSelector(target))
        .map(([k, v]) => `${k}=${v}`)
        .join(',');
      const pods = await this.options.kube.get<{ items?: IPod[] }>(kubePaths.pods(target.name), {
        labelSelector: selector,
      });
      const problems = findPodProblems(pods.items ?? []);
      if (problems.length === 0) return workloadProgressing(rollout.message, this.retry.rollout);
      const summary = summarizePodProblems(problems);
      const grace = this.options.imagePullGraceSeconds ?? 300;
      if (isRolloutDoomed(problems, this.now(), grace)) {
        return workloadFailed(`release ${target.release} of ${target.app} cannot start: ${summary}`);
      }
      return workloadProgressing(`${rollout.message}; ${summary}`, this.retry.rollout);
    }
    const address = ingressEndpoint(ingress);
    if ('problem' in address) return workloadFailed(address.problem);
    if ('waiting' in address) {
      return workloadProgressing(
        `${rollout.message}; ${address.waiting} (the AWS Load Balancer Controller is provisioning an ALB)`,
        this.retry.loadBalancer,
      );
    }
    return {
      status: 'done',
      message: `release ${target.release} of ${target.app} is running: ${rollout.message}, reachable at ${address.endpoint}`,
      endpoint: address.endpoint,
    };
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }
}
