import { spawn, type ChildProcess } from 'node:child_process';
import { waitFor } from './wait';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ManagedProcess {
  child: ChildProcess;
  pid: number;
  /** Everything written to stdout and stderr so far, interleaved. */
  output(): string;
  /** Resolves when the process has exited (never rejects). */
  exited: Promise<Exit>;
  hasExited(): boolean;
  /** Sends `signal` (default SIGTERM), escalates to SIGKILL after `timeoutMs`; resolves with the exit. */
  stop(options?: { signal?: NodeJS.Signals; timeoutMs?: number }): Promise<Exit>;
}

export interface SpawnNodeOptions {
  args?: string[];
  /** Merged over the parent's environment unless `inheritEnv` is false. */
  env?: Record<string, string | undefined>;
  inheritEnv?: boolean;
  cwd?: string;
}

/** Starts `node <script>` with stdout and stderr captured. */
export function spawnNode(script: string, options: SpawnNodeOptions = {}): ManagedProcess {
  const env = { ...(options.inheritEnv === false ? {} : process.env), ...options.env };
  const child = spawn(process.execPath, [script, ...(options.args ?? [])], {
    env,
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', () => resolve({ code: null, signal: null }));
  });
  const hasExited = () => child.exitCode !== null || child.signalCode !== null;
  const stop = async ({ signal = 'SIGTERM' as NodeJS.Signals, timeoutMs = 5_000 } = {}): Promise<Exit> => {
    if (!hasExited()) {
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await exited;
      clearTimeout(timer);
    }
    return exited;
  };
  if (child.pid === undefined) throw new Error(`could not start node ${script}`);
  return { child, pid: child.pid, output: () => output, exited, hasExited, stop };
}

/**
 * Starts a node process and waits until `ready` says so. Fails fast, with the process output,
 * if it exits first, and stops it if it is not ready in time.
 */
export async function spawnAndWaitForReady(
  script: string,
  options: SpawnNodeOptions & { ready: () => Promise<boolean>; timeoutMs?: number; name?: string },
): Promise<ManagedProcess> {
  const proc = spawnNode(script, options);
  const name = options.name ?? script;
  let gaveUp = false;
  const exitedEarly = proc.exited.then(({ code, signal }) => {
    throw new Error(`${name} exited (code ${code}, signal ${signal}) before it was ready`);
  });
  exitedEarly.catch(() => undefined);
  try {
    await Promise.race([
      // Once the race is lost the poll must end too, not keep probing until its deadline.
      waitFor(() => gaveUp || options.ready(), { timeoutMs: options.timeoutMs ?? 15_000, what: `${name} to be ready` }),
      exitedEarly,
    ]);
  } catch (err) {
    gaveUp = true;
    await proc.stop({ signal: 'SIGKILL' });
    throw new Error(`${(err as Error).message}\n--- ${name} output ---\n${proc.output()}`);
  }
  return proc;
}

/** Remembers what a suite started so afterAll/afterEach can stop all of it, even after a failure. */
export class ProcessGroup {
  private readonly procs = new Set<ManagedProcess>();

  add<T extends ManagedProcess>(proc: T): T {
    this.procs.add(proc);
    return proc;
  }

  async stopAll(options?: { signal?: NodeJS.Signals; timeoutMs?: number }): Promise<void> {
    const procs = [...this.procs];
    this.procs.clear();
    await Promise.all(procs.map((p) => p.stop(options)));
  }
}
