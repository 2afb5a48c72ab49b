import type { ReleaseRecord } from '../store/deployment-store';
import type { Deployment } from './domain/deployment';
import { calculatePhase, type Phase } from './domain/phase';

export interface EdgeChange {
  at: string;
  to: string;
  by: 'promote' | 'restore-edge';
}

export interface LedgerDeployment {
  id: string;
  kind: Deployment['kind'];
  phase: Phase;
  createdAt: string;
  finishedAt?: string;
  trigger: Deployment['trigger'];
  approvedBy?: string;
  override?: Deployment['override'];
  outcome?: Deployment['outcome'];
  smoke?: Deployment['smoke'];
  verification?: { samples: number; errors: number };
  edgeChanges: EdgeChange[];
}

export type LedgerEntry = ReleaseRecord & { deployments: LedgerDeployment[] };

/** The release ledger, newest release first: each release's record and every attempt to ship it. Pure. */
export function describeLedger(releases: ReleaseRecord[], deployments: Deployment[]): LedgerEntry[] {
  return releases.map((r) => ({
    ...r,
    deployments: deployments.filter((d) => d.release === r.release).map(describeDeployment),
  }));
}

function describeDeployment(d: Deployment): LedgerDeployment {
  const edgeChanges: EdgeChange[] = d.steps
    .filter((s) => s.status === 'succeeded' && (s.step === 'promote' || s.step === 'restore-edge'))
    .map((s) => ({
      at: s.endedAt ?? s.startedAt,
      to: s.step === 'promote' ? d.release : (d.blue?.release ?? 'none'),
      by: s.step as EdgeChange['by'],
    }));
  return {
    id: d.id,
    kind: d.kind,
    phase: calculatePhase(d),
    createdAt: d.createdAt,
    finishedAt: d.finishedAt,
    trigger: d.trigger,
    approvedBy: d.approvedBy,
    override: d.override,
    outcome: d.outcome,
    smoke: d.smoke,
    verification: d.verification && { samples: d.verification.samples, errors: d.verification.errors },
    edgeChanges,
  };
}
