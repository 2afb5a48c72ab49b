import { createClient, LibsqlError, type Client } from '@libsql/client';
import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MIGRATIONS, type Migration } from './migrations';

export class StoreUnavailable extends Error {}

const BUSY_TIMEOUT_MS = 5000;

/**
 * Opens (creating if needed) the SQLite file and brings its schema up to date. Any failure is
 * a StoreUnavailable naming the file, so the controller stops at boot with a clear message.
 */
export async function openDatabase(path: string, migrations: readonly Migration[] = MIGRATIONS): Promise<Client> {
  const file = resolve(path);
  let client: Client | undefined;
  try {
    mkdirSync(dirname(file), { recursive: true });
    // The client pools connections and a PRAGMA reaches only the one that runs it, so the busy
    // timeout (riding out another process's brief write lock instead of failing) goes in the
    // config, which applies it to every connection.
    client = createClient({ url: pathToFileURL(file).href, timeout: BUSY_TIMEOUT_MS });
    // WAL lets readers (SSE, status) proceed while the reconciler writes.
    await client.execute('PRAGMA journal_mode = WAL');
    // Per connection like busy_timeout; libsql opens every connection with it on already, and
    // this keeps the intent visible.
    await client.execute('PRAGMA foreign_keys = ON');
    await migrate(client, migrations);
    return client;
  } catch (err) {
    client?.close();
    throw new StoreUnavailable(
      `cannot open the state database ${file}: ${describeOpenFailure(file, err)}. ` +
        'The controller will not start without it, so that it never loses track of a deployment. ' +
        'Restore the file from a backup, or move it aside to start with an empty history ' +
        '(releases still running must then be stopped by hand), or set CUTOVER_STATE_DIR to another directory.',
    );
  }
}

/** The cause in the operator's words where SQLite's are cryptic. */
function describeOpenFailure(file: string, err: unknown): string {
  const message = (err as Error).message;
  if (statSync(file, { throwIfNoEntry: false })?.isDirectory()) return 'it is a directory, not a file';
  if (err instanceof LibsqlError && err.code === 'SQLITE_NOTADB') return `it is not an SQLite database (${message})`;
  return message;
}

async function migrate(client: Client, migrations: readonly Migration[]): Promise<void> {
  await client.execute(
    'CREATE TABLE IF NOT EXISTS schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
  );
  const applied = new Set((await client.execute('SELECT id FROM schema_migrations')).rows.map((r) => Number(r.id)));
  for (const migration of migrations) {
    if (applied.has(migration.id)) continue;
    try {
      await client.batch(
        [
          ...migration.statements,
          {
            sql: 'INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)',
            args: [migration.id, migration.name, new Date().toISOString()],
          },
        ],
        'write',
      );
    } catch (err) {
      // Another process opening the same file may have applied it between our read and our
      // write lock; then its statements fail here, and that is success.
      const now = await client.execute({ sql: 'SELECT 1 FROM schema_migrations WHERE id = ?', args: [migration.id] });
      if (now.rows.length === 0) throw err;
    }
  }
}
