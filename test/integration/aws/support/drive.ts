import type { StepResult } from '../../../../src/providers/ports';

/**
 * Calls a step-like function again and again, as the reconciler would after each "look again
 * later", until it is done or failed. Returns every result, in order.
 */
export async function drive(call: () => Promise<StepResult>, maxCalls = 20): Promise<StepResult[]> {
  const results: StepResult[] = [];
  for (let i = 0; i < maxCalls; i++) {
    const result = await call();
    results.push(result);
    if (result.status !== 'progressing') return results;
  }
  throw new Error(`still progressing after ${maxCalls} calls: ${results[results.length - 1]?.message}`);
}

export function last(results: StepResult[]): StepResult {
  return results[results.length - 1];
}
