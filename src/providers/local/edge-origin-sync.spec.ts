import { FakeWorld } from '../../../test/fakes/fake-ports';
import { syncEdgeOrigin } from './edge-origin-sync';

const quiet = { warn: () => undefined };

describe('syncEdgeOrigin', () => {
  it('re-points the edge when its release now answers elsewhere, and only then', async () => {
    const world = new FakeWorld();
    world.running.set('housing-v1', 'http://127.0.0.1:9001');
    world.origin = { release: 'v1', endpoint: 'http://127.0.0.1:9000' };
    expect(await syncEdgeOrigin('housing', world.edge, world.workload, quiet)).toBe(true);
    expect(world.origin).toEqual({ release: 'v1', endpoint: 'http://127.0.0.1:9001' });
    expect(await syncEdgeOrigin('housing', world.edge, world.workload, quiet)).toBe(false);
    expect(world.calls).toEqual(['routeTo housing v1']);
  });

  it('leaves the edge alone when the release is not running (the supervisor is restarting it) or there is no origin', async () => {
    const world = new FakeWorld();
    world.origin = { release: 'v1', endpoint: 'http://127.0.0.1:9000' };
    expect(await syncEdgeOrigin('housing', world.edge, world.workload, quiet)).toBe(false);
    world.origin = null;
    expect(await syncEdgeOrigin('housing', world.edge, world.workload, quiet)).toBe(false);
    expect(world.calls).toEqual([]);
  });
});
