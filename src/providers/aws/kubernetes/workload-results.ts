import type { WorkloadResult } from '../../ports';

/** Not-done workload results; a done one carries its endpoint and is spelled where it is made. */
export function workloadProgressing(message: string, retryAfterSeconds: number): WorkloadResult {
  return { status: 'progressing', message, retryAfterSeconds };
}

export function workloadFailed(message: string): WorkloadResult {
  return { status: 'failed', message };
}
