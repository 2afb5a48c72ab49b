import { writeSync } from 'node:fs';
import { STEP_NAMES, type StepName } from '../deployments/domain/deployment';

/**
 * Failpoints, a testing aid (as etcd's gofail or TiKV's fail-rs): named places in the
 * reconciler where the controller can be made to die with SIGKILL, so a crash test hits the
 * exact moment it means to instead of guessing with timers from outside. Off unless
 * CUTOVER_FAILPOINT names one; unknown names are refused at boot, so a typo cannot make a
 * crash test pass by never crashing.
 *
 * Three per step:
 * - `before-run`: the attempt is recorded as started, nothing has been done yet;
 * - `before-record`: the step's side effect has happened (the edge flipped, a process
 *   started or signalled) but its result is not in the store: the dangerous middle;
 * - `after-record`: the result and checkpoint are stored, the next step has not begun.
 */
export const FAILPOINT_STAGES = ['before-run', 'before-record', 'after-record'] as const;
export type FailpointStage = (typeof FAILPOINT_STAGES)[number];

export type FailpointName = `${StepName}.${FailpointStage}`;

export const failpointName = (step: StepName, stage: FailpointStage): FailpointName => `${step}.${stage}`;

/** Every failpoint the code has, in the order a deployment meets them. */
export const FAILPOINTS: readonly FailpointName[] = STEP_NAMES.flatMap((step) =>
  FAILPOINT_STAGES.map((stage) => failpointName(step, stage)),
);

export const isFailpointName = (name: string): name is FailpointName =>
  (FAILPOINTS as readonly string[]).includes(name);

/**
 * The function the reconciler calls at each failpoint: nothing when none is armed (so the
 * off state costs one undefined check), else SIGKILL of this very process at the armed one.
 * SIGKILL, not an exception or exit(): no shutdown hook, no finally block, no flush may run,
 * exactly as when the machine loses power or the OOM killer strikes.
 */
export function armFailpoint(
  armed: FailpointName | null,
  kill: (name: FailpointName) => void = killThisProcess,
): ((name: FailpointName) => void) | undefined {
  if (!armed) return undefined;
  return (name) => {
    if (name === armed) kill(name);
  };
}

function killThisProcess(name: FailpointName): void {
  // Synchronous, so the line is out before the signal lands.
  writeSync(2, `cutover: failpoint ${name} reached; SIGKILL\n`);
  process.kill(process.pid, 'SIGKILL');
}
