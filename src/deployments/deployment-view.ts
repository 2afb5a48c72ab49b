import type { Deployment } from './domain/deployment';
import { calculatePhase, type Phase } from './domain/phase';

/** The deployment as the API shows it: the stored record plus its derived phase. */
export type DeploymentView = Deployment & { phase: Phase; finished: boolean };

export function toView(d: Deployment): DeploymentView {
  return { ...d, phase: calculatePhase(d), finished: d.finishedAt !== undefined };
}
