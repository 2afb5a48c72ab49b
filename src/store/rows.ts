import type { Row, Value } from '@libsql/client';
import type { Deployment } from '../deployments/domain/deployment';
import type { AppState, DeploymentEvent, ReleaseRecord, ReleaseRecordRef } from './deployment-store';

/**
 * A stored row that cannot be what we wrote: the file was edited or damaged by hand. Names
 * the record so an operator can find it, instead of surfacing a bare SyntaxError.
 */
export class CorruptRecord extends Error {
  constructor(what: string, problem: string) {
    super(`corrupt ${what} in the state database: ${problem}`);
    this.name = 'CorruptRecord';
  }
}

export function deploymentFromRow(row: Row): Deployment {
  const id = text(row, 'id', 'deployment');
  const what = `deployment ${id}`;
  const doc = parseJson(row.doc, what);
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new CorruptRecord(what, 'doc is not a JSON object');
  }
  const deployment = doc as Deployment;
  // The columns drive CAS and the one-in-flight index, so a doc that disagrees with them
  // would make the store lie about what it protects.
  if (deployment.id !== id) throw new CorruptRecord(what, `doc has id ${JSON.stringify(deployment.id)}`);
  const version = integer(row, 'version', what);
  if (deployment.version !== version) {
    throw new CorruptRecord(what, `doc has version ${deployment.version}, the row has ${version}`);
  }
  return deployment;
}

export function eventFromRow(row: Row): DeploymentEvent {
  const id = integer(row, 'id', 'event');
  const deploymentId = text(row, 'deployment_id', `event ${id}`);
  const what = `event ${id} of deployment ${deploymentId}`;
  const data = parseJson(row.data, what);
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new CorruptRecord(what, 'data is not a JSON object');
  }
  return {
    id,
    deploymentId,
    at: text(row, 'at', what),
    type: text(row, 'type', what),
    data: data as Record<string, unknown>,
  };
}

export function appStateFromRow(row: Row): AppState {
  const app = text(row, 'app', 'app state');
  const what = `state of app ${app}`;
  return {
    app,
    active: releaseRef(row, 'active', what),
    previous: releaseRef(row, 'previous', what),
    version: integer(row, 'version', what),
    updatedAt: text(row, 'updated_at', what),
  };
}

export function releaseFromRow(row: Row): ReleaseRecord {
  const app = text(row, 'app', 'release');
  const release = text(row, 'release', `release of app ${app}`);
  const what = `release ${release} of app ${app}`;
  const record = parseJson(row.record, what);
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    throw new CorruptRecord(what, 'record is not a JSON object');
  }
  return {
    app,
    release,
    artifact: text(row, 'artifact', what),
    ...optional('artifactSha256', row.artifact_sha256),
    ...optional('modelVersion', row.model_version),
    ...optional('commit', row.commit_sha),
    firstDeploymentId: text(row, 'first_deployment_id', what),
    createdAt: text(row, 'created_at', what),
    record: record as Record<string, unknown>,
  };
}

function releaseRef(row: Row, prefix: 'active' | 'previous', what: string): ReleaseRecordRef | null {
  const release = row[`${prefix}_release`];
  if (release === null || release === undefined) return null;
  return { release: text(row, `${prefix}_release`, what), artifact: text(row, `${prefix}_artifact`, what) };
}

// Absent optional fields stay absent, so a record reads back deep-equal to what was written.
function optional<K extends string>(key: K, value: Value | undefined): Partial<Record<K, string>> {
  return typeof value === 'string' ? ({ [key]: value } as Record<K, string>) : {};
}

function parseJson(value: Value | undefined, what: string): unknown {
  if (typeof value !== 'string') throw new CorruptRecord(what, 'JSON column is not text');
  try {
    return JSON.parse(value);
  } catch (err) {
    throw new CorruptRecord(what, `JSON does not parse (${(err as Error).message})`);
  }
}

function text(row: Row, column: string, what: string): string {
  const value = row[column];
  if (typeof value !== 'string') throw new CorruptRecord(what, `${column} is not text`);
  return value;
}

function integer(row: Row, column: string, what: string): number {
  const value = row[column];
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new CorruptRecord(what, `${column} is not an integer`);
  }
  return value;
}
