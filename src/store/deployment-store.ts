import type { Deployment } from '../deployments/domain/deployment';

export interface DeploymentEvent {
  /** Increases monotonically across all deployments; SSE clients resume from it. */
  id: number;
  deploymentId: string;
  at: string;
  type: string;
  data: Record<string, unknown>;
}

export type NewEvent = Pick<DeploymentEvent, 'type' | 'data'>;

/** Which release an app's edge serves, and the one before it (the rollback target). */
export interface AppState {
  app: string;
  active: ReleaseRecordRef | null;
  previous: ReleaseRecordRef | null;
  version: number;
  updatedAt: string;
}

export interface ReleaseRecordRef {
  release: string;
  artifact: string;
}

/** The immutable-once-written ledger entry of a release (extended by later issues). */
export interface ReleaseRecord {
  app: string;
  release: string;
  artifact: string;
  artifactSha256?: string;
  modelVersion?: string;
  commit?: string;
  firstDeploymentId: string;
  createdAt: string;
  record: Record<string, unknown>;
}

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/**
 * Persistence of deployments, their events, app state and the release ledger. Writes are
 * compare-and-swap on `version`: a stale writer gets ConcurrentUpdate and must re-read.
 */
export interface DeploymentStore {
  /** Inserts a new deployment (version 1). Throws DeploymentInFlight if the app already has an unfinished one. */
  insert(deployment: Deployment, events?: NewEvent[]): Promise<Deployment>;
  get(id: string): Promise<Deployment | undefined>;
  findInFlight(app: string): Promise<Deployment | undefined>;
  listInFlight(): Promise<Deployment[]>;
  /** Newest first. `cursor` is opaque, from a previous page. */
  list(app: string, opts: { limit: number; cursor?: string }): Promise<Page<Deployment>>;
  /**
   * Writes `deployment` if the stored version still equals `deployment.version`, as version+1,
   * together with its events, in one transaction. Throws ConcurrentUpdate otherwise.
   */
  save(deployment: Deployment, events?: NewEvent[]): Promise<Deployment>;
  eventsAfter(deploymentId: string, afterId: number, limit?: number): Promise<DeploymentEvent[]>;

  getAppState(app: string): Promise<AppState>;
  /** Compare-and-swap on `state.version` (0 for an app never written). Throws ConcurrentUpdate. */
  saveAppState(state: AppState): Promise<AppState>;

  /** Inserts the release if it is new; an existing record is returned unchanged. */
  recordRelease(record: ReleaseRecord): Promise<ReleaseRecord>;
  getRelease(app: string, release: string): Promise<ReleaseRecord | undefined>;
  listReleases(app: string): Promise<ReleaseRecord[]>;
}

export const DEPLOYMENT_STORE = Symbol('DeploymentStore');
