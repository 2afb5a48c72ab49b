import { LibsqlBatchError, LibsqlError, type Client } from '@libsql/client';
import type { Deployment } from '../deployments/domain/deployment';
import { ConcurrentUpdate, DeploymentInFlight, DeploymentNotFound } from '../deployments/domain/errors';
import { decodeCursor, encodeCursor } from './cursor';
import type { AppState, DeploymentEvent, DeploymentStore, NewEvent, Page, ReleaseRecord } from './deployment-store';
import { appStateFromRow, deploymentFromRow, eventFromRow, releaseFromRow } from './rows';
import {
  compareAndSwapAppState,
  compareAndSwapDeployment,
  DEPLOYMENT_COLUMNS,
  insertDeployment,
  insertEvent,
  insertReleaseIfNew,
  selectRelease,
} from './statements';

const MAX_PAGE = 100;
const DEFAULT_EVENTS_PAGE = 500;
const MAX_EVENTS_PAGE = 1000;
// The in-flight row can finish between our failed insert and the read that names it; retry
// a few times rather than report a conflict with nothing.
const INSERT_ATTEMPTS = 3;

/**
 * DeploymentStore on SQLite. Every write is a single `batch(..., 'write')`: the client runs a
 * batch synchronously from BEGIN IMMEDIATE to COMMIT, so a crash leaves it all or nothing, and
 * no other operation of this process can interleave while the write lock is held (an
 * interactive transaction would hold it across awaits and stall every other writer).
 */
export class SqliteDeploymentStore implements DeploymentStore {
  constructor(
    private readonly client: Client,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async insert(deployment: Deployment, events: NewEvent[] = []): Promise<Deployment> {
    const stored: Deployment = { ...deployment, version: 1 };
    const at = this.now().toISOString();
    for (let attempt = 1; ; attempt++) {
      try {
        await this.client.batch(
          [insertDeployment(stored), ...events.map((event) => insertEvent(stored.id, at, event, 'always'))],
          'write',
        );
        return stored;
      } catch (err) {
        const violated = violatedConstraint(err);
        if (violated === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
          throw new ConcurrentUpdate(`deployment ${stored.id} already exists`, { id: stored.id });
        }
        if (violated !== 'SQLITE_CONSTRAINT_UNIQUE') throw err;
        await this.throwInFlight(stored.app);
        if (attempt >= INSERT_ATTEMPTS) {
          throw new ConcurrentUpdate(`app ${stored.app} kept gaining and losing an in-flight deployment`, {
            app: stored.app,
          });
        }
      }
    }
  }

  async get(id: string): Promise<Deployment | undefined> {
    const rs = await this.client.execute({
      sql: `SELECT ${DEPLOYMENT_COLUMNS} FROM deployments WHERE id = ?`,
      args: [id],
    });
    return rs.rows[0] && deploymentFromRow(rs.rows[0]);
  }

  async findInFlight(app: string): Promise<Deployment | undefined> {
    const rs = await this.client.execute({
      sql: `SELECT ${DEPLOYMENT_COLUMNS} FROM deployments WHERE app = ? AND finished_at IS NULL`,
      args: [app],
    });
    return rs.rows[0] && deploymentFromRow(rs.rows[0]);
  }

  async listInFlight(): Promise<Deployment[]> {
    const rs = await this.client.execute(
      `SELECT ${DEPLOYMENT_COLUMNS} FROM deployments WHERE finished_at IS NULL ORDER BY created_at, id`,
    );
    return rs.rows.map(deploymentFromRow);
  }

  async list(app: string, opts: { limit: number; cursor?: string }): Promise<Page<Deployment>> {
    const limit = clamp(opts.limit, 1, MAX_PAGE);
    const after = opts.cursor ? decodeCursor(opts.cursor) : undefined;
    // One row more than asked says whether there is a next page without a count query.
    const rs = await this.client.execute({
      sql: `SELECT ${DEPLOYMENT_COLUMNS} FROM deployments
            WHERE app = ? ${after ? 'AND (created_at < ? OR (created_at = ? AND id < ?))' : ''}
            ORDER BY created_at DESC, id DESC LIMIT ?`,
      args: after ? [app, after.createdAt, after.createdAt, after.id, limit + 1] : [app, limit + 1],
    });
    const items = rs.rows.slice(0, limit).map(deploymentFromRow);
    const last = items[items.length - 1];
    return rs.rows.length > limit && last ? { items, nextCursor: encodeCursor(last) } : { items };
  }

  async save(deployment: Deployment, events: NewEvent[] = []): Promise<Deployment> {
    const next: Deployment = { ...deployment, version: deployment.version + 1 };
    const at = this.now().toISOString();
    let results;
    try {
      results = await this.client.batch(
        [
          compareAndSwapDeployment(next, deployment.version),
          ...events.map((event) => insertEvent(next.id, at, event, 'if-previous-changed')),
        ],
        'write',
      );
    } catch (err) {
      // Only clearing finishedAt while another deployment of the app is in flight gets here.
      if (violatedConstraint(err) === 'SQLITE_CONSTRAINT_UNIQUE') await this.throwInFlight(next.app);
      throw err;
    }
    if (results[0]?.rowsAffected !== 1) await this.throwSaveConflict(deployment);
    return next;
  }

  async eventsAfter(deploymentId: string, afterId: number, limit = DEFAULT_EVENTS_PAGE): Promise<DeploymentEvent[]> {
    const rs = await this.client.execute({
      sql: `SELECT id, deployment_id, at, type, data FROM deployment_events
            WHERE deployment_id = ? AND id > ? ORDER BY id LIMIT ?`,
      args: [deploymentId, Math.trunc(afterId) || 0, clamp(limit, 1, MAX_EVENTS_PAGE)],
    });
    return rs.rows.map(eventFromRow);
  }

  async getAppState(app: string): Promise<AppState> {
    const rs = await this.client.execute({ sql: 'SELECT * FROM apps WHERE app = ?', args: [app] });
    return rs.rows[0] ? appStateFromRow(rs.rows[0]) : { app, active: null, previous: null, version: 0, updatedAt: '' };
  }

  async saveAppState(state: AppState): Promise<AppState> {
    const updatedAt = this.now().toISOString();
    const rs = await this.client.execute(compareAndSwapAppState(state, updatedAt));
    if (rs.rowsAffected !== 1) {
      throw new ConcurrentUpdate(`the state of app ${state.app} changed since version ${state.version}; re-read it`, {
        app: state.app,
        version: state.version,
      });
    }
    return { ...state, version: state.version + 1, updatedAt };
  }

  async recordRelease(record: ReleaseRecord): Promise<ReleaseRecord> {
    const [, stored] = await this.client.batch(
      [insertReleaseIfNew(record), selectRelease(record.app, record.release)],
      'write',
    );
    return releaseFromRow(stored.rows[0]);
  }

  async getRelease(app: string, release: string): Promise<ReleaseRecord | undefined> {
    const rs = await this.client.execute(selectRelease(app, release));
    return rs.rows[0] && releaseFromRow(rs.rows[0]);
  }

  async listReleases(app: string): Promise<ReleaseRecord[]> {
    const rs = await this.client.execute({
      sql: 'SELECT * FROM releases WHERE app = ? ORDER BY created_at DESC, release DESC',
      args: [app],
    });
    return rs.rows.map(releaseFromRow);
  }

  private async throwInFlight(app: string): Promise<void> {
    const inFlight = await this.findInFlight(app);
    if (inFlight) throw new DeploymentInFlight(app, { id: inFlight.id, release: inFlight.release });
  }

  private async throwSaveConflict(deployment: Deployment): Promise<never> {
    const rs = await this.client.execute({
      sql: 'SELECT version FROM deployments WHERE id = ?',
      args: [deployment.id],
    });
    if (!rs.rows[0]) throw new DeploymentNotFound(deployment.id);
    const stored = Number(rs.rows[0].version);
    throw new ConcurrentUpdate(
      `deployment ${deployment.id} is at version ${stored}, not ${deployment.version}; re-read it and retry`,
      { id: deployment.id, expectedVersion: deployment.version, storedVersion: stored },
    );
  }
}

/** The constraint the batch's first statement (the deployment row itself) violated, if any. */
function violatedConstraint(err: unknown): string | undefined {
  if (err instanceof LibsqlBatchError && err.statementIndex !== 0) return undefined;
  return err instanceof LibsqlError ? err.extendedCode : undefined;
}

function clamp(value: number, min: number, max: number): number {
  if (Number.isNaN(value)) return max;
  return Math.min(max, Math.max(min, Math.trunc(value)));
}
