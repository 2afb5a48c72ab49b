import type { Deployment } from '../../src/deployments/domain/deployment';
import { ConcurrentUpdate, DeploymentInFlight } from '../../src/deployments/domain/errors';
import type {
  AppState,
  DeploymentEvent,
  DeploymentStore,
  NewEvent,
  Page,
  ReleaseRecord,
} from '../../src/store/deployment-store';

/** The DeploymentStore contract in memory, for tick-by-tick orchestration tests. */
export class InMemoryStore implements DeploymentStore {
  private readonly deployments = new Map<string, Deployment>();
  private readonly events: DeploymentEvent[] = [];
  private readonly apps = new Map<string, AppState>();
  private readonly releases = new Map<string, ReleaseRecord>();

  async insert(deployment: Deployment, events: NewEvent[] = []): Promise<Deployment> {
    const inFlight = await this.findInFlight(deployment.app);
    if (inFlight) throw new DeploymentInFlight(deployment.app, { id: inFlight.id, release: inFlight.release });
    const stored = { ...structuredClone(deployment), version: 1 };
    this.deployments.set(stored.id, stored);
    this.record(stored.id, events);
    return structuredClone(stored);
  }

  async get(id: string) {
    const d = this.deployments.get(id);
    return d && structuredClone(d);
  }

  async findInFlight(app: string) {
    return [...this.deployments.values()].find((d) => d.app === app && !d.finishedAt);
  }

  async listInFlight() {
    return [...this.deployments.values()].filter((d) => !d.finishedAt).map((d) => structuredClone(d));
  }

  async list(app: string, opts: { limit: number; cursor?: string }): Promise<Page<Deployment>> {
    const all = [...this.deployments.values()].filter((d) => d.app === app).reverse();
    const start = opts.cursor ? Number(opts.cursor) : 0;
    const items = all.slice(start, start + opts.limit);
    return { items, nextCursor: start + opts.limit < all.length ? String(start + opts.limit) : undefined };
  }

  async save(deployment: Deployment, events: NewEvent[] = []): Promise<Deployment> {
    const stored = this.deployments.get(deployment.id);
    if (!stored || stored.version !== deployment.version)
      throw new ConcurrentUpdate(`deployment ${deployment.id} changed`);
    const next = { ...structuredClone(deployment), version: deployment.version + 1 };
    this.deployments.set(next.id, next);
    this.record(next.id, events);
    return structuredClone(next);
  }

  async eventsAfter(deploymentId: string, afterId: number, limit = 500) {
    return this.events.filter((e) => e.deploymentId === deploymentId && e.id > afterId).slice(0, limit);
  }

  async getAppState(app: string): Promise<AppState> {
    return structuredClone(this.apps.get(app) ?? { app, active: null, previous: null, version: 0, updatedAt: '' });
  }

  async saveAppState(state: AppState): Promise<AppState> {
    const current = this.apps.get(state.app);
    if ((current?.version ?? 0) !== state.version) throw new ConcurrentUpdate(`app ${state.app} changed`);
    const next = { ...structuredClone(state), version: state.version + 1 };
    this.apps.set(state.app, next);
    return structuredClone(next);
  }

  async recordRelease(record: ReleaseRecord) {
    const key = `${record.app}/${record.release}`;
    if (!this.releases.has(key)) this.releases.set(key, structuredClone(record));
    return structuredClone(this.releases.get(key)!);
  }

  async getRelease(app: string, release: string) {
    return this.releases.get(`${app}/${release}`);
  }

  async listReleases(app: string) {
    return [...this.releases.values()].filter((r) => r.app === app).reverse();
  }

  allEvents(): DeploymentEvent[] {
    return [...this.events];
  }

  private record(deploymentId: string, events: NewEvent[]) {
    for (const e of events)
      this.events.push({ id: this.events.length + 1, deploymentId, at: new Date().toISOString(), ...e });
  }
}
