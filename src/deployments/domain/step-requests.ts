import { isAllowed } from './decide-next-step';
import { PUBLIC_STEP_DONE_AT, PUBLIC_STEPS, type Deployment, type PublicStep } from './deployment';
import { InvalidTransition, StepOutOfOrder } from './errors';

export type StepRequestDecision =
  { kind: 'already-done' } | { kind: 'allow'; allowedThrough: Deployment['allowedThrough'] };

/**
 * Whether a step-by-step caller may request `step` now. Pure. A step whose predecessor has not
 * finished is out of order (409 naming the step that must come first); a step already done is
 * a safe retry.
 */
export function decideStepRequest(d: Deployment, step: PublicStep): StepRequestDecision {
  if (d.checkpoints[PUBLIC_STEP_DONE_AT[step]]) return { kind: 'already-done' };
  if (d.outcome || d.finishedAt) {
    throw new InvalidTransition(`deployment ${d.id} is ${d.outcome?.phase ?? 'finished'}; no step can run`, {
      outcome: d.outcome,
    });
  }
  const index = PUBLIC_STEPS.indexOf(step);
  const missing = PUBLIC_STEPS.slice(0, index).find((s) => !d.checkpoints[PUBLIC_STEP_DONE_AT[s]]);
  if (missing) {
    throw new StepOutOfOrder(`step ${missing} must complete before ${step}`, { step, mustComeFirst: missing });
  }
  return { kind: 'allow', allowedThrough: isAllowed(d.allowedThrough, step) ? d.allowedThrough : step };
}
