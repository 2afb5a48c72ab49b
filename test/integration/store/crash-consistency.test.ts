import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../../../src/store/database';
import { SqliteDeploymentStore } from '../../../src/store/sqlite-deployment-store';
import { aDeployment } from '../../../src/deployments/domain/deployment.fixtures';
import { ProcessGroup, spawnNode } from '../../support/processes';
import { waitFor, withTimeout } from '../../support/wait';
import { TestDatabase } from './store-harness';

const ROOT = join(__dirname, '../../..');
const DIST_STORE = join(ROOT, 'dist/src/store');
const COMPILED = ['database', 'migrations', 'sqlite-deployment-store', 'statements', 'rows', 'cursor'];

// Writes deployments (of apps app-<round>-0..2) through the compiled store as fast as it can: each is inserted, then
// saved five times (the last finishes it), every save with two events. Large docs make each
// write span several pages, so a kill is likely to land inside one.
const WRITER = `
const [dbPath, dist, round] = process.argv.slice(1);
const { openDatabase } = require(dist + '/database.js');
const { SqliteDeploymentStore } = require(dist + '/sqlite-deployment-store.js');
(async () => {
  const store = new SqliteDeploymentStore(await openDatabase(dbPath));
  const padding = 'x'.repeat(16000);
  let saves = 0;
  for (let i = 0; ; i++) {
    const now = () => new Date().toISOString();
    let d = await store.insert({
      id: process.pid + '-' + i, app: 'app-' + round + '-' + (i % 3), release: 'r' + i, artifact: 'a.json', kind: 'deploy',
      trigger: { source: 'ci' }, blue: null, autoPromote: true, allowedThrough: 'all', checkpoints: {},
      steps: [], progressAt: now(), createdAt: now(), updatedAt: now(), version: 1,
    }, [{ type: 'created', data: {} }]);
    for (let s = 0; s < 5; s++) {
      d = await store.save(
        { ...d, steps: [...d.steps, { step: 'provision', attempt: s, startedAt: now(), status: 'running', message: padding }],
          updatedAt: now(), finishedAt: s === 4 ? now() : undefined },
        [{ type: 'saved', data: { s } }, { type: 'saved-again', data: { s, padding } }],
      );
      saves++;
      if (saves % 10 === 0) process.stdout.write('saves ' + saves + '\\n');
    }
  }
})().catch((err) => { console.error(err); process.exit(1); });
`;

function assertCompiledStoreIsFresh(): void {
  for (const name of COMPILED) {
    const js = join(DIST_STORE, `${name}.js`);
    const ts = join(ROOT, 'src/store', `${name}.ts`);
    if (!existsSync(js)) throw new Error(`${js} is missing: run npx tsc -p tsconfig.build.json first`);
    if (statSync(js).mtimeMs < statSync(ts).mtimeMs) {
      throw new Error(`${js} is older than ${ts}: run npx tsc -p tsconfig.build.json first`);
    }
  }
}

const savesSoFar = (output: string): number => Math.max(0, ...[...output.matchAll(/saves (\d+)/g)].map((m) => +m[1]));

describe('SqliteDeploymentStore: a writer killed mid-write', () => {
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

  it('leaves a readable database where every doc parses and agrees with its columns and events', async () => {
    // Several kills, each after a different amount of work, each on the file the last left.
    for (const [round, after] of [20, 50, 30].entries()) {
      const writer = procs.add(spawnNode('-e', { args: [WRITER, db.path, DIST_STORE, String(round)] }));
      await waitFor(() => writer.hasExited() || savesSoFar(writer.output()) >= after, {
        timeoutMs: 20_000,
        what: `the writer to make ${after} saves`,
      });
      expect(writer.hasExited() ? writer.output() : 'still writing').toBe('still writing');
      expect(await withTimeout(writer.stop({ signal: 'SIGKILL' }), 5_000, 'the writer to die')).toEqual({
        code: null,
        signal: 'SIGKILL',
      });
    }

    const client = await openDatabase(db.path);
    try {
      expect((await client.execute('PRAGMA integrity_check')).rows[0].integrity_check).toBe('ok');
      const rows = (await client.execute('SELECT id, app, finished_at, version, doc FROM deployments')).rows;
      expect(rows.length).toBeGreaterThanOrEqual(100 / 5);
      for (const row of rows) {
        const doc = JSON.parse(String(row.doc));
        expect({ id: doc.id, version: doc.version, finishedAt: doc.finishedAt ?? null }).toEqual({
          id: row.id,
          version: row.version,
          finishedAt: row.finished_at,
        });
        // Events went in with their writes: one at insert, two per save.
        const events = await client.execute({
          sql: 'SELECT count(*) AS n FROM deployment_events WHERE deployment_id = ?',
          args: [row.id],
        });
        expect(events.rows[0].n).toBe(1 + 2 * (Number(row.version) - 1));
      }

      const store = new SqliteDeploymentStore(client);
      const inFlight = await store.listInFlight();
      for (const app of new Set(rows.map((r) => String(r.app)))) {
        expect((await store.list(app, { limit: 100 })).items.length).toBeGreaterThan(0);
        expect(inFlight.filter((d) => d.app === app).length).toBeLessThanOrEqual(1);
      }
      // And it still takes writes.
      await store.insert(aDeployment({ id: 'after-the-crash', app: 'fresh' }));
      expect(await store.get('after-the-crash')).toMatchObject({ version: 1 });
    } finally {
      client.close();
    }
  }, 90_000);
});
