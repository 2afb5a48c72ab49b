import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WorkloadRepository } from '../../../src/providers/local/workload/workload-repository';
import { openDatabase } from '../../../src/store/database';
import { freePort } from '../../support/free-port';
import { waitFor, withTimeout } from '../../support/wait';
import { createHarness, endpointOf, getJson, isAlive, untilSettled, type Harness } from './workload-harness';

jest.setTimeout(60_000);

describe('local workload: supervision and re-adoption', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(async () => {
    await h?.cleanup();
  });

  it('a restarted controller re-adopts live releases, restarts dead ones on their port, forgets retired ones', async () => {
    const before = h.workload();
    const [a, b, c] = [h.target('a'), h.target('b'), h.target('c')];
    const [readyA, readyB] = await Promise.all([
      untilSettled(() => before.ensureRunning(a)),
      untilSettled(() => before.ensureRunning(b)),
    ]);
    const rowA = (await h.row(a.name))!;
    const rowB = (await h.row(b.name))!;
    const repository = new WorkloadRepository(h.db);
    await repository.recordStart({ ...rowA, name: c.name, release: 'c', pid: 999_999_999, at: rowA.updatedAt });
    await repository.markRetired(c.name, rowA.updatedAt);
    // The old controller dies; so does one of its releases while nobody watches.
    process.kill(-rowB.pid!, 'SIGKILL');
    await waitFor(() => !isAlive(rowB.pid!), { timeoutMs: 5_000, what: 'b to die' });

    const db = await openDatabase(h.dbPath);
    try {
      // b started moments ago; a short backoff lets adopt() restart it rather than wait for the supervisor.
      const after = h.workload({ db, restartBackoff: { initialMs: 100, maxMs: 1_000 } });
      await expect(after.adopt()).resolves.toEqual({
        adopted: [a.name],
        restarted: [b.name],
        backingOff: [],
        removed: [c.name],
      });
      expect(h.logs.map((l) => l.message)).toContain(`re-adopted ${a.name} pid ${rowA.pid} port ${rowA.port}`);

      await expect(after.ensureRunning(a)).resolves.toEqual(readyA.result);
      expect((await h.row(a.name))!.pid).toBe(rowA.pid);

      const { result } = await untilSettled(() => after.ensureRunning(b));
      const restarted = (await h.row(b.name))!;
      expect(restarted.restarts).toBe(1);
      // Same port, unless another process (a parallel test, say) took it meanwhile: then it says so.
      if (restarted.port !== rowB.port) {
        expect(h.logs.map((l) => l.message)).toContain(
          `port ${rowB.port} of ${b.name} is taken by another process; using ${restarted.port}`,
        );
      } else {
        expect(endpointOf(result)).toBe(endpointOf(readyB.result));
      }
      expect((await getJson(`http://127.0.0.1:${restarted.port}/version`)).body.release).toBe('b');
      expect(await h.row(c.name)).toBeUndefined();
    } finally {
      await h.workload().stop();
      db.close();
    }
  });

  it('restarts a killed release on the same port, as a kubelet would', async () => {
    const workload = h.workload({ superviseIntervalMs: 200, restartBackoff: { initialMs: 500, maxMs: 2_000 } });
    const target = h.target('r1');
    const { result } = await untilSettled(() => workload.ensureRunning(target));
    const before = (await h.row(target.name))!;
    workload.start();

    const killedAt = Date.now();
    process.kill(-before.pid!, 'SIGKILL');
    const endpoint = await waitFor(
      async () => (await h.row(target.name))?.pid !== before.pid && (await workload.findEndpoint(target)),
      { timeoutMs: 15_000, intervalMs: 100, what: 'the supervisor to restart r1' },
    );
    console.log(`kill -9 to ready again: ${Date.now() - killedAt} ms`);
    expect(endpoint).toBe(endpointOf(result));
    expect(await h.row(target.name)).toMatchObject({ port: before.port, restarts: 1, desired: 'running' });
    expect(h.logs.some((l) => l.level === 'warn' && l.message.includes(`pid ${before.pid} died; restarted`))).toBe(
      true,
    );

    await workload.stop();
    await untilSettled(() => workload.retire(target));
  });

  describe('a release that ignores SIGTERM', () => {
    let stubborn: ChildProcess;
    let output = '';

    beforeEach(async () => {
      const script = join(h.dir.path, 'stubborn.js');
      await writeFile(
        script,
        `process.on('SIGTERM', () => process.stdout.write('ignoring SIGTERM\\n'));
         process.stdout.write('trapping\\n');
         setInterval(() => {}, 1000);`,
      );
      const target = h.target('stubborn');
      output = '';
      stubborn = spawn(process.execPath, [script, `--cutover-workload=${target.name}`], {
        detached: true,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      stubborn.stdout?.on('data', (d: Buffer) => (output += d.toString()));
      await waitFor(() => output.includes('trapping'), { timeoutMs: 5_000, what: 'the stub to trap SIGTERM' });
      await new WorkloadRepository(h.db).recordStart({
        name: target.name,
        app: target.app,
        release: target.release,
        artifact: join(h.artifactsDir, 'housing-v1.json'),
        port: await freePort(),
        pid: stubborn.pid!,
        restarts: 0,
        at: new Date().toISOString(),
      });
    });

    it('is killed with SIGKILL once the drain deadline has passed', async () => {
      const workload = h.workload({ drainTimeoutMs: 1_000 });
      const target = h.target('stubborn');
      const exited = new Promise<NodeJS.Signals | null>((resolve) => stubborn.once('exit', (_c, s) => resolve(s)));

      await expect(workload.retire(target)).resolves.toMatchObject({
        status: 'progressing',
        message: expect.stringContaining('sent SIGTERM'),
      });
      const { result, elapsedMs, history } = await untilSettled(() => workload.retire(target), { timeoutMs: 10_000 });
      expect(result.status).toBe('done');
      expect(elapsedMs).toBeGreaterThanOrEqual(900);
      expect(history.some((r) => r.message.includes('sent SIGKILL'))).toBe(true);
      await expect(withTimeout(exited, 5_000, 'the stub to exit')).resolves.toBe('SIGKILL');
      expect(output).toContain('ignoring SIGTERM');
      expect(await h.rows()).toEqual([]);
    });

    it('is killed by the supervisor even if retire is not called again', async () => {
      const workload = h.workload({ drainTimeoutMs: 1_000, superviseIntervalMs: 200 });
      const exited = new Promise<NodeJS.Signals | null>((resolve) => stubborn.once('exit', (_c, s) => resolve(s)));
      await workload.retire(h.target('stubborn'));
      workload.start();
      await expect(withTimeout(exited, 5_000, 'the stub to exit')).resolves.toBe('SIGKILL');
      await workload.stop();
      await expect(workload.retire(h.target('stubborn'))).resolves.toMatchObject({ status: 'done' });
    });
  });
});
