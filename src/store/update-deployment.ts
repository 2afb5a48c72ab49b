import type { Deployment } from '../deployments/domain/deployment';
import { ConcurrentUpdate, DeploymentNotFound } from '../deployments/domain/errors';
import type { DeploymentStore, NewEvent } from './deployment-store';

const MAX_ATTEMPTS = 8;

/**
 * The one read-modify-write path for a deployment: re-read, apply `mutate` to the fresh copy,
 * save with compare-and-swap, retry on a concurrent writer. `mutate` returns the events to
 * record with the change, or null to leave the record as it is.
 */
export async function updateDeployment(
  store: DeploymentStore,
  id: string,
  mutate: (fresh: Deployment) => NewEvent[] | null,
): Promise<Deployment> {
  for (let attempt = 1; ; attempt++) {
    const fresh = await store.get(id);
    if (!fresh) throw new DeploymentNotFound(id);
    const draft = structuredClone(fresh);
    const events = mutate(draft);
    if (events === null) return fresh;
    draft.updatedAt = new Date().toISOString();
    try {
      return await store.save(draft, events);
    } catch (err) {
      if (!(err instanceof ConcurrentUpdate) || attempt >= MAX_ATTEMPTS) throw err;
    }
  }
}
