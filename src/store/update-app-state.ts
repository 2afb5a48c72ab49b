import { ConcurrentUpdate } from '../deployments/domain/errors';
import type { AppState, DeploymentStore } from './deployment-store';

const MAX_ATTEMPTS = 5;

/** Read-modify-write of an app's state with compare-and-swap, retried on a concurrent writer. */
export async function updateAppState(
  store: DeploymentStore,
  app: string,
  mutate: (current: AppState) => Pick<AppState, 'active' | 'previous'>,
): Promise<AppState> {
  for (let attempt = 1; ; attempt++) {
    const current = await store.getAppState(app);
    const next = mutate(current);
    if (sameRef(next.active, current.active) && sameRef(next.previous, current.previous)) return current;
    try {
      return await store.saveAppState({ ...current, ...next, updatedAt: new Date().toISOString() });
    } catch (err) {
      if (!(err instanceof ConcurrentUpdate) || attempt >= MAX_ATTEMPTS) throw err;
    }
  }
}

function sameRef(
  a: { release: string; artifact: string } | null,
  b: { release: string; artifact: string } | null,
): boolean {
  return a === b || (a !== null && b !== null && a.release === b.release && a.artifact === b.artifact);
}
