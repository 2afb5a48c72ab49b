import type { Deployment, PublicStep, ReleaseRef } from '../deployments/domain/deployment';
import type { Phase } from '../deployments/domain/phase';

/** The shapes the HTTP API answers with (see README "HTTP API"); the CLI reads nothing else. */

export type DeploymentView = Deployment & { phase: Phase; finished: boolean };

export interface AppStatusView {
  app: string;
  active: ReleaseRef | null;
  previous: ReleaseRef | null;
  inFlight: { id: string; release: string; phase: Phase } | null;
  edge: { url: string; origin: { release: string; endpoint: string } | null };
  policy?: { autoPromote: boolean; scaleDownDelaySeconds: number; progressDeadlineSeconds: number };
}

export interface HistoryPage {
  items: DeploymentView[];
  nextCursor: string | null;
}

export type StepAnswer = DeploymentView & { step: PublicStep; alreadyDone: boolean };
export type RollbackAnswer = DeploymentView & { created: boolean };

export interface CreateDeploymentBody {
  release: string;
  artifact: string;
  commit?: string;
  autoPromote?: boolean;
  supersede?: boolean;
  stepwise?: boolean;
}

/** One server-sent event, its `data` parsed. */
export interface ServerEvent {
  id: string | undefined;
  type: string;
  at: string | undefined;
  data: Record<string, unknown>;
}
