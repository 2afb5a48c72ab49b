import fc from 'fast-check';
import { aDeployment, at } from '../../../src/deployments/domain/deployment.fixtures';
import { ConcurrentUpdate } from '../../../src/deployments/domain/errors';
import type { SqliteDeploymentStore } from '../../../src/store/sqlite-deployment-store';
import { TestDatabase } from './store-harness';

/** A save attempt relative to the stored version: 0 is fresh, negative stale, positive from the future. */
const attempt = fc.oneof(fc.constant(0), fc.integer({ min: -3, max: -1 }), fc.integer({ min: 1, max: 2 }));

describe('SqliteDeploymentStore: save versions (property)', () => {
  let db: TestDatabase;
  let store: SqliteDeploymentStore;

  beforeEach(async () => {
    db = await TestDatabase.create();
    ({ store } = await db.openStore());
  });
  afterEach(() => db.remove());

  it('keeps version equal to successful saves + 1, whatever mix of fresh and stale saves is tried', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(attempt, { maxLength: 20 }), async (offsets) => {
        run++;
        const inserted = await store.insert(aDeployment({ id: `d-${run}`, app: `app-${run}` }));
        let successes = 0;
        for (const [i, offset] of offsets.entries()) {
          const attemptAt = { ...inserted, version: successes + 1 + offset, updatedAt: at(i + 1) };
          try {
            await store.save(attemptAt, [{ type: 'save', data: { i } }]);
            expect(offset).toBe(0);
            successes++;
          } catch (err) {
            expect(err).toBeInstanceOf(ConcurrentUpdate);
            expect(offset).not.toBe(0);
          }
        }
        const stored = await store.get(inserted.id);
        expect(stored?.version).toBe(successes + 1);
        // Only the successful saves left events behind.
        expect(await store.eventsAfter(inserted.id, 0)).toHaveLength(successes);
      }),
      { numRuns: 50 },
    );
  }, 30_000);
});
