import { PUBLIC_STEP_DONE_AT, type PublicStep } from '../deployments/domain/deployment';
import type { DeploymentView } from './api-types';
import type { DeploymentProgress } from './deployment-progress';

/**
 * When a command stops waiting, and whether that is success. Each rule reads the same small
 * state, built either from the event stream or from a GET of the deployment, so a verdict
 * reached on events can be confirmed against the record. Pure.
 */
export interface WaitState {
  phase: string | undefined;
  /** The deployment got a terminal outcome (Failed, Aborted, RolledBack), unwinding or not. */
  outcome: string | undefined;
  finished: boolean;
  checkpoints: ReadonlySet<string>;
}

export interface Verdict {
  ok: boolean;
  /** Why waiting stopped. */
  because: 'finished' | 'awaiting-promotion' | 'step-done' | 'outcome';
}

export type WaitRule = (s: WaitState) => Verdict | undefined;

export function stateFromProgress(p: DeploymentProgress): WaitState {
  return { phase: p.phase, outcome: p.outcome?.phase, finished: p.finished, checkpoints: p.checkpoints };
}

export function stateFromView(d: DeploymentView): WaitState {
  const reached = Object.entries(d.checkpoints ?? {})
    .filter(([, at]) => Boolean(at))
    .map(([name]) => name);
  return { phase: d.phase, outcome: d.outcome?.phase, finished: d.finished, checkpoints: new Set(reached) };
}

/** Until the deployment has finished; success when it ends in one of `success`. */
export const untilFinished =
  (...success: string[]): WaitRule =>
  (s) =>
    s.finished ? { ok: s.phase !== undefined && success.includes(s.phase), because: 'finished' } : undefined;

/** `deploy --wait`: until it finishes, or stops to wait for an operator's promotion. */
export const deployWait: WaitRule = (s) => {
  if (s.finished) return untilFinished('Succeeded')(s);
  if (s.phase === 'AwaitingPromotion' && !s.outcome) return { ok: true, because: 'awaiting-promotion' };
  return undefined;
};

/**
 * `step <step>`: until the step's checkpoint is reached; any outcome is a failure. `cleanup`,
 * the last step, also waits for the deployment to finish, so the next pipeline's first step
 * does not find this one still in flight.
 */
export const stepDone =
  (step: PublicStep): WaitRule =>
  (s) => {
    const reached = s.checkpoints.has(PUBLIC_STEP_DONE_AT[step]);
    if (reached && (step !== 'cleanup' || s.finished)) return { ok: true, because: 'step-done' };
    if (s.outcome) return { ok: false, because: 'outcome' };
    if (s.finished) return { ok: false, because: 'finished' };
    return undefined;
  };
