import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { isDeadState, parseCmdline, parseStatState } from '../../src/providers/local/workload/process-identity';

/** A live process the local provider started for one state dir: the edge or a release. */
export interface StateDirProcess {
  pid: number;
  kind: 'edge' | 'predictor';
  /** The release's workload name (`housing-v2`) or the edge's app. */
  name: string;
}

/**
 * Every live process whose working directory is inside `stateDir`: the local provider starts
 * each release in `<state>/releases/<name>` and the edge in `<state>/edge/<app>`, so this finds
 * them all, orphans included, whatever the database says and whoever else runs on the machine.
 */
export function processesOf(stateDir: string): StateDirProcess[] {
  const found: StateDirProcess[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    try {
      const cwd = readlinkSync(`/proc/${pid}/cwd`);
      if (!cwd.startsWith(`${stateDir}/`)) continue;
      if (isDeadState(parseStatState(readFileSync(`/proc/${pid}/stat`, 'utf8')))) continue;
      const args = parseCmdline(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
      const workload = args.find((a) => a.startsWith('--cutover-workload='));
      const edge = args.find((a) => a.startsWith('--cutover-edge='));
      if (workload) found.push({ pid, kind: 'predictor', name: workload.split('=')[1] });
      else if (edge) found.push({ pid, kind: 'edge', name: edge.split('=')[1] });
    } catch {
      // Exited while being read, or not ours to read.
    }
  }
  return found.sort((a, b) => a.name.localeCompare(b.name));
}

/** Whether something accepts TCP connections on 127.0.0.1:port (bounded: 2 s). */
export function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const finish = (listening: boolean) => {
      socket.destroy();
      resolve(listening);
    };
    socket.setTimeout(2_000, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

/** Open file descriptors of a process (Linux). */
export function fdCount(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

/** Resident set size of a process in MB, from /proc/<pid>/status. */
export function rssMb(pid: number): number {
  const line = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!line) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(line[1]) / 1024;
}

/** The port of an http://host:port endpoint. */
export const portOf = (endpoint: string): number => Number(new URL(endpoint).port);
