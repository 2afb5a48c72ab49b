/**
 * Schema migrations, applied in order at boot inside one transaction each. Append only:
 * never edit a migration that has shipped; add a new one.
 */
export interface Migration {
  id: number;
  name: string;
  statements: string[];
}

export const MIGRATIONS: readonly Migration[] = [
  {
    id: 1,
    name: 'deployments, events, apps, releases, local workloads',
    statements: [
      `CREATE TABLE deployments (
        id TEXT PRIMARY KEY,
        app TEXT NOT NULL,
        release TEXT NOT NULL,
        created_at TEXT NOT NULL,
        finished_at TEXT,
        version INTEGER NOT NULL,
        doc TEXT NOT NULL
      )`,
      // One unfinished deployment per app, enforced by the database itself.
      `CREATE UNIQUE INDEX deployments_one_in_flight ON deployments(app) WHERE finished_at IS NULL`,
      `CREATE INDEX deployments_by_app ON deployments(app, created_at DESC, id DESC)`,
      `CREATE TABLE deployment_events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        deployment_id TEXT NOT NULL REFERENCES deployments(id),
        at TEXT NOT NULL,
        type TEXT NOT NULL,
        data TEXT NOT NULL
      )`,
      `CREATE INDEX deployment_events_by_deployment ON deployment_events(deployment_id, id)`,
      `CREATE TABLE apps (
        app TEXT PRIMARY KEY,
        active_release TEXT,
        active_artifact TEXT,
        previous_release TEXT,
        previous_artifact TEXT,
        version INTEGER NOT NULL,
        updated_at TEXT NOT NULL
      )`,
      `CREATE TABLE releases (
        app TEXT NOT NULL,
        release TEXT NOT NULL,
        artifact TEXT NOT NULL,
        artifact_sha256 TEXT,
        model_version TEXT,
        commit_sha TEXT,
        first_deployment_id TEXT NOT NULL,
        created_at TEXT NOT NULL,
        record TEXT NOT NULL,
        PRIMARY KEY (app, release)
      )`,
      // The local provider's processes, so a restarted controller re-adopts them.
      `CREATE TABLE local_workloads (
        name TEXT PRIMARY KEY,
        app TEXT NOT NULL,
        release TEXT NOT NULL,
        artifact TEXT NOT NULL,
        port INTEGER NOT NULL,
        pid INTEGER,
        desired TEXT NOT NULL,
        restarts INTEGER NOT NULL DEFAULT 0,
        started_at TEXT,
        updated_at TEXT NOT NULL
      )`,
    ],
  },
];
