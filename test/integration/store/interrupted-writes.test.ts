import type { Client } from '@libsql/client';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { aDeployment } from '../../../src/deployments/domain/deployment.fixtures';
import { openDatabase } from '../../../src/store/database';
import { SqliteDeploymentStore } from '../../../src/store/sqlite-deployment-store';
import { ProcessGroup, spawnNode, type ManagedProcess } from '../../support/processes';
import { sleep, waitFor, withTimeout } from '../../support/wait';
import { TestDatabase } from './store-harness';

const ROOT = join(__dirname, '../../..');
const DIST_STORE = join(ROOT, 'dist/src/store');
const WRITER = join(ROOT, 'test/fixtures/interrupted-store-writer.js');
const KILLS = 20;

function assertCompiledStoreIsFresh(): void {
  for (const name of ['database', 'migrations', 'sqlite-deployment-store', 'statements', 'rows']) {
    const js = join(DIST_STORE, `${name}.js`);
    const ts = join(ROOT, 'src/store', `${name}.ts`);
    if (!existsSync(js) || statSync(js).mtimeMs < statSync(ts).mtimeMs) {
      throw new Error(`${js} is missing or older than ${ts}: run npm run build first`);
    }
  }
}

/** The last write the writer announced before it died: `write <id> <version it produces>`. */
function lastAnnouncedWrite(writer: ManagedProcess): { id: string; version: number } {
  const writes = [...writer.output().matchAll(/^write (\S+) (\d+)$/gm)];
  const last = writes[writes.length - 1];
  if (!last) throw new Error(`the writer announced no write:\n${writer.output()}`);
  return { id: last[1], version: Number(last[2]) };
}

/**
 * Everything a reader relies on: the file passes SQLite's own check, every deployment's doc
 * parses and agrees with its columns, holds exactly the steps of its version and has exactly
 * the events written with it, no event lacks its deployment, and no app has two in flight.
 */
async function expectWholeDatabase(client: Client): Promise<void> {
  expect((await client.execute('PRAGMA integrity_check')).rows[0].integrity_check).toBe('ok');
  const rows = (await client.execute('SELECT id, app, finished_at, version, doc FROM deployments')).rows;
  const events = new Map(
    (
      await client.execute('SELECT deployment_id, count(*) AS n FROM deployment_events GROUP BY deployment_id')
    ).rows.map((r) => [String(r.deployment_id), Number(r.n)]),
  );
  for (const row of rows) {
    const doc = JSON.parse(String(row.doc));
    const version = Number(row.version);
    expect({
      id: doc.id,
      version: doc.version,
      finishedAt: doc.finishedAt ?? null,
      steps: doc.steps.length,
      events: events.get(String(row.id)),
    }).toEqual({ id: row.id, version, finishedAt: row.finished_at, steps: version - 1, events: 1 + 2 * (version - 1) });
  }
  const orphans = await client.execute(
    'SELECT count(*) AS n FROM deployment_events WHERE deployment_id NOT IN (SELECT id FROM deployments)',
  );
  expect(orphans.rows[0].n).toBe(0);
  const inFlight = await client.execute(
    'SELECT app, count(*) AS n FROM deployments WHERE finished_at IS NULL GROUP BY app HAVING n > 1',
  );
  expect(inFlight.rows).toEqual([]);
}

describe('SqliteDeploymentStore: writes cut by SIGKILL at many moments', () => {
  const procs = new ProcessGroup();
  let db: TestDatabase;

  beforeAll(() => assertCompiledStoreIsFresh());
  beforeEach(async () => {
    db = await TestDatabase.create();
  });
  afterEach(async () => {
    await procs.stopAll({ signal: 'SIGKILL' });
    await db.remove();
  });

  it('leaves a readable database after every kill, each write there whole or not at all', async () => {
    const lastWrite = { whole: 0, absent: 0 };
    let interrupted = 0;
    for (let kill = 0; kill < KILLS; kill++) {
      const writer = procs.add(spawnNode(WRITER, { args: [db.path, DIST_STORE, `app-${kill}`] }));
      await waitFor(() => writer.hasExited() || /^write /m.test(writer.output()), {
        timeoutMs: 20_000,
        what: 'the writer to start writing',
      });
      // 0 to 190 ms into a loop of multi-page writes, a different moment each time.
      await sleep((kill * 67) % 191);
      expect(writer.hasExited() ? writer.output() : 'still writing').toBe('still writing');
      expect(await withTimeout(writer.stop({ signal: 'SIGKILL' }), 5_000, 'the writer to die')).toEqual({
        code: null,
        signal: 'SIGKILL',
      });
      interrupted++;

      // Opening runs SQLite's recovery of whatever the kill left in the WAL.
      const client = await openDatabase(db.path);
      try {
        await expectWholeDatabase(client);
        const cut = lastAnnouncedWrite(writer);
        const stored = await client.execute({ sql: 'SELECT version FROM deployments WHERE id = ?', args: [cut.id] });
        const version = stored.rows[0] ? Number(stored.rows[0].version) : 0;
        // The write the kill may have cut is there in full, or the record is as it was before it.
        expect([cut.version - 1, cut.version]).toContain(version);
        if (version === cut.version) lastWrite.whole++;
        else lastWrite.absent++;
      } finally {
        client.close();
      }
    }

    const { client, store } = await db.openStore();
    await expectWholeDatabase(client);
    // And it still takes writes.
    await store.insert(aDeployment({ id: 'after-the-crashes', app: 'fresh' }), [{ type: 'created', data: {} }]);
    expect(await new SqliteDeploymentStore(client).get('after-the-crashes')).toMatchObject({ version: 1 });
    const rows = (await client.execute('SELECT count(*) AS n FROM deployments')).rows[0].n;

    expect(interrupted).toBe(KILLS);
    process.stdout.write(
      `[integration] interrupted writes: ${interrupted}, database readable after all ${interrupted} ` +
        `(the last announced write found whole ${lastWrite.whole} times, absent whole ${lastWrite.absent} times; ` +
        `${rows} deployments on file)\n`,
    );
  }, 180_000);
});
