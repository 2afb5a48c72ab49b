import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface WrkResult {
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

export function hasWrk(): boolean {
  return spawnSync('wrk', ['--version']).error === undefined;
}

/** Runs wrk against one URL with a fixed POST body; returns its throughput and latency. */
export function runWrk(
  url: string,
  body: string,
  opts: { seconds: number; connections: number; threads?: number },
): WrkResult {
  const dir = mkdtempSync(join(tmpdir(), 'cutover-wrk-'));
  try {
    const script = join(dir, 'post.lua');
    writeFileSync(
      script,
      [
        'wrk.method = "POST"',
        'wrk.headers["Content-Type"] = "application/json"',
        `wrk.body = ${JSON.stringify(body)}`,
        // Non-2xx answers count as errors: a fast wrong answer must not look like speed.
        'done = function(summary, latency, requests) io.write(string.format("ERRORS %d\\n", summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout)) end',
      ].join('\n'),
    );
    const out = execFileSync(
      'wrk',
      [`-t${opts.threads ?? 1}`, `-c${opts.connections}`, `-d${opts.seconds}s`, '--latency', '-s', script, url],
      { encoding: 'utf8', timeout: (opts.seconds + 30) * 1000 },
    );
    return parseWrk(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function parseWrk(out: string): WrkResult {
  const num = (re: RegExp) => {
    const m = out.match(re);
    if (!m) throw new Error(`wrk output did not match ${re}:\n${out}`);
    return m;
  };
  const toMs = (value: string, unit: string) => Number(value) * ({ us: 0.001, ms: 1, s: 1000 }[unit] ?? NaN);
  const p50 = num(/50%\s+([\d.]+)(us|ms|s)/);
  const p99 = num(/99%\s+([\d.]+)(us|ms|s)/);
  return {
    requests: Number(num(/(\d+) requests in/)[1]),
    requestsPerSecond: Number(num(/Requests\/sec:\s+([\d.]+)/)[1]),
    p50Ms: toMs(p50[1], p50[2]),
    p99Ms: toMs(p99[1], p99[2]),
    errors: Number(num(/ERRORS (\d+)/)[1]),
  };
}
