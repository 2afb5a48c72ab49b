import { existsSync, readFileSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  createHarness,
  endpointOf,
  getJson,
  HOUSING_V1,
  isAlive,
  isPortFree,
  processGroupOf,
  untilSettled,
  type Harness,
} from './workload-harness';

jest.setTimeout(60_000);

describe('local workload: start, observe, retire', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(async () => {
    await h?.cleanup();
  });

  it('starts a release detached, reports progress, then its endpoint; again is done with the same process', async () => {
    const workload = h.workload();
    const target = h.target('r1');

    const calledAt = Date.now();
    const first = await workload.ensureRunning(target);
    const spawnedMs = Date.now() - calledAt;
    expect(first).toMatchObject({ status: 'progressing', message: expect.stringContaining('waiting for /readyz') });
    // Recorded before the call returned, so a controller crashing now would still find it.
    const recorded = await h.row(target.name);
    expect(recorded).toMatchObject({ desired: 'running', restarts: 0, app: h.app, release: 'r1' });
    expect(recorded?.pid).toEqual(expect.any(Number));
    expect(recorded?.startedAt).toEqual(expect.any(String));

    const { result, elapsedMs } = await untilSettled(() => workload.ensureRunning(target));
    console.log(`spawning call: ${spawnedMs} ms; then ready after ${elapsedMs} ms`);
    const endpoint = `http://127.0.0.1:${recorded?.port}`;
    expect(result).toEqual({ status: 'done', message: expect.stringContaining('is ready'), endpoint });

    const version = await getJson<{ release: string; model: { id: string } }>(`${endpoint}/version`);
    expect(version).toMatchObject({ status: 200, body: { release: 'r1', model: { id: expect.any(String) } } });

    // Its own process group, so a signal to the controller's group never reaches it.
    const pid = recorded!.pid!;
    expect(processGroupOf(pid)).toBe(pid);
    expect(readFileSync(join(h.dir.path, 'state', 'releases', target.name, 'predictor.log'), 'utf8')).toContain(
      `cutover: starting ${target.name}`,
    );

    await expect(workload.ensureRunning(target)).resolves.toEqual(result);
    await expect(workload.findEndpoint(target)).resolves.toBe(endpoint);
    expect(await h.rows()).toEqual([recorded]);

    // A release names exact bytes: asking for another artifact under the same name is refused.
    await copyFile(HOUSING_V1, join(h.artifactsDir, 'other.json'));
    await expect(workload.ensureRunning(h.target('r1', join(h.artifactsDir, 'other.json')))).resolves.toEqual({
      status: 'failed',
      message: expect.stringContaining("a release's artifact cannot change"),
    });
  });

  it('runs two releases side by side on different ports', async () => {
    const workload = h.workload();
    const [blue, green] = [h.target('blue'), h.target('green')];
    const [a, b] = await Promise.all([
      untilSettled(() => workload.ensureRunning(blue)),
      untilSettled(() => workload.ensureRunning(green)),
    ]);
    const endpoints = [a.result, b.result].map(endpointOf);
    expect(new Set(endpoints).size).toBe(2);
    expect((await getJson(`${endpoints[0]}/version`)).body.release).toBe('blue');
    expect((await getJson(`${endpoints[1]}/version`)).body.release).toBe('green');
    expect((await h.rows()).map((r) => r.name)).toEqual([blue.name, green.name]);
  });

  it('retires gracefully: SIGTERM, the predictor drains and exits, the row goes, the port is free', async () => {
    const workload = h.workload();
    const target = h.target('r1');
    await untilSettled(() => workload.ensureRunning(target));
    const { pid, port } = (await h.row(target.name))!;

    const first = await workload.retire(target);
    expect(first).toMatchObject({ status: 'progressing', message: expect.stringContaining('sent SIGTERM') });
    expect(await h.row(target.name)).toMatchObject({ desired: 'retired' });
    await expect(workload.findEndpoint(target)).resolves.toBeUndefined();

    const { result, elapsedMs } = await untilSettled(() => workload.retire(target), { timeoutMs: 10_000 });
    console.log(`time from SIGTERM to retired: ${elapsedMs} ms`);
    expect(result).toEqual({ status: 'done', message: expect.stringContaining('not running') });
    expect(isAlive(pid!)).toBe(false);
    expect(await h.row(target.name)).toBeUndefined();
    expect(await isPortFree(port)).toBe(true);
    const log = readFileSync(join(h.dir.path, 'state', 'releases', target.name, 'predictor.log'), 'utf8');
    expect(log).toContain('SIGTERM received, draining');

    await expect(workload.retire(target)).resolves.toMatchObject({ status: 'done' });
    await expect(workload.retire(h.target('never-started'))).resolves.toMatchObject({ status: 'done' });
  });

  it('starts a retired release again, on a fresh process', async () => {
    const workload = h.workload();
    const target = h.target('r1');
    await untilSettled(() => workload.ensureRunning(target));
    const before = (await h.row(target.name))!;
    await untilSettled(() => workload.retire(target));

    const { result } = await untilSettled(() => workload.ensureRunning(target));
    expect(result.status).toBe('done');
    const after = (await h.row(target.name))!;
    expect(after.pid).not.toBe(before.pid);
    expect(after).toMatchObject({ desired: 'running', restarts: 0 });
    expect(existsSync(join(h.dir.path, 'state', 'releases', target.name, 'predictor.log'))).toBe(true);
  });
});
