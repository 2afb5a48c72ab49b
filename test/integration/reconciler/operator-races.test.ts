import { calculatePhase } from '../../../src/deployments/domain/phase';
import { Harness } from './harness';

/** v3 in its scale-down delay over v2, which replaced v1: a rollback that went too far would land on v1. */
async function v3FlippedOverV2(): Promise<{ h: Harness; id: string }> {
  const h = new Harness({ autoPromote: true, scaleDownDelaySeconds: 300 });
  await h.withActive('v1');
  await h.runToEnd((await h.deploy('v2')).deployment.id, { stepSeconds: 30 });
  const { deployment } = await h.deploy('v3');
  await h.runUntilPhase(deployment.id, 'ScalingDownBlue');
  return { h, id: deployment.id };
}

describe('a rollback that arrives while the deployment is already going back', () => {
  it('after an abort of a flipped deployment, answers with it: one flip back to v2, no rollback to v1', async () => {
    const { h, id } = await v3FlippedOverV2();
    await h.service.abort(id, 'bob');
    const { deployment, created } = await h.service.rollback('housing', undefined, 'carol');
    expect([deployment.id, created, deployment.outcome?.phase]).toEqual([id, false, 'Aborted']);

    const done = await h.runToEnd(id);
    expect(calculatePhase(done)).toBe('Aborted');
    expect(await h.store.findInFlight('housing')).toBeUndefined();
    expect(h.world.origin?.release).toBe('v2');
    expect(h.world.calls.filter((c) => c.startsWith('routeTo'))).toEqual([
      'routeTo housing v2',
      'routeTo housing v3',
      'routeTo housing v2',
    ]);
    expect(await h.store.getAppState('housing')).toMatchObject({
      active: { release: 'v2' },
      previous: { release: 'v1' },
    });
  });

  it('a rollback retried after the first was recorded is the same rollback', async () => {
    const { h, id } = await v3FlippedOverV2();
    const first = await h.service.rollback('housing', undefined, 'carol');
    const retry = await h.service.rollback('housing', undefined, 'carol');
    expect([first.deployment.id, retry.deployment.id, retry.created]).toEqual([id, id, false]);
    expect(calculatePhase(await h.runToEnd(id))).toBe('RolledBack');
    expect(h.world.origin?.release).toBe('v2');
  });

  it('once that deployment has finished, a rollback goes back one more release, as asked', async () => {
    const { h, id } = await v3FlippedOverV2();
    await h.service.abort(id, 'bob');
    await h.runToEnd(id);
    const { deployment, created } = await h.service.rollback('housing', undefined, 'carol');
    expect([deployment.kind, deployment.release, created]).toEqual(['rollback', 'v1', true]);
  });
});

describe('an abort that lands while the promote step runs', () => {
  it('keeps users on blue: the edge is never flipped to a green about to be torn down', async () => {
    const h = new Harness({ autoPromote: true });
    await h.withActive('v1');
    const { deployment } = await h.deploy('v2');
    await h.runUntilPhase(deployment.id, 'Promoting');
    // The step has begun (it looks green up first); the operator's abort commits right then.
    const findEndpoint = h.world.workload.findEndpoint;
    h.world.workload.findEndpoint = async (target) => {
      if (target.name === 'housing-v2') await h.service.abort(deployment.id, 'bob');
      return findEndpoint(target);
    };
    await h.reconciler.tick(deployment.id);
    h.world.workload.findEndpoint = findEndpoint;

    const done = await h.runToEnd(deployment.id);
    expect(calculatePhase(done)).toBe('Aborted');
    expect(h.world.calls.filter((c) => c.startsWith('routeTo'))).toEqual(['routeTo housing v1']);
    expect(h.world.origin?.release).toBe('v1');
    expect(done.steps.find((s) => s.step === 'promote')).toMatchObject({ status: 'failed' });
    expect(await h.store.getAppState('housing')).toMatchObject({ active: { release: 'v1' } });
  });
});
