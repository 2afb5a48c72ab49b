import { needsOverride } from './decide-next-step';
import type { Deployment, TerminalPhase } from './deployment';

/**
 * The headline a person reads, derived from checkpoints and never stored on its own:
 *
 * - Pending: accepted, no step has run yet.
 * - Provisioning: capacity for green (a Fargate profile on aws) is being created.
 * - Deploying: green's workload is starting; waits until it is ready.
 * - SmokeTesting: green is checked on its own endpoint before any user sees it.
 * - AwaitingPromotion: green passed; an operator (or a CI promote step) must promote it.
 * - Promoting: the edge is being flipped to green.
 * - Verifying: the edge serves green; checked through the edge URL.
 * - ScalingDownBlue: green verified; blue keeps running for scaleDownDelaySeconds, then retires.
 * - Succeeded: green is active, blue retired.
 * - Failed: a step failed before the flip; green is torn down, blue kept serving.
 * - Aborted: stopped by an operator or superseded; green torn down, edge back on blue.
 * - RolledBack: green misbehaved after the flip (or an operator rolled back); edge back on blue.
 *
 * A terminal phase shows as soon as the outcome is known; `finishedAt` tells when unwinding
 * (edge restore, green teardown) has completed.
 */
export type Phase =
  | 'Pending'
  | 'Provisioning'
  | 'Deploying'
  | 'SmokeTesting'
  | 'AwaitingPromotion'
  | 'Promoting'
  | 'Verifying'
  | 'ScalingDownBlue'
  | 'Succeeded'
  | TerminalPhase;

export const PHASES: readonly Phase[] = [
  'Pending',
  'Provisioning',
  'Deploying',
  'SmokeTesting',
  'AwaitingPromotion',
  'Promoting',
  'Verifying',
  'ScalingDownBlue',
  'Succeeded',
  'Failed',
  'Aborted',
  'RolledBack',
];

export function calculatePhase(
  d: Pick<Deployment, 'checkpoints' | 'outcome' | 'autoPromote' | 'steps' | 'smoke' | 'override'>,
): Phase {
  const c = d.checkpoints;
  if (d.outcome) return d.outcome.phase;
  if (c.blueRetired) return 'Succeeded';
  if (c.edgeVerified) return 'ScalingDownBlue';
  if (c.edgeFlipped) return 'Verifying';
  if (c.smokePassed)
    return (d.autoPromote || c.promotionApproved) && !needsOverride(d) ? 'Promoting' : 'AwaitingPromotion';
  if (c.workloadReady) return 'SmokeTesting';
  if (c.profileReady) return 'Deploying';
  return d.steps.length > 0 ? 'Provisioning' : 'Pending';
}
