/**
 * npm run bench:cutover — the whole controller on the local provider, in one run:
 * 1. throughput: wrk through the edge vs directly at the active predictor, single-row /predict,
 *    rounds interleaved, medians, and the edge/direct ratio;
 * 2. a flip under load: continuous traffic through the edge while v2 is deployed (autoPromote)
 *    and then rolled back to v1; failed requests, latency before/during/after each flip, the
 *    flip's duration and each step's.
 * Exit 0 when it ran (figures, not assertions), 1 if something broke, 2 without wrk.
 * Options (env): BENCH_SECONDS (default 10), BENCH_CONNECTIONS (default 32), BENCH_ROUNDS
 * (default 3), BENCH_LOAD_WORKERS (default 8), BENCH_KEEP_STATE=1 keeps the temp dir.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LoadGenerator, percentile, type LoadReport } from './support/load';
import { hasWrk, runWrk, type WrkResult } from './bench/wrk';
import { startController, type BenchController, type DeploymentEvent, type DeploymentRecord } from './bench/controller';
import { flipTimes, stepTimings, windowTable, type StepTiming } from './bench/flip-report';

const ROW =
  '{"CHAS":{"0":0},"RM":{"0":6.575},"TAX":{"0":296.0},"PTRATIO":{"0":15.3},"B":{"0":396.9},"LSTAT":{"0":4.98}}';
const CONTROLLER_ENV = {
  CUTOVER_SCALE_DOWN_DELAY_SECONDS: '2',
  CUTOVER_RECONCILE_INTERVAL_MS: '200',
  CUTOVER_LOG_LEVEL: 'info',
};
const QUIET_MS = 3_000;

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const workers = Number(process.env.BENCH_LOAD_WORKERS ?? 8);

const sleep = (msecs: number) => new Promise((r) => setTimeout(r, msecs));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function throughput(edge: string, direct: string): void {
  const cases: [string, string][] = [
    ['direct (predictor endpoint)', `${direct}/predict`],
    ['through the edge', `${edge}/predict`],
  ];
  const results = new Map<string, WrkResult[]>(cases.map(([name]) => [name, []]));
  for (const [, url] of cases) runWrk(url, ROW, { seconds: 2, connections });
  for (let round = 0; round < rounds; round += 1) {
    for (const [name, url] of round % 2 === 0 ? cases : [...cases].reverse()) {
      results.get(name)!.push(runWrk(url, ROW, { seconds, connections }));
    }
  }
  console.log(`\n1. throughput  wrk -t1 -c${connections} -d${seconds}s, ${rounds} interleaved rounds, medians`);
  console.log('case                              req/s    p50 ms    p99 ms   non-2xx/errors (sum)');
  const rps = (name: string) => median(results.get(name)!.map((r) => r.requestsPerSecond));
  for (const [name, rs] of results) {
    const p50 = median(rs.map((r) => r.p50Ms));
    const p99 = median(rs.map((r) => r.p99Ms));
    const errors = rs.reduce((n, r) => n + r.errors, 0);
    console.log(
      `${name.padEnd(30)} ${rps(name).toFixed(0).padStart(8)} ${p50.toFixed(2).padStart(9)} ${p99.toFixed(2).padStart(9)}   ${errors}`,
    );
  }
  const ratio = (100 * rps('through the edge')) / rps('direct (predictor endpoint)');
  console.log(`ratio edge / direct: ${ratio.toFixed(1)}% (goal >= 80%)`);
}

interface Finished {
  record: DeploymentRecord;
  events: DeploymentEvent[];
}

async function deployAndWait(c: BenchController, path: string, body: unknown, role: 'ci' | 'operator') {
  const created = await c.call<{ id: string }>('POST', path, body, role);
  const record = await c.waitFinished(created.id);
  if (record.phase !== 'Succeeded')
    throw new Error(`${path} ${record.release} ended ${record.phase}: ${record.outcome?.reason ?? 'no reason given'}`);
  return { record, events: await c.events(created.id) };
}

function printFlip(report: LoadReport, loadStart: number, loadEnd: number, deploy: Finished, back: Finished) {
  const [d, r] = [flipTimes(deploy.record, deploy.events), flipTimes(back.record, back.events)];
  console.log(
    `\n2. flip under load  ${workers} workers through the edge, deploy v2 (autoPromote), then roll back to v1`,
  );
  console.log(`requests sent ${report.sent}, failed ${report.failed}, answered by ${JSON.stringify(report.byRelease)}`);
  for (const f of report.failures) console.log(`  failure: ${f}`);
  const failedAt = report.samples.filter((s) => !s.ok).map((s) => s.at);
  if (failedAt.length > 0) {
    const rel = (t: number) => `${t - d.promoteStart} ms after the v2 promote start`;
    console.log(`  failures sent from ${rel(Math.min(...failedAt))} to ${rel(Math.max(...failedAt))}`);
  }
  console.log('');
  const windows = [
    { name: 'before v2 flip (load start -> promote)', from: loadStart, to: d.promoteStart },
    { name: 'during v2 flip (promote -> verified)', from: d.promoteStart, to: d.verified },
    { name: 'after v2 flip = before rollback flip', from: d.verified, to: r.promoteStart },
    { name: 'during rollback flip (promote -> verified)', from: r.promoteStart, to: r.verified },
    { name: 'after rollback flip (verified -> load stop)', from: r.verified, to: loadEnd },
  ];
  for (const line of windowTable(report.samples, windows, ['v1', 'v2'])) console.log(line);
  const all = report.samples.filter((s) => s.ok).map((s) => s.ms);
  console.log(`whole run: p50 ${percentile(all, 50).toFixed(2)} ms, p99 ${percentile(all, 99).toFixed(2)} ms`);

  console.log('\nflip duration            promote start -> edgeFlipped   -> edgeVerified');
  for (const [name, t] of [
    ['deploy v2', d],
    ['rollback to v1', r],
  ] as const) {
    const cols = [`${t.flipped - t.promoteStart} ms`.padStart(30), `${t.verified - t.promoteStart} ms`.padStart(16)];
    console.log(`${name.padEnd(24)} ${cols.join(' ')}`);
  }
  const [ds, rs] = [stepTimings(deploy.events), stepTimings(back.events)];
  console.log('\nstep (first start -> done)   deploy v2 s (attempts)   rollback s (attempts)');
  for (const step of new Set([...ds, ...rs].map((s) => s.step))) {
    const cell = (timings: StepTiming[]) => {
      const t = timings.find((s) => s.step === step);
      return t ? `${(t.wallMs / 1000).toFixed(3)} (${t.attempts})` : '-';
    };
    console.log(`${step.padEnd(28)} ${cell(ds).padStart(22)} ${cell(rs).padStart(23)}`);
  }
  console.log(
    `(scale-down-blue starts ${CONTROLLER_ENV.CUTOVER_SCALE_DOWN_DELAY_SECONDS}s after verify and waits for blue to drain)`,
  );
  for (const f of [deploy, back]) {
    const stale = f.record.steps.filter((s) => s.status === 'running').length;
    if (stale > 0)
      console.log(`note: ${f.record.id} finished with ${stale} step attempt(s) still 'running' in its record`);
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cutover-bench-'));
  let controller: BenchController | undefined;
  let load: LoadGenerator | undefined;
  let cleaned: Promise<void> | undefined;
  const cleanup = () =>
    (cleaned ??= (async () => {
      await load?.stop();
      const leftovers = (await controller?.stop()) ?? 0;
      if (leftovers > 0) console.error(`cleanup: killed ${leftovers} process(es) the controller left running`);
      if (process.env.BENCH_KEEP_STATE === '1') console.error(`state kept in ${dir}`);
      else rmSync(dir, { recursive: true, force: true });
    })());
  process.once('SIGINT', () => void cleanup().finally(() => process.exit(130)));
  try {
    controller = await startController(dir, CONTROLLER_ENV);
    const app = await controller.call<{ edge: { origin: { endpoint: string } } }>('GET', '/v1/apps/housing');
    const settings = Object.entries(CONTROLLER_ENV).map(([k, v]) => `${k}=${v}`);
    console.log(`bench-cutover  edge ${controller.edge}, v1 at ${app.edge.origin.endpoint}, ${settings.join(' ')}`);
    throughput(controller.edge, app.edge.origin.endpoint);

    load = new LoadGenerator({ url: controller.edge, body: ROW, concurrency: workers, maxSeconds: 600 }).start();
    const loadStart = Date.now();
    await sleep(QUIET_MS);
    const v2 = { release: 'v2', artifact: 'predictor/models/housing-v2.json', autoPromote: true };
    const deploy = await deployAndWait(controller, '/v1/apps/housing/deployments', v2, 'ci');
    const back = await deployAndWait(controller, '/v1/apps/housing/rollback', {}, 'operator');
    await sleep(QUIET_MS);
    const report = await load.stop();
    printFlip(report, loadStart, Date.now(), deploy, back);
  } catch (err) {
    console.error(`bench-cutover failed: ${(err as Error).message}`);
    if (controller) console.error(`--- controller log (tail) ---\n${controller.logTail()}`);
    process.exitCode = 1;
  } finally {
    await cleanup();
  }
}

if (!hasWrk()) {
  console.error('bench-cutover needs wrk (apt-get install -y wrk)');
  process.exit(2);
}
void main();
