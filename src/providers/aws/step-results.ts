import type { StepResult } from '../ports';

/** Step results as values, spelled once for both aws adapters. */
export function done(message: string): StepResult {
  return { status: 'done', message };
}

export function progressing(message: string, retryAfterSeconds: number): StepResult {
  return { status: 'progressing', message, retryAfterSeconds };
}

export function failed(message: string): StepResult {
  return { status: 'failed', message };
}
