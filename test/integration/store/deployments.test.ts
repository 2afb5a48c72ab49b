import { aDeployment, at } from '../../../src/deployments/domain/deployment.fixtures';
import {
  ConcurrentUpdate,
  DeploymentInFlight,
  DeploymentNotFound,
  ValidationFailed,
} from '../../../src/deployments/domain/errors';
import type { Deployment } from '../../../src/deployments/domain/deployment';
import type { SqliteDeploymentStore } from '../../../src/store/sqlite-deployment-store';
import type { Client } from '@libsql/client';
import { TestDatabase, tickingClock } from './store-harness';

describe('SqliteDeploymentStore: deployments and events', () => {
  let db: TestDatabase;
  let client: Client;
  let store: SqliteDeploymentStore;

  beforeEach(async () => {
    db = await TestDatabase.create();
    ({ client, store } = await db.openStore(tickingClock()));
  });
  afterEach(() => db.remove());

  const finished = (d: Deployment): Deployment => ({
    ...d,
    finishedAt: at(60),
    outcome: { phase: 'Aborted', reason: 'operator', at: at(60) },
  });

  it('reads back exactly what it inserted, at version 1', async () => {
    const deployment = aDeployment({
      version: 7,
      greenEndpoint: 'http://127.0.0.1:4001',
      checkpoints: { profileReady: at(1) },
      steps: [{ step: 'provision', attempt: 1, startedAt: at(0), endedAt: at(1), status: 'succeeded', message: 'ok' }],
    });
    const inserted = await store.insert(deployment);
    expect(inserted).toEqual({ ...deployment, version: 1 });
    expect(await store.get(deployment.id)).toStrictEqual(inserted);
    expect(await store.get('no-such-id')).toBeUndefined();
  });

  it('refuses a second in-flight deployment of an app, naming the first', async () => {
    await store.insert(aDeployment({ id: 'd-1', release: 'v2' }));
    const second = store.insert(aDeployment({ id: 'd-2', release: 'v3' }));
    await expect(second).rejects.toThrow(DeploymentInFlight);
    await expect(second).rejects.toMatchObject({
      code: 'DEPLOYMENT_IN_FLIGHT',
      details: { app: 'housing', inFlight: { id: 'd-1', release: 'v2' } },
      message: expect.stringContaining('d-1 (release v2)'),
    });
    expect(await store.get('d-2')).toBeUndefined();
  });

  it('allows a new deployment once the in-flight one has finished', async () => {
    const first = await store.insert(aDeployment({ id: 'd-1' }));
    await store.save(finished(first));
    expect(await store.findInFlight('housing')).toBeUndefined();
    await store.insert(aDeployment({ id: 'd-2', release: 'v3' }));
    expect(await store.findInFlight('housing')).toMatchObject({ id: 'd-2', release: 'v3' });
  });

  it('keeps apps independent', async () => {
    await store.insert(aDeployment({ id: 'd-1', app: 'housing' }));
    await store.insert(aDeployment({ id: 'd-2', app: 'iris' }));
    expect((await store.listInFlight()).map((d) => d.id)).toEqual(['d-1', 'd-2']);
  });

  it('rejects a second insert of the same id as a conflict', async () => {
    const first = await store.insert(aDeployment({ id: 'd-1' }));
    await store.save(finished(first));
    await expect(store.insert(aDeployment({ id: 'd-1' }))).rejects.toThrow(ConcurrentUpdate);
  });

  it('lists in-flight deployments across apps, oldest first, leaving finished ones out', async () => {
    const a = await store.insert(aDeployment({ id: 'a', app: 'app-a', createdAt: at(5) }));
    await store.insert(aDeployment({ id: 'b', app: 'app-b', createdAt: at(3) }));
    await store.insert(aDeployment({ id: 'c', app: 'app-c', createdAt: at(4) }));
    await store.save(finished(a));
    expect((await store.listInFlight()).map((d) => d.id)).toEqual(['b', 'c']);
  });

  describe('save', () => {
    it('writes the new doc as version+1 and keeps finished_at in step with it', async () => {
      const v1 = await store.insert(aDeployment());
      const v2 = await store.save({ ...v1, checkpoints: { profileReady: at(1) } });
      expect(v2.version).toBe(2);
      expect(await store.get(v1.id)).toEqual(v2);
      const v3 = await store.save(finished(v2));
      expect(v3.version).toBe(3);
      const row = (await client.execute('SELECT finished_at, version FROM deployments')).rows[0];
      expect({ ...row }).toEqual({ finished_at: at(60), version: 3 });
    });

    it('lets exactly one of two writers from the same version win', async () => {
      const other = (await db.openStore()).store;
      const v1 = await store.insert(aDeployment());
      const results = await Promise.allSettled([
        store.save({ ...v1, greenEndpoint: 'http://mine' }, [{ type: 'mine', data: {} }]),
        other.save({ ...v1, greenEndpoint: 'http://theirs' }, [{ type: 'theirs', data: {} }]),
      ]);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect(lost[0].reason).toBeInstanceOf(ConcurrentUpdate);
      expect(lost[0].reason.details).toEqual({ id: v1.id, expectedVersion: 1, storedVersion: 2 });
      const winner = (won[0] as PromiseFulfilledResult<Deployment>).value;
      expect(await store.get(v1.id)).toEqual(winner);
      // The loser's events went with its rejected write.
      const events = await store.eventsAfter(v1.id, 0);
      expect(events.map((e) => e.type)).toEqual([winner.greenEndpoint === 'http://mine' ? 'mine' : 'theirs']);
    });

    it('rejects a stale version without writing its events', async () => {
      const v1 = await store.insert(aDeployment());
      await store.save(v1);
      await expect(
        store.save(v1, [
          { type: 'stale', data: {} },
          { type: 'stale-2', data: {} },
        ]),
      ).rejects.toThrow(/deployment d-1 is at version 2, not 1/);
      expect(await store.eventsAfter(v1.id, 0)).toEqual([]);
    });

    it('says a deployment that does not exist is not found', async () => {
      await expect(store.save(aDeployment({ id: 'ghost' }))).rejects.toThrow(DeploymentNotFound);
    });

    it('refuses to clear finishedAt while another deployment of the app is in flight', async () => {
      const first = await store.insert(aDeployment({ id: 'd-1' }));
      const done = await store.save(finished(first));
      await store.insert(aDeployment({ id: 'd-2', release: 'v3' }));
      await expect(store.save({ ...done, finishedAt: undefined })).rejects.toMatchObject({
        details: { inFlight: { id: 'd-2', release: 'v3' } },
      });
    });
  });

  describe('events', () => {
    it('are written with their insert or save and read back in order', async () => {
      const v1 = await store.insert(aDeployment(), [{ type: 'created', data: { release: 'v2' } }]);
      const v2 = await store.save(v1, [
        { type: 'step-started', data: { step: 'provision' } },
        { type: 'step-succeeded', data: { step: 'provision', ms: 12 } },
      ]);
      await store.save(v2, [{ type: 'phase', data: { phase: 'Deploying' } }]);

      const all = await store.eventsAfter(v1.id, 0);
      expect(all.map((e) => [e.type, e.data])).toEqual([
        ['created', { release: 'v2' }],
        ['step-started', { step: 'provision' }],
        ['step-succeeded', { step: 'provision', ms: 12 }],
        ['phase', { phase: 'Deploying' }],
      ]);
      expect(all.every((e) => e.deploymentId === v1.id)).toBe(true);
      const ids = all.map((e) => e.id);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      expect(new Set(ids).size).toBe(4);
      // Both events of one save share its timestamp; later saves are later.
      expect(all[1].at).toBe(all[2].at);
      expect(all[3].at > all[2].at).toBe(true);

      expect((await store.eventsAfter(v1.id, ids[1])).map((e) => e.type)).toEqual(['step-succeeded', 'phase']);
      expect((await store.eventsAfter(v1.id, ids[0], 2)).map((e) => e.type)).toEqual([
        'step-started',
        'step-succeeded',
      ]);
      expect(await store.eventsAfter(v1.id, ids[3])).toEqual([]);
    });

    it('belong to their own deployment only', async () => {
      await store.insert(aDeployment({ id: 'a', app: 'app-a' }), [{ type: 'a', data: {} }]);
      await store.insert(aDeployment({ id: 'b', app: 'app-b' }), [{ type: 'b', data: {} }]);
      expect((await store.eventsAfter('b', 0)).map((e) => e.type)).toEqual(['b']);
    });
  });

  describe('list', () => {
    it('pages newest first with no duplicates or gaps', async () => {
      // Pairs share a createdAt, so the id tie-break matters.
      for (let i = 0; i < 25; i++) {
        const d = await store.insert(
          aDeployment({ id: `d-${String(i).padStart(2, '0')}`, createdAt: at(Math.floor(i / 2)) }),
        );
        await store.save(finished(d));
      }
      await store.insert(aDeployment({ id: 'other-app', app: 'iris', createdAt: at(100) }));

      const pages: string[][] = [];
      let cursor: string | undefined;
      do {
        const page = await store.list('housing', { limit: 10, cursor });
        pages.push(page.items.map((d) => d.id));
        cursor = page.nextCursor;
      } while (cursor && pages.length < 10);

      expect(pages.map((p) => p.length)).toEqual([10, 10, 5]);
      const ids = pages.flat();
      const expected = Array.from({ length: 25 }, (_, i) => `d-${String(24 - i).padStart(2, '0')}`);
      expect(ids).toEqual(expected);
    });

    it('has no next cursor when the page is exactly the rest', async () => {
      for (let i = 0; i < 3; i++) await store.save(finished(await store.insert(aDeployment({ id: `d-${i}` }))));
      expect((await store.list('housing', { limit: 3 })).nextCursor).toBeUndefined();
      expect(await store.list('nobody', { limit: 3 })).toEqual({ items: [] });
    });

    it('clamps the limit to 1..100', async () => {
      for (let i = 0; i < 102; i++) {
        await store.save(finished(await store.insert(aDeployment({ id: `d-${String(i).padStart(3, '0')}` }))));
      }
      expect((await store.list('housing', { limit: 0 })).items).toHaveLength(1);
      expect((await store.list('housing', { limit: -5 })).items).toHaveLength(1);
      expect((await store.list('housing', { limit: 1000 })).items).toHaveLength(100);
    });

    it('rejects a cursor it did not issue with ValidationFailed', async () => {
      await expect(store.list('housing', { limit: 10, cursor: 'not a cursor!' })).rejects.toThrow(ValidationFailed);
      await expect(
        store.list('housing', { limit: 10, cursor: Buffer.from('{"x":1}').toString('base64url') }),
      ).rejects.toThrow(/invalid cursor/);
    });
  });

  it('names the deployment whose stored doc is corrupt', async () => {
    await store.insert(aDeployment({ id: 'broken' }));
    await client.execute(`UPDATE deployments SET doc = '{"id":"broken",' WHERE id = 'broken'`);
    await expect(store.get('broken')).rejects.toThrow(/corrupt deployment broken .*JSON does not parse/);
    await expect(store.list('housing', { limit: 10 })).rejects.toThrow(/deployment broken/);
  });
});
