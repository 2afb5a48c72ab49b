import type { Client } from '@libsql/client';
import { join } from 'node:path';
import { at } from '../../../src/deployments/domain/deployment.fixtures';
import { openDatabase } from '../../../src/store/database';
import { SqliteDeploymentStore } from '../../../src/store/sqlite-deployment-store';
import { makeTempDir, type TempDir } from '../../support/temp-dir';

/** A real SQLite file in a fresh temp dir, with as many clients on it as a case needs. */
export class TestDatabase {
  private readonly clients: Client[] = [];
  private constructor(
    readonly dir: TempDir,
    readonly path: string,
  ) {}

  static async create(): Promise<TestDatabase> {
    const dir = await makeTempDir('cutover-store-');
    return new TestDatabase(dir, join(dir.path, 'state', 'cutover.db'));
  }

  /** A store on its own client, as a second controller process would have. */
  async openStore(now?: () => Date): Promise<{ client: Client; store: SqliteDeploymentStore }> {
    const client = await openDatabase(this.path);
    this.clients.push(client);
    return { client, store: new SqliteDeploymentStore(client, now) };
  }

  async remove(): Promise<void> {
    for (const client of this.clients) client.close();
    await this.dir.remove();
  }
}

/** A clock that moves one second per call, so every write gets a distinct, ordered time. */
export function tickingClock(): () => Date {
  let seconds = 0;
  return () => new Date(at(seconds++));
}
