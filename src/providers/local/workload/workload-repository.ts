import type { Client, Row } from '@libsql/client';

export type DesiredState = 'running' | 'retired';

/** One row of `local_workloads`: what the controller started, and what it wants of it. */
export interface WorkloadRecord {
  name: string;
  app: string;
  release: string;
  /** Real path of the model artifact the process serves. */
  artifact: string;
  port: number;
  pid: number | null;
  desired: DesiredState;
  restarts: number;
  startedAt: string | null;
  /** When `desired` became 'retired', this is when SIGTERM was sent. */
  updatedAt: string;
}

export interface StartedProcess {
  name: string;
  app: string;
  release: string;
  artifact: string;
  port: number;
  pid: number;
  restarts: number;
  at: string;
}

/** The local provider's processes, persisted so a restarted controller finds and re-adopts them. */
export class WorkloadRepository {
  constructor(private readonly db: Client) {}

  async get(name: string): Promise<WorkloadRecord | undefined> {
    const { rows } = await this.db.execute({ sql: 'SELECT * FROM local_workloads WHERE name = ?', args: [name] });
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  async list(): Promise<WorkloadRecord[]> {
    const { rows } = await this.db.execute('SELECT * FROM local_workloads ORDER BY name');
    return rows.map(toRecord);
  }

  async recordStart(p: StartedProcess): Promise<void> {
    await this.db.execute({
      sql: `INSERT INTO local_workloads (name, app, release, artifact, port, pid, desired, restarts, started_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, 'running', ?, ?, ?)
            ON CONFLICT(name) DO UPDATE SET app = excluded.app, release = excluded.release, artifact = excluded.artifact,
              port = excluded.port, pid = excluded.pid, desired = 'running', restarts = excluded.restarts,
              started_at = excluded.started_at, updated_at = excluded.updated_at`,
      args: [p.name, p.app, p.release, p.artifact, p.port, p.pid, p.restarts, p.at, p.at],
    });
  }

  async markRetired(name: string, at: string): Promise<void> {
    await this.db.execute({
      sql: "UPDATE local_workloads SET desired = 'retired', updated_at = ? WHERE name = ?",
      args: [at, name],
    });
  }

  async remove(name: string): Promise<void> {
    await this.db.execute({ sql: 'DELETE FROM local_workloads WHERE name = ?', args: [name] });
  }
}

function toRecord(row: Row): WorkloadRecord {
  const desired = String(row.desired);
  if (desired !== 'running' && desired !== 'retired') {
    throw new Error(`local_workloads row ${String(row.name)} has unknown desired state ${desired}`);
  }
  return {
    name: String(row.name),
    app: String(row.app),
    release: String(row.release),
    artifact: String(row.artifact),
    port: Number(row.port),
    pid: row.pid === null ? null : Number(row.pid),
    desired,
    restarts: Number(row.restarts),
    startedAt: row.started_at === null ? null : String(row.started_at),
    updatedAt: String(row.updated_at),
  };
}
