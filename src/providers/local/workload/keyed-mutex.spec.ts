import { KeyedMutex } from './keyed-mutex';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('KeyedMutex', () => {
  it('runs tasks for one key one after another, even when one fails', async () => {
    const mutex = new KeyedMutex();
    const events: string[] = [];
    let release!: () => void;
    const first = mutex.run('a', async () => {
      events.push('first start');
      await new Promise<void>((resolve) => (release = resolve));
      events.push('first end');
      throw new Error('boom');
    });
    const second = mutex.run('a', async () => {
      events.push('second');
      return 2;
    });
    await tick();
    expect(events).toEqual(['first start']);
    release();
    await expect(first).rejects.toThrow('boom');
    await expect(second).resolves.toBe(2);
    expect(events).toEqual(['first start', 'first end', 'second']);
  });

  it('lets different keys run side by side', async () => {
    const mutex = new KeyedMutex();
    let release!: () => void;
    const blocked = mutex.run('a', () => new Promise<void>((resolve) => (release = resolve)));
    await expect(mutex.run('b', async () => 'b')).resolves.toBe('b');
    release();
    await blocked;
  });
});
