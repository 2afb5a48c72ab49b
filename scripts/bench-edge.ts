/**
 * The local edge's overhead: wrk (Debian) against an upstream directly and through the edge,
 * rounds interleaved so background load hits both alike; prints req/s, p50, p99 (medians over
 * rounds) and the edge/direct ratio. Build first: `npx tsc -p tsconfig.build.json`, then
 * `node dist/scripts/bench-edge.js`.
 * Upstreams: a minimal node:http server (worst case for the ratio: the upstream does no work)
 * and, when built, the predictor's POST /predict with one capstone row (the real workload).
 * Options (env): BENCH_SECONDS (default 5), BENCH_CONNECTIONS (default 32), BENCH_ROUNDS
 * (default 3), BENCH_PREDICTOR=0 to skip the predictor.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { PROJECT_ROOT } from '../predictor/src/project-paths';
import { hasWrk, runWrk, type WrkResult } from './bench/wrk';
import { freePort, startNode, stop, waitForHttp } from './support/processes';

const EDGE_MAIN = join(PROJECT_ROOT, 'dist/src/providers/local/edge/edge-main.js');
const PREDICTOR_MAIN = join(PROJECT_ROOT, 'dist/predictor/src/main.js');
const CAPSTONE_ROW = JSON.stringify({
  CHAS: { 0: 0 },
  RM: { 0: 6.575 },
  TAX: { 0: 296 },
  PTRATIO: { 0: 15.3 },
  B: { 0: 396.9 },
  LSTAT: { 0: 4.98 },
});

// The smallest honest upstream: reads the body, answers a short constant JSON.
const MINIMAL_UPSTREAM = `
const http = require('node:http');
const answer = '{"prediction":[22.5]}';
http.createServer((req, res) => {
  req.resume();
  req.on('end', () => { res.writeHead(200, { 'content-type': 'application/json', 'content-length': answer.length }); res.end(answer); });
}).listen(Number(process.argv[1]), '127.0.0.1');
`;

interface Case {
  name: string;
  url: string;
  path: string;
  body: string;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function flip(adminUrl: string, token: string, url: string, release: string): Promise<void> {
  const res = await request(`${adminUrl}/admin/origin`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ url, release }),
  });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`flip answered ${res.statusCode}: ${text}`);
}

async function main(): Promise<void> {
  if (!hasWrk()) {
    console.error('bench-edge needs wrk (apt-get install -y wrk)');
    process.exit(2);
  }
  if (!existsSync(EDGE_MAIN)) throw new Error(`${EDGE_MAIN} missing: run npx tsc -p tsconfig.build.json`);
  const seconds = Number(process.env.BENCH_SECONDS ?? 5);
  const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const withPredictor = process.env.BENCH_PREDICTOR !== '0' && existsSync(PREDICTOR_MAIN);

  const dir = mkdtempSync(join(tmpdir(), 'cutover-bench-edge-'));
  const token = randomBytes(24).toString('hex');
  const children: ChildProcess[] = [];
  try {
    const [minimalPort, predictorPort, edgePort, adminPort] = [
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    const minimal = spawn(process.execPath, ['-e', MINIMAL_UPSTREAM, String(minimalPort)], { stdio: 'inherit' });
    children.push(minimal);
    const edge = startNode(EDGE_MAIN, [], {
      EDGE_PORT: String(edgePort),
      EDGE_ADMIN_PORT: String(adminPort),
      EDGE_STATE_FILE: join(dir, 'state.json'),
      EDGE_ADMIN_TOKEN: token,
      EDGE_LOG_LEVEL: 'warn',
    });
    children.push(edge);
    const minimalUrl = `http://127.0.0.1:${minimalPort}`;
    const edgeUrl = `http://127.0.0.1:${edgePort}`;
    const adminUrl = `http://127.0.0.1:${adminPort}`;
    await waitForHttp(`${adminUrl}/healthz`);
    await waitForHttp(`${minimalUrl}/`);

    const pairs: [Case, Case, string][] = [
      [
        { name: 'minimal upstream, direct', url: minimalUrl, path: '/predict', body: CAPSTONE_ROW },
        { name: 'minimal upstream, via edge', url: edgeUrl, path: '/predict', body: CAPSTONE_ROW },
        minimalUrl,
      ],
    ];
    if (withPredictor) {
      const predictor = startNode(PREDICTOR_MAIN, [], {
        HOST: '127.0.0.1',
        PORT: String(predictorPort),
        RELEASE_ID: 'bench',
        LOG_LEVEL: 'warn',
      });
      children.push(predictor);
      const predictorUrl = `http://127.0.0.1:${predictorPort}`;
      await waitForHttp(`${predictorUrl}/readyz`);
      pairs.push([
        { name: 'predictor 1 row, direct', url: predictorUrl, path: '/predict', body: CAPSTONE_ROW },
        { name: 'predictor 1 row, via edge', url: edgeUrl, path: '/predict', body: CAPSTONE_ROW },
        predictorUrl,
      ]);
    }

    const results = new Map<string, WrkResult[]>();
    const run = (c: Case, secs: number) => runWrk(`${c.url}${c.path}`, c.body, { seconds: secs, connections });
    for (const [direct, viaEdge, origin] of pairs) {
      await flip(adminUrl, token, origin, 'bench');
      run(direct, 2);
      run(viaEdge, 2);
      for (let round = 0; round < rounds; round += 1) {
        for (const c of round % 2 === 0 ? [direct, viaEdge] : [viaEdge, direct]) {
          const r = run(c, seconds);
          if (r.errors > 0) throw new Error(`${c.name}: ${r.errors} errors or non-2xx answers`);
          results.set(c.name, [...(results.get(c.name) ?? []), r]);
        }
      }
    }

    console.log(`\nbench-edge  wrk -t1 -c${connections} -d${seconds}s, ${rounds} interleaved rounds, medians`);
    console.log('case                              req/s     p50 ms    p99 ms');
    const rps = (name: string) => median(results.get(name)!.map((r) => r.requestsPerSecond));
    for (const [name, rs] of results) {
      const p50 = median(rs.map((r) => r.p50Ms));
      const p99 = median(rs.map((r) => r.p99Ms));
      console.log(
        `${name.padEnd(30)} ${rps(name).toFixed(0).padStart(9)} ${p50.toFixed(2).padStart(9)} ${p99.toFixed(2).padStart(9)}`,
      );
    }
    console.log('');
    for (const [direct, viaEdge] of pairs) {
      const ratio = (100 * rps(viaEdge.name)) / rps(direct.name);
      console.log(`ratio ${viaEdge.name} / direct: ${ratio.toFixed(1)}% (target >= 80%)`);
    }
  } finally {
    await Promise.all(children.map((c) => stop(c)));
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(`bench-edge failed: ${(err as Error).message}`);
  process.exit(1);
});
