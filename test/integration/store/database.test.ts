import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { aDeployment } from '../../../src/deployments/domain/deployment.fixtures';
import { openDatabase, StoreUnavailable } from '../../../src/store/database';
import { MIGRATIONS } from '../../../src/store/migrations';
import { TestDatabase } from './store-harness';

describe('openDatabase', () => {
  let db: TestDatabase;

  beforeEach(async () => {
    db = await TestDatabase.create();
  });
  afterEach(() => db.remove());

  it('keeps everything across a close and reopen, applying each migration once', async () => {
    const first = await db.openStore();
    const v1 = await first.store.insert(aDeployment(), [{ type: 'created', data: {} }]);
    const v2 = await first.store.save(v1, [{ type: 'saved', data: { n: 1 } }]);
    const state = await first.store.saveAppState({
      ...(await first.store.getAppState('housing')),
      active: { release: 'v2', artifact: 'a.json' },
    });
    await first.store.recordRelease({
      app: 'housing',
      release: 'v2',
      artifact: 'a.json',
      firstDeploymentId: v1.id,
      createdAt: v1.createdAt,
      record: {},
    });
    first.client.close();

    const { client, store } = await db.openStore();
    expect(await store.get(v1.id)).toEqual(v2);
    expect(await store.findInFlight('housing')).toEqual(v2);
    expect((await store.eventsAfter(v1.id, 0)).map((e) => e.type)).toEqual(['created', 'saved']);
    expect(await store.getAppState('housing')).toEqual(state);
    expect(await store.getRelease('housing', 'v2')).toMatchObject({ firstDeploymentId: v1.id });
    const applied = await client.execute('SELECT id FROM schema_migrations ORDER BY id');
    expect(applied.rows.map((r) => r.id)).toEqual(MIGRATIONS.map((m) => m.id));
    expect((await client.execute('PRAGMA journal_mode')).rows[0].journal_mode).toBe('wal');
  });

  it('lets two clients open a new file at the same time', async () => {
    const clients = await Promise.all([openDatabase(db.path), openDatabase(db.path), openDatabase(db.path)]);
    try {
      const applied = await clients[2].execute('SELECT id FROM schema_migrations ORDER BY id');
      expect(applied.rows.map((r) => r.id)).toEqual(MIGRATIONS.map((m) => m.id));
    } finally {
      for (const client of clients) client.close();
    }
  });

  it('rejects a file that is not a database with StoreUnavailable naming the file', async () => {
    const path = join(db.dir.path, 'not-a-db.sqlite');
    await writeFile(
      path,
      'this is not an SQLite database, just some text that is long enough to have a header\n'.repeat(20),
    );
    const opening = openDatabase(path);
    await expect(opening).rejects.toThrow(StoreUnavailable);
    await expect(opening).rejects.toThrow(`cannot open the state database ${path}`);
  });
});
