import type { InStatement } from '@libsql/client';
import type { Deployment } from '../deployments/domain/deployment';
import type { AppState, NewEvent, ReleaseRecord } from './deployment-store';

/** The write statements of the SQLite store; the adapter decides how they are batched. */

export const DEPLOYMENT_COLUMNS = 'id, version, doc';

export function insertDeployment(deployment: Deployment): InStatement {
  return {
    sql: `INSERT INTO deployments (id, app, release, created_at, finished_at, version, doc)
          VALUES (?, ?, ?, ?, ?, ?, ?)`,
    args: [
      deployment.id,
      deployment.app,
      deployment.release,
      deployment.createdAt,
      deployment.finishedAt ?? null,
      deployment.version,
      JSON.stringify(deployment),
    ],
  };
}

/** Matches only while the row is still at `expectedVersion`; `next` carries the version after it. */
export function compareAndSwapDeployment(next: Deployment, expectedVersion: number): InStatement {
  return {
    sql: 'UPDATE deployments SET doc = ?, version = version + 1, finished_at = ? WHERE id = ? AND version = ?',
    args: [JSON.stringify(next), next.finishedAt ?? null, next.id, expectedVersion],
  };
}

/**
 * In a save's batch the events must be written only if the UPDATE before them matched.
 * changes() is the row count of the previous statement, so each event insert is conditional
 * on the one before it having inserted: a stale save writes none of them.
 */
export function insertEvent(
  deploymentId: string,
  at: string,
  event: NewEvent,
  when: 'always' | 'if-previous-changed',
): InStatement {
  return {
    sql: `INSERT INTO deployment_events (deployment_id, at, type, data) SELECT ?, ?, ?, ?
          ${when === 'always' ? '' : 'WHERE changes() = 1'}`,
    args: [deploymentId, at, event.type, JSON.stringify(event.data ?? {})],
  };
}

/** Version 0 means "never written": then the insert itself is the compare-and-swap. */
export function compareAndSwapAppState(state: AppState, updatedAt: string): InStatement {
  const refs = [
    state.active?.release ?? null,
    state.active?.artifact ?? null,
    state.previous?.release ?? null,
    state.previous?.artifact ?? null,
  ];
  return state.version === 0
    ? {
        sql: `INSERT INTO apps (app, active_release, active_artifact, previous_release, previous_artifact, version, updated_at)
              VALUES (?, ?, ?, ?, ?, 1, ?) ON CONFLICT (app) DO NOTHING`,
        args: [state.app, ...refs, updatedAt],
      }
    : {
        sql: `UPDATE apps SET active_release = ?, active_artifact = ?, previous_release = ?, previous_artifact = ?,
              version = version + 1, updated_at = ? WHERE app = ? AND version = ?`,
        args: [...refs, updatedAt, state.app, state.version],
      };
}

export function insertReleaseIfNew(record: ReleaseRecord): InStatement {
  return {
    sql: `INSERT INTO releases (app, release, artifact, artifact_sha256, model_version, commit_sha,
            first_deployment_id, created_at, record)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (app, release) DO NOTHING`,
    args: [
      record.app,
      record.release,
      record.artifact,
      record.artifactSha256 ?? null,
      record.modelVersion ?? null,
      record.commit ?? null,
      record.firstDeploymentId,
      record.createdAt,
      JSON.stringify(record.record),
    ],
  };
}

export function selectRelease(app: string, release: string): InStatement {
  return { sql: 'SELECT * FROM releases WHERE app = ? AND release = ?', args: [app, release] };
}
