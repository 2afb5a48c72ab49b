import { calculatePhase } from '../deployments/domain/phase';
import { CHECKPOINT_OF, type Deployment, type StepAttempt, type StepName } from '../deployments/domain/deployment';
import type { StepExecution } from '../deployments/steps/step';
import type { NewEvent } from '../store/deployment-store';

const UNWIND_STEPS: readonly StepName[] = ['restore-edge', 'retire-green'];
const UNWIND_RETRY_SECONDS = 2;

/**
 * Folds one step's result into the record (pure): checkpoint and progress on done, a later
 * look on progressing, an outcome on failure. Unwinding steps never fail the deployment a
 * second time: they are retried until their own deadline.
 */
export function applyStepResult(d: Deployment, attempt: StepAttempt, execution: StepExecution, now: Date): NewEvent[] {
  const { result } = execution;
  const iso = now.toISOString();
  const phaseBefore = calculatePhase(d);
  const recorded = d.steps.find((s) => s.step === attempt.step && s.attempt === attempt.attempt);
  const finishedAttempt: StepAttempt = { ...attempt, endedAt: iso, message: result.message, status: 'succeeded' };
  Object.assign(d, execution.patch ?? {});
  delete d.nextAttemptAt;

  if (result.status === 'done') {
    d.checkpoints[CHECKPOINT_OF[attempt.step]] = iso;
    d.progressAt = iso;
  } else if (result.status === 'progressing') {
    finishedAttempt.status = 'waiting';
    d.nextAttemptAt = new Date(now.getTime() + result.retryAfterSeconds * 1000).toISOString();
  } else if (UNWIND_STEPS.includes(attempt.step)) {
    finishedAttempt.status = 'failed';
    d.nextAttemptAt = new Date(now.getTime() + UNWIND_RETRY_SECONDS * 1000).toISOString();
  } else {
    finishedAttempt.status = 'failed';
    if (!d.outcome)
      d.outcome = {
        phase: d.checkpoints.edgeFlipped ? 'RolledBack' : 'Failed',
        reason: result.message,
        at: iso,
        step: attempt.step,
      };
  }
  if (recorded) Object.assign(recorded, finishedAttempt);
  else d.steps.push(finishedAttempt);

  const events: NewEvent[] = [
    {
      type: 'step.finished',
      data: { step: attempt.step, attempt: attempt.attempt, status: finishedAttempt.status, message: result.message },
    },
  ];
  const phaseAfter = calculatePhase(d);
  if (phaseAfter !== phaseBefore) events.push({ type: 'phase', data: { phase: phaseAfter, from: phaseBefore } });
  return events;
}

/** Records that a step starts, before it runs, so a crash mid-step leaves a trace. */
export function startAttempt(
  d: Deployment,
  step: StepName,
  reason: string,
  now: Date,
): { attempt: StepAttempt; events: NewEvent[] } {
  const events = closeInterruptedAttempts(d, now);
  // Numbered from the highest so far, not from how many are kept: compaction drops old ones.
  const previous = Math.max(0, ...d.steps.filter((s) => s.step === step).map((s) => s.attempt));
  const attempt: StepAttempt = {
    step,
    attempt: previous + 1,
    startedAt: now.toISOString(),
    status: 'running',
    message: reason,
  };
  d.steps.push(attempt);
  compactSteps(d, step);
  const phaseBefore = calculatePhase({ ...d, steps: d.steps.slice(0, -1) });
  events.push({ type: 'step.started', data: { step, attempt: attempt.attempt, reason } });
  const phaseAfter = calculatePhase(d);
  if (phaseAfter !== phaseBefore) events.push({ type: 'phase', data: { phase: phaseAfter, from: phaseBefore } });
  return { attempt, events };
}

/**
 * An attempt still 'running' when a new one starts (or the deployment finishes) was cut short
 * by a controller that died mid-step: one controller runs one attempt of a deployment at a
 * time. It is closed as 'interrupted', so the record says what happened and every attempt has
 * an end; its step observes first, so the next attempt finds whatever the cut one did.
 */
export function closeInterruptedAttempts(d: Deployment, now: Date): NewEvent[] {
  const events: NewEvent[] = [];
  for (const s of d.steps) {
    if (s.status !== 'running') continue;
    s.status = 'interrupted';
    s.endedAt = now.toISOString();
    s.message = `interrupted: the controller stopped before this attempt ended (it was: ${s.message})`;
    events.push({
      type: 'step.finished',
      data: { step: s.step, attempt: s.attempt, status: s.status, message: s.message },
    });
  }
  return events;
}

const MAX_WAITING_ATTEMPTS_KEPT = 20;

/**
 * A step that waits for minutes must not grow the record without bound: of one step's
 * "waiting" attempts only the latest are kept. Other steps' attempts are never touched.
 */
function compactSteps(d: Deployment, step: StepName): void {
  const waiting = d.steps.filter((s) => s.step === step && s.status === 'waiting');
  if (waiting.length <= MAX_WAITING_ATTEMPTS_KEPT) return;
  const drop = new Set(waiting.slice(0, waiting.length - MAX_WAITING_ATTEMPTS_KEPT));
  d.steps = d.steps.filter((s) => !drop.has(s));
}
