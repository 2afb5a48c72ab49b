import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LoadGenerator } from '../../scripts/support/load';
import { startController, type ControllerUnderTest } from '../support/controller-process';
import { fdCount, processesOf, rssMb } from '../support/state-dir-processes';
import { makeTempDir, type TempDir } from '../support/temp-dir';
import { waitFor } from '../support/wait';

// Ten deployments in a row, a deploy of v2 and a rollback to v1 by turns, under traffic through
// the edge: nothing may fail for users, and the controller must not leak what it opens per
// deployment (descriptors, processes) nor grow in memory beyond a stated bound.

const ROW =
  '{"CHAS":{"0":0},"RM":{"0":6.575},"TAX":{"0":296.0},"PTRATIO":{"0":15.3},"B":{"0":396.9},"LSTAT":{"0":4.98}}';
const DEPLOYMENTS = 10;
/** Measured: 148 MB after the warm-up, 160 MB after ten more (about 1 MB a deployment); the bound leaves headroom. */
const RSS_BOUND_MB = 300;
/** Sockets come and go (keep-alive to the edge and releases); a leak grows by some every deployment. */
const FD_SLACK = 5;

interface Sample {
  after: string;
  fds: number;
  rssMb: number;
  processes: number;
}

describe('soak: ten deployments with rollbacks in between, under traffic', () => {
  let dir: TempDir;
  let c: ControllerUnderTest;
  let load: LoadGenerator | undefined;
  beforeAll(async () => {
    dir = await makeTempDir('cutover-soak-');
    const appsFile = join(dir.path, 'apps.json');
    writeFileSync(appsFile, JSON.stringify({ apps: [{ name: 'housing', verify: { windowSeconds: 1 } }] }));
    c = await startController({ CUTOVER_APPS_FILE: appsFile, CUTOVER_SCALE_DOWN_DELAY_SECONDS: '1' });
  }, 60_000);
  afterAll(async () => {
    await load?.stop();
    await c?.destroy();
    await dir?.remove();
  }, 60_000);

  it('loses no request and leaks no descriptor, process or memory', async () => {
    load = new LoadGenerator({ url: c.edge, body: ROW, concurrency: 2, maxSeconds: 400 }).start();
    const sample = (after: string): Sample => ({
      after,
      fds: fdCount(c.proc.pid),
      rssMb: Math.round(rssMb(c.proc.pid) * 10) / 10,
      processes: processesOf(c.stateDir).length,
    });

    // Warm-up: the first deployment loads code paths, pools and caches once.
    await deployAndWait('v2', () => c.call('POST', '/v1/apps/housing/deployments', deployV2(), 'ci'));
    const samples = [sample('warm-up v2')];
    for (let i = 0; i < DEPLOYMENTS; i++) {
      const rollback = i % 2 === 0;
      const release = rollback ? 'v1' : 'v2';
      await deployAndWait(release, () =>
        rollback
          ? c.call('POST', '/v1/apps/housing/rollback', {})
          : c.call('POST', '/v1/apps/housing/deployments', deployV2(), 'ci'),
      );
      samples.push(sample(`${i + 1}: ${rollback ? 'rollback to v1' : 'deploy v2'}`));
    }
    const total = await load.stop();

    const [baseline, ...rest] = samples;
    const peak = Math.max(...samples.map((s) => s.rssMb));
    process.stdout.write(
      `[e2e] soak: ${DEPLOYMENTS} deployments after a warm-up, ${total.sent} requests through the edge, ${total.failed} failed\n` +
        samples
          .map((s) => `  ${s.after.padEnd(18)} fds ${s.fds}  rss ${s.rssMb} MB  processes ${s.processes}\n`)
          .join('') +
        `  controller RSS peak ${peak} MB (bound ${RSS_BOUND_MB} MB); fds ${baseline.fds} -> ${rest[rest.length - 1].fds} (slack ${FD_SLACK})\n`,
    );
    expect(total.failures).toEqual([]);
    expect(total.byRelease.v1).toBeGreaterThan(0);
    expect(total.byRelease.v2).toBeGreaterThan(0);
    // At rest after each deployment: the edge and the active release, nothing else.
    for (const s of samples) expect([s.after, s.processes]).toEqual([s.after, 2]);
    for (const s of rest) expect([s.after, s.fds <= baseline.fds + FD_SLACK]).toEqual([s.after, true]);
    expect(peak).toBeLessThan(RSS_BOUND_MB);
  }, 360_000);

  async function deployAndWait(release: string, create: () => Promise<{ status: number; body: { id: string } }>) {
    const created = await create();
    // 201 for a new deployment, 202 for a rollback.
    expect([release, created.status]).toEqual([release, created.body.id ? created.status : 'no id']);
    expect(created.status).toBeLessThan(300);
    const done = await waitFor(
      async () => {
        const { body } = await c.call('GET', `/v1/deployments/${created.body.id}`, undefined, 'viewer');
        return body.finished ? body : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 200, what: `${release} to finish` },
    );
    expect([release, done.phase]).toEqual([release, 'Succeeded']);
  }
});

const deployV2 = () => ({ release: 'v2', artifact: 'predictor/models/housing-v2.json', autoPromote: true });
