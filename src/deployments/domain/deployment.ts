/**
 * The deployment record: one attempt to make a release of an app active. Progress is stored
 * as fine-grained checkpoints; the phase people see is derived from them (see phase.ts).
 */

/** Forward progress, in order. Each is an ISO timestamp once reached. */
export const FORWARD_CHECKPOINTS = [
  'profileReady',
  'workloadReady',
  'smokePassed',
  'promotionApproved',
  'edgeFlipped',
  'edgeVerified',
  'blueRetired',
] as const;

/** Unwinding after a failure, an abort or a rollback. */
export const UNWIND_CHECKPOINTS = ['edgeRestored', 'greenRetired'] as const;

export type ForwardCheckpoint = (typeof FORWARD_CHECKPOINTS)[number];
export type UnwindCheckpoint = (typeof UNWIND_CHECKPOINTS)[number];
export type Checkpoint = ForwardCheckpoint | UnwindCheckpoint;
export type Checkpoints = Partial<Record<Checkpoint, string>>;

/** Every step the reconciler can run. */
export const STEP_NAMES = [
  'provision',
  'deploy',
  'smoke-test',
  'promote',
  'verify',
  'scale-down-blue',
  'restore-edge',
  'retire-green',
] as const;
export type StepName = (typeof STEP_NAMES)[number];

/** The steps step-by-step callers (CircleCI) request, in the order they must come. */
export const PUBLIC_STEPS = ['provision', 'deploy', 'smoke-test', 'promote', 'cleanup'] as const;
export type PublicStep = (typeof PUBLIC_STEPS)[number];

export type TerminalPhase = 'Failed' | 'Aborted' | 'RolledBack';

export interface ReleaseRef {
  release: string;
  artifact: string;
}

export interface Trigger {
  source: 'ci' | 'operator' | 'system';
  actor?: string;
  commit?: string;
  workflowUrl?: string;
}

/** 'interrupted': the controller died while the attempt ran; the step is simply run again. */
export type StepAttemptStatus = 'running' | 'succeeded' | 'waiting' | 'failed' | 'interrupted';

export interface StepAttempt {
  step: StepName;
  attempt: number;
  startedAt: string;
  endedAt?: string;
  status: StepAttemptStatus;
  message: string;
}

export interface Outcome {
  phase: TerminalPhase;
  reason: string;
  at: string;
  step?: StepName;
  by?: string;
}

export interface SmokeCheck {
  name: string;
  passed: boolean;
  critical: boolean;
  message: string;
  value?: number | string;
  threshold?: number | string;
}

export interface SmokeReport {
  passed: boolean;
  startedAt: string;
  finishedAt: string;
  target: string;
  checks: SmokeCheck[];
}

/** What verification has seen through the edge so far (the verify step runs over many ticks). */
export interface VerificationProgress {
  propagatedAt?: string;
  samples: number;
  errors: number;
  wrongRelease: number;
  /** Latencies of the most recent samples, for the p95. */
  latenciesMs: number[];
  lastError?: string;
}

export interface Deployment {
  id: string;
  app: string;
  release: string;
  artifact: string;
  kind: 'deploy' | 'rollback';
  trigger: Trigger;
  /** The release the edge served when this deployment started (null for an app's first release). */
  blue: ReleaseRef | null;
  autoPromote: boolean;
  /**
   * How far step-by-step callers (CircleCI) allowed it to go: 'none' until the first step is
   * requested; 'all' lets the reconciler run to the end on its own.
   */
  allowedThrough: PublicStep | 'all' | 'none';
  /** The deployment says green's features differ from blue's on purpose (the schema gate allows it). */
  declaredFeatureChange?: boolean;
  /** Who approved the promotion (an operator, or CI through the promote step). */
  approvedBy?: string;
  /** An operator promoted past failed non-critical gates. */
  override?: { by: string; at: string; gates: string[]; reason?: string };
  /** The app's active/previous releases just before the flip, restored if the flip is undone. */
  appBeforeFlip?: { active: ReleaseRef | null; previous: ReleaseRef | null };
  checkpoints: Checkpoints;
  /** Where green answers, once its workload is running. */
  greenEndpoint?: string;
  outcome?: Outcome;
  steps: StepAttempt[];
  smoke?: SmokeReport;
  verification?: VerificationProgress;
  /** A step that is waiting on the cloud asks to be looked at again no earlier than this. */
  nextAttemptAt?: string;
  /** Last time a checkpoint was reached; the progress deadline counts from here. */
  progressAt: string;
  createdAt: string;
  updatedAt: string;
  finishedAt?: string;
  version: number;
}

/** The checkpoint each step reaches when it is done. */
export const CHECKPOINT_OF: Record<StepName, Checkpoint> = {
  provision: 'profileReady',
  deploy: 'workloadReady',
  'smoke-test': 'smokePassed',
  promote: 'edgeFlipped',
  verify: 'edgeVerified',
  'scale-down-blue': 'blueRetired',
  'restore-edge': 'edgeRestored',
  'retire-green': 'greenRetired',
};

/** A public step is done when this checkpoint is reached (promote includes verification). */
export const PUBLIC_STEP_DONE_AT: Record<PublicStep, ForwardCheckpoint> = {
  provision: 'profileReady',
  deploy: 'workloadReady',
  'smoke-test': 'smokePassed',
  promote: 'edgeVerified',
  cleanup: 'blueRetired',
};

export const isFinished = (d: Pick<Deployment, 'finishedAt'>): boolean => d.finishedAt !== undefined;
