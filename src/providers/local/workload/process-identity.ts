import { readFile } from 'node:fs/promises';

/**
 * Whether a recorded pid is still the process we started. Pids are recycled, so a live pid
 * proves nothing: the process must also carry the marker argument we gave it at spawn. Linux
 * only (/proc); elsewhere every pid reads as gone.
 */
export type ProcessIdentity = 'ours' | 'gone' | 'foreign';

/** The argument every spawned release carries, so its command line names its workload. */
export function workloadMarker(name: string): string {
  return `--cutover-workload=${name}`;
}

/** /proc/<pid>/cmdline: arguments separated (and usually ended) by NUL. */
export function parseCmdline(raw: string): string[] {
  return raw.split('\0').filter((arg) => arg.length > 0);
}

/**
 * The state letter from /proc/<pid>/stat. The command name in parentheses may itself contain
 * spaces or ')', so the state is read after the last ')'.
 */
export function parseStatState(raw: string): string | undefined {
  const end = raw.lastIndexOf(')');
  if (end < 0) return undefined;
  return (
    raw
      .slice(end + 1)
      .trim()
      .split(/\s+/)[0] || undefined
  );
}

/** Zombies (Z) and dying tasks (X) hold a pid but will never serve again. */
export function isDeadState(state: string | undefined): boolean {
  return state === undefined || state === 'Z' || state === 'X';
}

export function decideIdentity(stat: string | undefined, cmdline: string | undefined, marker: string): ProcessIdentity {
  if (stat === undefined || cmdline === undefined) return 'gone';
  if (isDeadState(parseStatState(stat))) return 'gone';
  return parseCmdline(cmdline).includes(marker) ? 'ours' : 'foreign';
}

export async function inspectProcess(pid: number | null, name: string): Promise<ProcessIdentity> {
  if (pid === null || !Number.isInteger(pid) || pid <= 1) return 'gone';
  const [stat, cmdline] = await Promise.all([readProc(pid, 'stat'), readProc(pid, 'cmdline')]);
  return decideIdentity(stat, cmdline, workloadMarker(name));
}

async function readProc(pid: number, file: 'stat' | 'cmdline'): Promise<string | undefined> {
  try {
    return await readFile(`/proc/${pid}/${file}`, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // ESRCH: the process exited between open and read.
    if (code === 'ENOENT' || code === 'ESRCH') return undefined;
    throw err;
  }
}
