import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GenerationMismatchError, OriginStore, StateFileError } from './origin-store';

const A = { url: 'http://127.0.0.1:4001', release: 'blue' };
const B = { url: 'http://127.0.0.1:4002', release: 'green' };
const clock = () => new Date('2030-01-02T03:04:05.000Z');

describe('OriginStore', () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'edge-store-'));
    path = join(dir, 'nested', 'state.json');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('starts empty when nothing was persisted', async () => {
    const store = await OriginStore.open(path);
    expect(store.current()).toEqual({ origin: null, generation: 0, updatedAt: null });
  });

  it('persists a flip before serving it, and reloads it', async () => {
    const store = await OriginStore.open(path, clock);
    const change = await store.set(A);
    expect(change).toEqual({
      previous: { origin: null, generation: 0, updatedAt: null },
      state: { origin: A, generation: 1, updatedAt: '2030-01-02T03:04:05.000Z' },
      changed: true,
    });
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ version: 1, ...change.state });
    expect((await OriginStore.open(path)).current()).toEqual(change.state);
  });

  it('treats setting the current origin again as a no-op', async () => {
    const store = await OriginStore.open(path, clock);
    await store.set(A);
    const again = await store.set({ ...A });
    expect(again.changed).toBe(false);
    expect(again.state.generation).toBe(1);
  });

  it('applies ifGeneration only when it matches', async () => {
    const store = await OriginStore.open(path, clock);
    await store.set(A, 0);
    await expect(store.set(B, 0)).rejects.toEqual(new GenerationMismatchError(0, 1));
    expect(store.current().origin).toEqual(A);
    await expect(store.set(B, 1)).resolves.toMatchObject({ state: { origin: B, generation: 2 } });
  });

  it('serialises concurrent flips so each sees the one before', async () => {
    const store = await OriginStore.open(path, clock);
    const results = await Promise.allSettled([store.set(A, 0), store.set(B, 0), store.set(B, 1)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(store.current()).toMatchObject({ origin: B, generation: 2 });
  });

  it('keeps serving the previous origin when the write fails', async () => {
    const store = await OriginStore.open(path);
    writeFileSync(join(dir, 'nested'), 'a file where the directory should be');
    await expect(store.set(A)).rejects.toThrow();
    expect(store.current().origin).toBeNull();
  });

  it('leaves no temp files behind and removes ones a crash orphaned', async () => {
    const store = await OriginStore.open(path);
    await store.set(A);
    writeFileSync(join(dir, 'nested', '.state.json.123.abcdef.tmp'), '{');
    await OriginStore.open(path);
    expect(readdirSync(join(dir, 'nested'))).toEqual(['state.json']);
  });

  it.each([
    ['not JSON', '{"version":', /is not JSON/],
    [
      'the wrong shape',
      JSON.stringify({ version: 1, origin: { url: 'http://10.0.0.1:1', release: 'r' } }),
      /is invalid/,
    ],
    ['an unknown version', JSON.stringify({ version: 2, origin: null, generation: 0, updatedAt: null }), /version/],
  ])('refuses a state file that is %s', async (_name, content, message) => {
    const file = join(dir, 'state.json');
    writeFileSync(file, content);
    await expect(OriginStore.open(file)).rejects.toThrow(StateFileError);
    await expect(OriginStore.open(file)).rejects.toThrow(message);
  });
});
