import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../predictor/src/project-paths';

export interface CliRun {
  command: string;
  code: number;
  ms: number;
}

const running = new Set<ChildProcess>();

/**
 * Runs the package's `cutover` bin with the terminal inherited, so the user sees the CLI exactly
 * as they would run it (the live step list on a terminal, timestamped lines in a pipe).
 */
export function runCli(args: string[], env: Record<string, string>): Promise<CliRun> {
  const command = `cutover ${args.join(' ')}`;
  console.log(`\n$ ${command}`);
  const t0 = performance.now();
  // The shell's own CUTOVER_* settings must not point the CLI at another controller.
  const inherited = Object.entries(process.env).filter(([k]) => !k.startsWith('CUTOVER_'));
  const child = spawn(process.execPath, [join(PROJECT_ROOT, 'bin/cutover.js'), ...args], {
    cwd: PROJECT_ROOT,
    env: { ...Object.fromEntries(inherited), ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  running.add(child);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      running.delete(child);
      const exit = code ?? 128 + (signal ? constants.signals[signal] : 0);
      resolve({ command, code: exit, ms: performance.now() - t0 });
    });
  });
}

/** Stops any CLI still running (a timeout or Ctrl-C), so the demo leaves nothing behind. */
export function killClis(): void {
  for (const child of running) child.kill('SIGKILL');
}
