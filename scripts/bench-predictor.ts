/**
 * npm run bench:predictor — the predictor against a bare Fastify route, side by side in one
 * run: wrk (Debian) with single-row and 100-row bodies; prints req/s, p50, p99 and ratios.
 * Options (env): BENCH_SECONDS (default 10), BENCH_CONNECTIONS (default 32).
 */
import { join } from 'node:path';
import { loadDataset, loadSplit, selectColumns } from '../predictor/train/dataset';
import { MODELS_DIR, PROJECT_ROOT } from '../predictor/src/project-paths';
import { freePort, startNode, stop, waitForHttp } from './support/processes';
import { hasWrk, runWrk, type WrkResult } from './bench/wrk';

const FEATURES = ['CHAS', 'RM', 'TAX', 'PTRATIO', 'B', 'LSTAT'];

function columnsBody(rows: number[][]): string {
  const body: Record<string, Record<string, number>> = {};
  FEATURES.forEach((f, j) => (body[f] = Object.fromEntries(rows.map((r, i) => [String(i), r[j]]))));
  return JSON.stringify(body);
}

async function main(): Promise<void> {
  if (!hasWrk()) {
    console.error('bench:predictor needs wrk (apt-get install -y wrk)');
    process.exit(2);
  }
  const seconds = Number(process.env.BENCH_SECONDS ?? 10);
  const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
  const { x } = selectColumns(loadDataset(), FEATURES, 'MEDV');
  const holdout = loadSplit().holdoutRowIndices.map((i) => x[i]);
  const oneRow = columnsBody(holdout.slice(0, 1));
  const hundredRows = columnsBody([...holdout, ...holdout].slice(0, 100));

  const [predictorPort, barePort] = [await freePort(), await freePort()];
  const predictor = startNode(join(PROJECT_ROOT, 'dist/predictor/src/main.js'), [], {
    PORT: String(predictorPort),
    HOST: '127.0.0.1',
    RELEASE_ID: 'bench',
    MODEL_PATH: join(MODELS_DIR, process.env.BENCH_MODEL ?? 'housing-v1.json'),
    LOG_LEVEL: 'warn',
  });
  const bare = startNode(join(PROJECT_ROOT, 'dist/scripts/bench/bare-fastify.js'), [String(barePort)], {});
  try {
    await waitForHttp(`http://127.0.0.1:${predictorPort}/readyz`);
    await waitForHttp(`http://127.0.0.1:${barePort}/predict`).catch(() => undefined);
    const url = (port: number) => `http://127.0.0.1:${port}/predict`;
    const warm = { seconds: 2, connections };
    runWrk(url(barePort), oneRow, warm);
    runWrk(url(predictorPort), oneRow, warm);
    const opts = { seconds, connections };
    // Rounds alternate baseline and predictor, and each figure is the median round, so a burst
    // of load from something else on the machine skews both sides alike instead of one.
    const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
    const cases: [string, number, string][] = [
      ['bare fastify, 1-row body', barePort, oneRow],
      ['predictor, 1 row', predictorPort, oneRow],
      ['bare fastify, 100-row body', barePort, hundredRows],
      ['predictor, 100 rows', predictorPort, hundredRows],
    ];
    const runs = cases.map(() => [] as WrkResult[]);
    for (let r = 0; r < rounds; r++) cases.forEach(([, port, body], i) => runs[i].push(runWrk(url(port), body, opts)));
    const results: [string, WrkResult][] = cases.map(([name], i) => [name, medianRun(runs[i])]);
    console.log(
      `\nbench:predictor  wrk -t1 -c${connections} -d${seconds}s x ${rounds} alternating rounds (medians), model ${process.env.BENCH_MODEL ?? 'housing-v1.json'}`,
    );
    console.log('case                          req/s      p50 ms   p99 ms   non-2xx/errors');
    for (const [name, r] of results) {
      console.log(
        `${name.padEnd(28)} ${r.requestsPerSecond.toFixed(0).padStart(8)} ${r.p50Ms.toFixed(2).padStart(9)} ${r.p99Ms.toFixed(2).padStart(8)}   ${r.errors}`,
      );
    }
    const ratio = (a: WrkResult, b: WrkResult) => ((100 * a.requestsPerSecond) / b.requestsPerSecond).toFixed(1);
    console.log(`\nratio single-row predictor / bare route: ${ratio(results[1][1], results[0][1])}% (goal >= 70%)`);
    console.log(`ratio 100-row predictor / bare route (same body): ${ratio(results[3][1], results[2][1])}%`);
    console.log(`rows/s at 100 rows per request: ${(results[3][1].requestsPerSecond * 100).toFixed(0)}`);
  } finally {
    await Promise.all([stop(predictor), stop(bare)]);
  }
}

/** The run with the median throughput (its own latencies travel with it). */
function medianRun(runs: WrkResult[]): WrkResult {
  const sorted = [...runs].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond);
  return { ...sorted[Math.floor(sorted.length / 2)], errors: runs.reduce((n, r) => n + r.errors, 0) };
}

main().catch((err: unknown) => {
  console.error(`bench:predictor failed: ${(err as Error).message}`);
  process.exit(1);
});
