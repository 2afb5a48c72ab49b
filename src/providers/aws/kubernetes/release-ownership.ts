import type { ReleaseTarget } from '../../ports';
import { releaseLabels } from './release-manifests';

interface Labelled {
  metadata?: { labels?: Record<string, string> };
}

/**
 * Why an object found under a release's name is not that release's (someone else made the
 * namespace, or it belongs to another app), or undefined. cutover never applies over or deletes
 * what it cannot prove it made: namespaces are cluster-wide, and a name clash must not cost
 * another team its workload.
 */
export function describeOwnershipProblem(object: Labelled, target: ReleaseTarget): string | undefined {
  const labels = object.metadata?.labels ?? {};
  const missing = Object.entries(releaseLabels(target))
    .filter(([key, value]) => labels[key] !== value)
    .map(([key, value]) => `${key}=${value}`);
  if (missing.length === 0) return undefined;
  return `it lacks the label${missing.length > 1 ? 's' : ''} ${missing.join(', ')}, so cutover did not make it for release ${target.release} of ${target.app}`;
}

/** A namespace being deleted: nothing new can be created in it until it is gone. */
export function isTerminating(object: { metadata?: { deletionTimestamp?: unknown }; status?: { phase?: string } }) {
  return object.status?.phase === 'Terminating' || object.metadata?.deletionTimestamp !== undefined;
}
