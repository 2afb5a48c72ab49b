import { aDeployment, at } from '../../../src/deployments/domain/deployment.fixtures';
import { ConcurrentUpdate, DeploymentInFlight } from '../../../src/deployments/domain/errors';
import { updateDeployment } from '../../../src/store/update-deployment';
import { TestDatabase } from './store-harness';

const CLIENTS = 4;
const WRITERS_PER_CLIENT = 10;

describe('SqliteDeploymentStore: many writers on one file at once', () => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await TestDatabase.create();
  });
  afterEach(() => db.remove());

  it('updateDeployment from four connections loses no update and records each one with its event, once', async () => {
    const stores = await Promise.all(Array.from({ length: CLIENTS }, () => db.openStore()));
    const inserted = await stores[0].store.insert(aDeployment(), [{ type: 'created', data: {} }]);

    const writers = stores.flatMap(({ store }, c) =>
      Array.from({ length: WRITERS_PER_CLIENT }, (_, w) => {
        const marker = `c${c}-w${w}`;
        return updateDeployment(store, inserted.id, (d) => {
          d.steps.push({
            step: 'provision',
            attempt: d.steps.length + 1,
            startedAt: at(0),
            status: 'running',
            message: marker,
          });
          return [{ type: 'marked', data: { marker } }];
        }).then(
          () => ({ marker, ok: true }),
          (err: unknown) => {
            // Giving up after the retries is allowed; anything else is not.
            if (!(err instanceof ConcurrentUpdate)) throw err;
            return { marker, ok: false };
          },
        );
      }),
    );
    const results = await Promise.all(writers);

    const won = results.filter((r) => r.ok).map((r) => r.marker);
    const final = (await stores[0].store.get(inserted.id))!;
    expect(won.length).toBeGreaterThan(0);
    expect(final.version).toBe(1 + won.length);
    expect(final.steps.map((s) => s.message).sort()).toEqual([...won].sort());
    // Attempts were numbered from the record each winner read: no two saw the same one.
    expect(final.steps.map((s) => s.attempt)).toEqual(won.map((_, i) => i + 1));
    const events = await stores[1].store.eventsAfter(inserted.id, 0);
    expect(
      events
        .filter((e) => e.type === 'marked')
        .map((e) => e.data.marker)
        .sort(),
    ).toEqual([...won].sort());
    process.stdout.write(
      `[integration] ${results.length} concurrent read-modify-writes from ${CLIENTS} connections: ${won.length} applied, ` +
        `${results.length - won.length} gave up with ConcurrentUpdate, none lost\n`,
    );
  }, 60_000);

  it('inserts of different deployments of one app from four connections at once: exactly one in flight', async () => {
    const stores = await Promise.all(Array.from({ length: CLIENTS }, () => db.openStore()));
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) =>
        stores[i % CLIENTS].store.insert(aDeployment({ id: `d-${i}`, release: `r${i}` }), [
          { type: 'created', data: {} },
        ]),
      ),
    );
    const won = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.id] : []));
    expect(won).toHaveLength(1);
    for (const r of results.filter((r) => r.status === 'rejected')) {
      expect(r.reason).toBeInstanceOf(DeploymentInFlight);
      expect(r.reason.details.inFlight.id).toBe(won[0]);
    }
    expect((await stores[3].store.listInFlight()).map((d) => d.id)).toEqual(won);
  }, 60_000);
});
