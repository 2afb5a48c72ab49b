import type { ReleaseTarget } from '../../ports';
import { LocalCompute } from './local-compute';

const target: ReleaseTarget = {
  app: 'housing',
  release: 'abc1234',
  artifact: '/models/v1.json',
  name: 'housing-abc1234',
};

describe('LocalCompute', () => {
  const compute = new LocalCompute();

  it('has no capacity to provision', async () => {
    await expect(compute.ensureCapacity(target)).resolves.toEqual({
      status: 'done',
      message: expect.stringContaining('no capacity to provision'),
    });
  });

  it('has no capacity to release, however often it is asked', async () => {
    const first = await compute.releaseCapacity(target);
    expect(first).toEqual({ status: 'done', message: expect.stringContaining('nothing to release') });
    await expect(compute.releaseCapacity(target)).resolves.toEqual(first);
  });
});
