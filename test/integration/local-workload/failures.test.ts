import { readFileSync, symlinkSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WorkloadRepository } from '../../../src/providers/local/workload/workload-repository';
import { createHarness, findMarkedPids, HOUSING_V1, isAlive, untilSettled, type Harness } from './workload-harness';

jest.setTimeout(60_000);

describe('local workload: what it refuses and what it survives', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(async () => {
    await h?.cleanup();
  });

  it("fails a corrupt artifact with the predictor's own reason, and retire cleans it up", async () => {
    const corrupt = join(h.artifactsDir, 'truncated.json');
    const original = readFileSync(HOUSING_V1, 'utf8');
    await writeFile(corrupt, original.slice(0, Math.floor(original.length / 2)));
    const workload = h.workload();
    const target = h.target('broken', corrupt);

    const { result } = await untilSettled(() => workload.ensureRunning(target));
    expect(result).toEqual({
      status: 'failed',
      message: expect.stringMatching(/cannot become ready: model artifact .*truncated\.json is not valid JSON/),
    });
    // The process stays up, not ready, so its reason can be read; the failed deployment retires it.
    const { pid } = (await h.row(target.name))!;
    expect(isAlive(pid!)).toBe(true);
    await expect(workload.findEndpoint(target)).resolves.toBeUndefined();

    await expect(untilSettled(() => workload.retire(target))).resolves.toMatchObject({ result: { status: 'done' } });
    expect(isAlive(pid!)).toBe(false);
    expect(await h.rows()).toEqual([]);
  });

  it('refuses artifacts outside the allowed directories without starting anything', async () => {
    const outside = join(h.dir.path, 'outside');
    await mkdir(outside);
    await writeFile(join(outside, 'model.json'), readFileSync(HOUSING_V1));
    symlinkSync(join(outside, 'model.json'), join(h.artifactsDir, 'link.json'));
    const workload = h.workload();

    const cases = {
      outside: join(outside, 'model.json'),
      dotdot: join(h.artifactsDir, '..', 'outside', 'model.json'),
      symlink: join(h.artifactsDir, 'link.json'),
      repository: HOUSING_V1,
    };
    for (const [release, artifact] of Object.entries(cases)) {
      const result = await workload.ensureRunning(h.target(release, artifact));
      expect(result).toEqual({
        status: 'failed',
        message: expect.stringContaining('outside the allowed artifact directories'),
      });
    }
    await expect(workload.ensureRunning(h.target('missing', join(h.artifactsDir, 'nope.json')))).resolves.toEqual({
      status: 'failed',
      message: expect.stringContaining('cannot be resolved'),
    });
    await expect(workload.ensureRunning(h.target('Not_A_Label'))).resolves.toMatchObject({ status: 'failed' });

    expect(await h.rows()).toEqual([]);
    expect(findMarkedPids(`--cutover-workload=${h.app}-`)).toEqual([]);
  });

  it('does not take a recycled pid for its own process: never signals it, starts a real one', async () => {
    const signals: string[] = [];
    const trap = () => signals.push('SIGTERM');
    process.on('SIGTERM', trap);
    try {
      const target = h.target('stale');
      const repository = new WorkloadRepository(h.db);
      // A row left by a crashed controller whose pid the OS has since given to this test runner.
      const stale = {
        name: target.name,
        app: target.app,
        release: target.release,
        artifact: join(h.artifactsDir, 'housing-v1.json'),
        port: 1,
        pid: process.pid,
        restarts: 0,
        at: new Date(Date.now() - 60_000).toISOString(),
      };
      await repository.recordStart(stale);
      const workload = h.workload();

      await expect(workload.findEndpoint(target)).resolves.toBeUndefined();
      await expect(workload.retire(target)).resolves.toMatchObject({ status: 'done' });
      expect(await h.rows()).toEqual([]);

      await repository.recordStart(stale);
      const { result } = await untilSettled(() => workload.ensureRunning(target));
      expect(result.status).toBe('done');
      const row = (await h.row(target.name))!;
      expect(row.pid).not.toBe(process.pid);
      expect(row.restarts).toBe(1);
      expect(h.logs.some((l) => l.level === 'warn' && l.message.includes('belongs to another process'))).toBe(true);
      expect(signals).toEqual([]);
    } finally {
      process.off('SIGTERM', trap);
    }
  });

  it('throttles a release that crashes at boot, and says why', async () => {
    // An invalid predictor setting makes it exit 1 at once: a crash loop.
    const workload = h.workload({
      predictorEnv: { MAX_BATCH_ROWS: '0' },
      restartBackoff: { initialMs: 1_000, maxMs: 4_000 },
    });
    const target = h.target('crashy');
    const started = Date.now();
    const seen: string[] = [];
    while (Date.now() - started < 4_000) {
      const result = await workload.ensureRunning(target);
      expect(result.status).toBe('progressing');
      seen.push(result.message);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // Starts at 0 s, ~1 s, ~3 s: never one per call.
    const { restarts } = (await h.row(target.name))!;
    expect(restarts).toBeGreaterThanOrEqual(1);
    expect(restarts).toBeLessThanOrEqual(2);
    expect(seen.some((m) => /restart \d+ in [\d.]+ s; its last log line: .*MAX_BATCH_ROWS/.test(m))).toBe(true);
  });
});
