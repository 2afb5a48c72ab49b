export interface RestartBackoff {
  initialMs: number;
  maxMs: number;
}

/**
 * How long after its last start a dead release may be started again: doubling with each
 * restart, capped. Counted from the start rather than the death, so a release that ran for
 * a long time restarts at once while a crash loop is throttled, without recording death times.
 */
export function calculateRestartDelayMs(restarts: number, { initialMs, maxMs }: RestartBackoff): number {
  const doublings = Math.min(Math.max(restarts, 0), 30);
  return Math.min(initialMs * 2 ** doublings, maxMs);
}

/** Milliseconds until the next start is allowed; 0 when it is due now. */
export function calculateRestartWaitMs(
  startedAtMs: number | undefined,
  restarts: number,
  nowMs: number,
  backoff: RestartBackoff,
): number {
  if (startedAtMs === undefined || Number.isNaN(startedAtMs)) return 0;
  return Math.max(0, startedAtMs + calculateRestartDelayMs(restarts, backoff) - nowMs);
}
