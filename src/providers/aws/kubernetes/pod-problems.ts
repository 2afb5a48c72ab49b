import type { IPod } from 'kubernetes-models/v1/Pod';

/** Container waiting reasons that mean "this will not become ready by itself soon". */
const WATCHED_REASONS = new Set([
  'ImagePullBackOff',
  'ErrImagePull',
  'InvalidImageName',
  'CrashLoopBackOff',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
]);
const IMAGE_PULL_REASONS = new Set(['ImagePullBackOff', 'ErrImagePull']);

export interface PodProblem {
  pod: string;
  /** The container, or "(scheduling)" when the pod has no node. */
  container: string;
  reason: string;
  message: string;
  /** When the pod was created: how long a problem has lasted, at most. */
  since?: Date;
}

/** What is visibly wrong with a release's pods: waiting containers and unschedulable pods. */
export function findPodProblems(pods: readonly IPod[]): PodProblem[] {
  const problems: PodProblem[] = [];
  for (const pod of pods) {
    const name = pod.metadata?.name ?? '(unnamed)';
    const created = pod.metadata?.creationTimestamp;
    const since = created ? new Date(String(created)) : undefined;
    const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
    for (const status of statuses) {
      const waiting = status.state?.waiting;
      if (!waiting?.reason || !WATCHED_REASONS.has(waiting.reason)) continue;
      const exited = status.lastState?.terminated;
      const lastExit = exited ? ` (last exit ${exited.exitCode}${exited.reason ? ` ${exited.reason}` : ''})` : '';
      problems.push({
        pod: name,
        container: status.name,
        reason: waiting.reason,
        message: `${waiting.message ?? ''}${lastExit}`.trim(),
        since,
      });
    }
    const unscheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
    if (unscheduled?.reason === 'Unschedulable') {
      problems.push({
        pod: name,
        container: '(scheduling)',
        reason: 'Unschedulable',
        message: unscheduled.message ?? '',
        since,
      });
    }
  }
  return problems;
}

/**
 * One entry per container and reason, quoting the first pod's message and counting the others
 * (kubelet messages name their pod, so they never match exactly across replicas).
 */
export function summarizePodProblems(problems: readonly PodProblem[]): string {
  const groups = new Map<string, PodProblem[]>();
  for (const p of problems) {
    const key = `${p.container}\u0000${p.reason}`;
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  return [...groups.values()]
    .map((group) => {
      const [first] = group;
      const more = group.length > 1 ? ` and ${group.length - 1} more` : '';
      const where = first.container === '(scheduling)' ? '' : ` container ${first.container}`;
      return `pod ${first.pod}${more}${where}: ${first.reason}${first.message ? `: ${first.message}` : ''}`;
    })
    .join('; ');
}

/**
 * Whether the problems doom the rollout. Only image problems are judged here: a name the
 * runtime cannot parse never heals, and an image that still cannot be pulled `graceSeconds`
 * after its pod was created is taken as missing (releases name immutable tags or digests, so
 * waiting longer does not bring it; the grace covers Fargate's slow starts and a push that
 * lands just after the deploy call). Crash loops and config errors are reported in the
 * message and left to the deployment's deadline: a person may fix a Secret meanwhile.
 */
export function isRolloutDoomed(problems: readonly PodProblem[], now: Date, graceSeconds: number): boolean {
  return problems.some(
    (p) =>
      p.reason === 'InvalidImageName' ||
      (IMAGE_PULL_REASONS.has(p.reason) &&
        p.since !== undefined &&
        now.getTime() - p.since.getTime() > graceSeconds * 1000),
  );
}
