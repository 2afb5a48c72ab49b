import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../../predictor/src/project-paths';
import { makeTempDir, type TempDir } from '../../support/temp-dir';

/** Needs `npx tsc -p tsconfig.build.json` first: it runs dist/scripts/demo.js, as `npm run demo` does. */

const LIMIT_MS = 240_000;

/**
 * Processes of ours that belong to the demo: cwd under `dir` (the release and edge processes run
 * in their folders of the state dir) or `dir` in the environment (the controller and the CLI).
 */
function processesUnder(dir: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p) && Number(p) !== process.pid)) {
    try {
      const cwd = readlinkSync(`/proc/${pid}/cwd`);
      const environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
      if (cwd.startsWith(dir) || environ.includes(dir))
        found.push(`${pid}: ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ')}`);
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return found;
}

describe('npm run demo', () => {
  let tmp: TempDir;
  beforeAll(async () => {
    tmp = await makeTempDir('cutover-demo-test-');
  });
  afterAll(() => tmp?.remove());

  it(
    'deploys v2, promotes, rolls back under live traffic with 0 failed requests, and leaves nothing running',
    async () => {
      // TMPDIR places the demo's own temp dir (state, logs) inside ours, where we can look for leftovers.
      const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CUTOVER_')));
      const child = spawn(process.execPath, [join(PROJECT_ROOT, 'dist/scripts/demo.js')], {
        cwd: PROJECT_ROOT,
        env: { ...env, TMPDIR: tmp.path, DEMO_TIMEOUT_SECONDS: String(LIMIT_MS / 1000 - 30) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (c: Buffer) => (output += c.toString()));
      child.stderr.on('data', (c: Buffer) => (output += c.toString()));
      const timer = setTimeout(() => child.kill('SIGINT'), LIMIT_MS - 20_000);
      const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
      clearTimeout(timer);

      const summary = output.slice(output.indexOf('── summary'));
      process.stdout.write(`[e2e] demo summary:\n${summary}\n`);
      expect({ code, tail: output.slice(-3000) }).toMatchObject({ code: 0 });
      // The user saw the CLI at work: each command and its steps.
      for (const command of ['deploy v2 --app housing', 'promote housing-v2-', 'rollback --app housing --wait'])
        expect(output).toContain(`$ cutover ${command}`);
      expect(output).toMatch(/step smoke-test succeeded/);
      expect(summary).toMatch(
        /^traffic: [1-9]\d* requests sent through the edge, 0 failed \(answered by v1 \d+, v2 \d+\)$/m,
      );
      expect(summary).toMatch(/^ {2}deploy v2 +edge flipped after \d+ ms, verified after \d+ ms/m);
      expect(summary).toMatch(/^the edge now serves: v1 \(expected v1\)$/m);
      expect(summary).toMatch(/^demo: OK$/m);
      // Stopped: no controller, release or edge process, and its temp dir is gone.
      expect(processesUnder(tmp.path)).toEqual([]);
      expect(readdirSync(tmp.path)).toEqual([]);
    },
    LIMIT_MS,
  );
});
