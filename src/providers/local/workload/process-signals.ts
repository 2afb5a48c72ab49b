/**
 * Signals a release's whole process group (it was spawned detached, so its pid is the group
 * id), falling back to the pid alone for a process that leads no group. Returns false when
 * nothing was there to signal. Refuses pids 0 and 1: `kill(-0)` and `kill(-1)` would reach
 * the controller's own group or every process it may signal.
 */
export function signalRelease(pid: number, signal: NodeJS.Signals): boolean {
  if (!Number.isInteger(pid) || pid <= 1) return false;
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, signal);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
  }
  return false;
}
