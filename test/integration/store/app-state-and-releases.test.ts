import { at } from '../../../src/deployments/domain/deployment.fixtures';
import { ConcurrentUpdate } from '../../../src/deployments/domain/errors';
import type { ReleaseRecord } from '../../../src/store/deployment-store';
import type { SqliteDeploymentStore } from '../../../src/store/sqlite-deployment-store';
import { TestDatabase, tickingClock } from './store-harness';

describe('SqliteDeploymentStore: app state and the release ledger', () => {
  let db: TestDatabase;
  let store: SqliteDeploymentStore;

  beforeEach(async () => {
    db = await TestDatabase.create();
    ({ store } = await db.openStore(tickingClock()));
  });
  afterEach(() => db.remove());

  const v1 = { release: 'v1', artifact: 'models/housing-v1.json' };
  const v2 = { release: 'v2', artifact: 'models/housing-v2.json' };

  describe('app state', () => {
    it('is empty at version 0 for an app never written', async () => {
      expect(await store.getAppState('housing')).toEqual({
        app: 'housing',
        active: null,
        previous: null,
        version: 0,
        updatedAt: '',
      });
    });

    it('is written with compare-and-swap on its version', async () => {
      const first = await store.saveAppState({ ...(await store.getAppState('housing')), active: v1 });
      expect(first).toEqual({ app: 'housing', active: v1, previous: null, version: 1, updatedAt: at(0) });
      expect(await store.getAppState('housing')).toEqual(first);

      const second = await store.saveAppState({ ...first, active: v2, previous: v1 });
      expect(second).toMatchObject({ active: v2, previous: v1, version: 2 });
      expect(await store.getAppState('housing')).toEqual(second);

      await expect(store.saveAppState({ ...first, active: null })).rejects.toThrow(ConcurrentUpdate);
      expect(await store.getAppState('housing')).toEqual(second);
      expect(await store.getAppState('iris')).toMatchObject({ version: 0 });
    });

    it('lets exactly one of two first writers win', async () => {
      const other = (await db.openStore()).store;
      const empty = await store.getAppState('housing');
      const results = await Promise.allSettled([
        store.saveAppState({ ...empty, active: v1 }),
        other.saveAppState({ ...empty, active: v2 }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
      const lost = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(lost?.reason).toBeInstanceOf(ConcurrentUpdate);
      expect((await store.getAppState('housing')).version).toBe(1);
    });

    it('treats writing version 0 over an existing state as a conflict', async () => {
      await store.saveAppState({ ...(await store.getAppState('housing')), active: v1 });
      await expect(
        store.saveAppState({ app: 'housing', active: v2, previous: null, version: 0, updatedAt: '' }),
      ).rejects.toThrow(/state of app housing changed since version 0/);
    });
  });

  describe('release ledger', () => {
    const record = (overrides: Partial<ReleaseRecord> = {}): ReleaseRecord => ({
      app: 'housing',
      release: 'v2',
      artifact: 'models/housing-v2.json',
      artifactSha256: 'a'.repeat(64),
      modelVersion: '2.0.0',
      commit: 'abc1234',
      firstDeploymentId: 'd-1',
      createdAt: at(0),
      record: { smoke: { passed: true }, metrics: { rmse: 3.1 } },
      ...overrides,
    });

    it('records a release once; a later record of it returns the first unchanged', async () => {
      const first = record();
      expect(await store.recordRelease(first)).toEqual(first);
      const again = await store.recordRelease(record({ artifact: 'other.json', firstDeploymentId: 'd-9', record: {} }));
      expect(again).toEqual(first);
      expect(await store.getRelease('housing', 'v2')).toEqual(first);
    });

    it('reads back a record without the optional fields exactly', async () => {
      const minimal: ReleaseRecord = {
        app: 'housing',
        release: 'v1',
        artifact: 'models/housing-v1.json',
        firstDeploymentId: 'd-0',
        createdAt: at(0),
        record: {},
      };
      await store.recordRelease(minimal);
      expect(await store.getRelease('housing', 'v1')).toStrictEqual(minimal);
      expect(await store.getRelease('housing', 'v9')).toBeUndefined();
    });

    it('lists an app’s releases newest first', async () => {
      await store.recordRelease(record({ release: 'v1', createdAt: at(1) }));
      await store.recordRelease(record({ release: 'v3', createdAt: at(3) }));
      await store.recordRelease(record({ release: 'v2', createdAt: at(2) }));
      await store.recordRelease(record({ app: 'iris', release: 'v9', createdAt: at(9) }));
      expect((await store.listReleases('housing')).map((r) => r.release)).toEqual(['v3', 'v2', 'v1']);
      expect(await store.listReleases('nobody')).toEqual([]);
    });
  });
});
