import type { DeploymentView } from './api-types';
import type { DeploymentProgress, ProgressChange } from './deployment-progress';
import { formatDuration, oneLine } from './format';

/** Shows a deployment's progress as it happens: a live list on a terminal, timestamped lines in CI. */
export interface ProgressPrinter {
  begin(d: DeploymentView): void;
  update(change: ProgressChange, progress: DeploymentProgress): void;
  /** Something about the CLI itself, e.g. a lost connection being retried. */
  note(message: string): void;
  end(summary: Summary): void;
}

export interface Summary {
  ok: boolean;
  text: string;
}

export function headline(d: Pick<DeploymentView, 'id' | 'app' | 'release' | 'blue' | 'kind' | 'phase'>): string {
  const kind = d.kind === 'rollback' ? 'rollback' : 'deployment';
  return `${kind} ${d.id}: app ${d.app}, release ${d.release} (blue ${d.blue?.release ?? 'none'}), phase ${d.phase}`;
}

/** The line a change prints in plain mode; undefined for changes not worth a line. */
export function describeChange(change: ProgressChange): string | undefined {
  switch (change.kind) {
    case 'created':
      return undefined;
    case 'step-requested':
      return `step ${change.step} requested${change.by ? ` by ${change.by}` : ''}`;
    case 'step-started':
      if (change.mode === 'retry') return `step ${change.step.step} retrying (attempt ${change.step.attempt})`;
      return change.mode === 'new' ? `step ${change.step.step} started` : undefined;
    case 'step-waiting':
      return change.messageChanged ? `step ${change.step.step} waiting: ${oneLine(change.step.message)}` : undefined;
    case 'step-ended': {
      const verb = change.step.state === 'succeeded' ? 'succeeded in' : 'failed after';
      const message = change.step.message ? `: ${oneLine(change.step.message)}` : '';
      return `step ${change.step.step} ${verb} ${formatDuration(change.durationMs)}${message}`;
    }
    case 'promoted':
      return `promoted${change.by ? ` by ${change.by}` : ''}`;
    case 'phase':
      if (change.phase === 'AwaitingPromotion') return 'phase AwaitingPromotion: green passed; waiting for promotion';
      if (['Failed', 'Aborted', 'RolledBack'].includes(change.phase))
        return `phase ${change.phase}${change.reason ? `: ${oneLine(change.reason)}` : ''}`;
      return undefined;
    case 'finished':
      return `finished: ${change.phase}`;
  }
}
