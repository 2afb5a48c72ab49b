import { spawn } from 'node:child_process';
import { mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface DetachedLaunch {
  nodePath: string;
  script: string;
  args: string[];
  /** Passed whole; the controller's own environment (tokens, credentials) is not inherited. */
  env: Record<string, string>;
  logPath: string;
  banner: string;
  cwd?: string;
}

/**
 * Starts a node script detached: its own process group, output appended to its log file, no
 * handle keeping the controller alive, so a controller crash leaves it running. Returns its pid.
 */
export async function launchDetached(launch: DetachedLaunch): Promise<number> {
  await mkdir(dirname(launch.logPath), { recursive: true });
  const log = await open(launch.logPath, 'a');
  try {
    await log.write(`\n--- ${launch.banner} ---\n`);
    const child = spawn(launch.nodePath, [launch.script, ...launch.args], {
      detached: true,
      stdio: ['ignore', log.fd, log.fd],
      env: launch.env,
      cwd: launch.cwd ?? dirname(launch.logPath),
    });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    // Later errors (a kill racing its exit) must not become uncaught exceptions.
    child.on('error', () => undefined);
    child.unref();
    if (child.pid === undefined) throw new Error(`node started ${launch.script} without a pid`);
    return child.pid;
  } finally {
    await log.close();
  }
}
