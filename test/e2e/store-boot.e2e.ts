import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { PROJECT_ROOT } from '../../predictor/src/project-paths';
import { freePort } from '../support/free-port';
import { ProcessGroup, spawnNode } from '../support/processes';
import { makeTempDir, type TempDir } from '../support/temp-dir';
import { withTimeout } from '../support/wait';

/** Whether a port can be listened on again: nothing the failed boot started holds it. */
function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Processes (other than the test itself) whose command line or environment mention `text`. */
async function processesMentioning(text: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of readdirSync('/proc').filter((e) => /^\d+$/.test(e) && Number(e) !== process.pid)) {
    const [cmdline, environ] = await Promise.all(
      ['cmdline', 'environ'].map((f) => readFile(`/proc/${entry}/${f}`, 'utf8').catch(() => '')),
    );
    if (cmdline.includes(text) || environ.includes(text)) found.push(Number(entry));
  }
  return found;
}

// Running as root, a chmod 000 file is still readable, so "unreadable" is not among these: a
// directory in the file's place stands for a file that cannot be opened at all.
const BROKEN_STORES: [string, (file: string) => void, RegExp][] = [
  [
    'garbage bytes',
    (file) => writeFileSync(file, randomBytes(64 * 1024)),
    /it is not an SQLite database \(SQLITE_NOTADB: file is not a database\)/,
  ],
  ['a directory', (file) => mkdirSync(join(file, 'inside'), { recursive: true }), /it is a directory, not a file/],
];

describe('a controller whose state database cannot be opened', () => {
  const procs = new ProcessGroup();
  let dir: TempDir;
  beforeEach(async () => {
    dir = await makeTempDir('cutover-e2e-store-boot-');
  });
  afterEach(async () => {
    await procs.stopAll({ signal: 'SIGKILL' });
    await dir.remove();
  });

  it.each(BROKEN_STORES)(
    'holding %s: exits non-zero at boot naming the file and what to do, leaving nothing running and the file as it was',
    async (_what, breakIt, cause) => {
      const stateDir = join(dir.path, 'state');
      mkdirSync(stateDir, { recursive: true });
      const file = join(stateDir, 'state.db');
      breakIt(file);
      const before = statSync(file).isDirectory() ? 'a directory' : readFileSync(file).toString('base64');
      const ports = [await freePort(), await freePort(), await freePort()];

      const controller = procs.add(
        spawnNode(join(PROJECT_ROOT, 'dist/src/main.js'), {
          cwd: PROJECT_ROOT,
          env: {
            CUTOVER_STATE_DIR: stateDir,
            CUTOVER_PORT: String(ports[0]),
            CUTOVER_EDGE_PORT: String(ports[1]),
            CUTOVER_EDGE_ADMIN_PORT: String(ports[2]),
          },
        }),
      );
      const exit = await withTimeout(controller.exited, 30_000, 'the controller to give up');
      const output = controller.output();

      expect(exit).toEqual({ code: 1, signal: null });
      const lastLine = output.trim().split('\n').pop() ?? '';
      expect(lastLine).toMatch(new RegExp(`^cutover: cannot open the state database ${file}: `));
      expect(lastLine).toMatch(cause);
      expect(lastLine).toContain('Restore the file from a backup, or move it aside');
      expect(lastLine).toContain('set CUTOVER_STATE_DIR to another directory');

      // Nothing else started: no edge, no release, no listener; and the file was not replaced.
      expect(existsSync(join(stateDir, 'edge'))).toBe(false);
      expect(await processesMentioning(stateDir)).toEqual([]);
      for (const port of ports) expect(await isFree(port)).toBe(true);
      expect(statSync(file).isDirectory() ? 'a directory' : readFileSync(file).toString('base64')).toBe(before);
      process.stdout.write(`[e2e] state.db holding ${_what}: exit 1, "${lastLine.slice(0, 120)}..."\n`);
    },
    60_000,
  );
});
