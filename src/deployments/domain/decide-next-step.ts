import { PUBLIC_STEPS, type Deployment, type PublicStep, type StepName } from './deployment';

export interface DeploymentPolicy {
  /** How long a step may go without reaching a checkpoint before the deployment fails. */
  progressDeadlineSeconds: number;
  /** How long blue keeps running after green is verified, so a rollback is a flip, not a redeploy. */
  scaleDownDelaySeconds: number;
}

export type Decision =
  | { kind: 'run'; step: StepName; reason: string }
  | { kind: 'wait'; reason: string; until?: string }
  | { kind: 'fail'; step: StepName; reason: string }
  | { kind: 'finish'; reason: string }
  | { kind: 'idle'; reason: string };

/** Which public step must have been requested before the reconciler may run an internal one. */
const GATE_OF: Partial<Record<StepName, PublicStep>> = {
  provision: 'provision',
  deploy: 'deploy',
  'smoke-test': 'smoke-test',
  promote: 'promote',
  verify: 'promote',
  'scale-down-blue': 'cleanup',
};

/**
 * The one place that decides what a deployment does next. Pure: it reads the record, the
 * app's policy and the clock, and returns a decision with the reason for it.
 */
export function decideNextStep(d: Deployment, policy: DeploymentPolicy, now: number): Decision {
  if (d.finishedAt) return { kind: 'idle', reason: `finished at ${d.finishedAt}` };
  return d.outcome ? decideUnwind(d, policy, now) : decideForward(d, policy, now);
}

function decideForward(d: Deployment, policy: DeploymentPolicy, now: number): Decision {
  const c = d.checkpoints;
  const step = nextForwardStep(d);
  if (!step) return { kind: 'finish', reason: 'green is active and blue is retired' };

  if (step === 'promote' && needsOverride(d)) {
    return {
      kind: 'wait',
      reason: `non-critical gates failed (${failedGates(d).join(', ')}); promote with an override to go past them`,
    };
  }
  if (step === 'promote' && !d.autoPromote && !c.promotionApproved) {
    return { kind: 'wait', reason: 'green passed its smoke test and awaits promotion' };
  }
  const gate = GATE_OF[step];
  if (gate && !isAllowed(d.allowedThrough, gate)) {
    return { kind: 'wait', reason: `waiting for the ${gate} step to be requested` };
  }
  if (step === 'scale-down-blue' && d.blue && c.edgeVerified) {
    const due = Date.parse(c.edgeVerified) + policy.scaleDownDelaySeconds * 1000;
    if (now < due) {
      return {
        kind: 'wait',
        reason: `blue ${d.blue.release} stays up for rollback until the scale-down delay ends`,
        until: iso(due),
      };
    }
  }
  const overdue = checkDeadline(d, step, policy, now);
  if (overdue) return overdue;
  if (d.nextAttemptAt && now < Date.parse(d.nextAttemptAt)) {
    return { kind: 'wait', reason: `${step} asked to be looked at again later`, until: d.nextAttemptAt };
  }
  return { kind: 'run', step, reason: reasonFor(step, d) };
}

function decideUnwind(d: Deployment, policy: DeploymentPolicy, now: number): Decision {
  const c = d.checkpoints;
  const outcome = d.outcome!;
  if (needsEdgeRestore(d)) {
    // Never given up on: users must get back to blue, however long the edge takes.
    if (d.nextAttemptAt && now < Date.parse(d.nextAttemptAt))
      return { kind: 'wait', reason: 'edge restore in progress', until: d.nextAttemptAt };
    return {
      kind: 'run',
      step: 'restore-edge',
      reason: `${outcome.phase}: put the edge back on ${d.blue ? d.blue.release : 'no origin'}`,
    };
  }
  if (!c.greenRetired) {
    const elapsed = now - Date.parse(d.progressAt);
    if (elapsed > policy.progressDeadlineSeconds * 1000) {
      return {
        kind: 'finish',
        reason: `green ${d.release} teardown did not finish within ${policy.progressDeadlineSeconds}s; it may need manual cleanup`,
      };
    }
    if (d.nextAttemptAt && now < Date.parse(d.nextAttemptAt))
      return { kind: 'wait', reason: 'green teardown in progress', until: d.nextAttemptAt };
    return {
      kind: 'run',
      step: 'retire-green',
      reason: `${outcome.phase}: tear down green ${d.release}, blue untouched`,
    };
  }
  return { kind: 'finish', reason: `${outcome.phase}: ${outcome.reason}` };
}

/** Green passed every critical gate but failed a non-critical one, and nobody has overridden it yet. */
export function needsOverride(d: Pick<Deployment, 'smoke' | 'override'>): boolean {
  return !d.override && failedGates(d).length > 0;
}

export function failedGates(d: Pick<Deployment, 'smoke'>): string[] {
  return (d.smoke?.checks ?? []).filter((c) => !c.passed).map((c) => c.name);
}

/** The first forward step whose checkpoint is missing, or undefined when all are reached. */
export function nextForwardStep(d: Pick<Deployment, 'checkpoints'>): StepName | undefined {
  const c = d.checkpoints;
  if (!c.profileReady) return 'provision';
  if (!c.workloadReady) return 'deploy';
  if (!c.smokePassed) return 'smoke-test';
  if (!c.edgeFlipped) return 'promote';
  if (!c.edgeVerified) return 'verify';
  if (!c.blueRetired) return 'scale-down-blue';
  return undefined;
}

/** The edge may point at green (flipped, or a flip was started) and must go back. */
export function needsEdgeRestore(d: Pick<Deployment, 'checkpoints' | 'steps'>): boolean {
  const c = d.checkpoints;
  if (c.edgeRestored || c.blueRetired) return false;
  return Boolean(c.edgeFlipped) || d.steps.some((s) => s.step === 'promote');
}

function checkDeadline(d: Deployment, step: StepName, policy: DeploymentPolicy, now: number): Decision | undefined {
  let since = Date.parse(d.progressAt);
  if (step === 'scale-down-blue' && d.checkpoints.edgeVerified) {
    since = Math.max(since, Date.parse(d.checkpoints.edgeVerified) + policy.scaleDownDelaySeconds * 1000);
  }
  const limit = policy.progressDeadlineSeconds * 1000;
  if (now - since <= limit) return undefined;
  const last = [...d.steps].reverse().find((s) => s.step === step);
  const detail = last ? `; last: ${last.message}` : '';
  return {
    kind: 'fail',
    step,
    reason: `${step} made no progress for ${policy.progressDeadlineSeconds}s (progress deadline)${detail}`,
  };
}

export function isAllowed(allowedThrough: Deployment['allowedThrough'], gate: PublicStep): boolean {
  if (allowedThrough === 'all') return true;
  if (allowedThrough === 'none') return false;
  return PUBLIC_STEPS.indexOf(allowedThrough) >= PUBLIC_STEPS.indexOf(gate);
}

function reasonFor(step: StepName, d: Deployment): string {
  switch (step) {
    case 'provision':
      return `green ${d.release} needs capacity`;
    case 'deploy':
      return `capacity ready; green ${d.release} must run`;
    case 'smoke-test':
      return `green ${d.release} runs; test it before users see it`;
    case 'promote':
      return d.autoPromote ? 'smoke test passed and autoPromote is on' : 'smoke test passed and promotion was approved';
    case 'verify':
      return `edge flipped; confirm it serves ${d.release}`;
    case 'scale-down-blue':
      return d.blue
        ? `green verified and the scale-down delay is over; retire blue ${d.blue.release}`
        : 'no blue to retire';
    default:
      return step;
  }
}

const iso = (ms: number) => new Date(ms).toISOString();
