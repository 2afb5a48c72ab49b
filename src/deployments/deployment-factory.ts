import { randomBytes } from 'node:crypto';
import type { Deployment, ReleaseRef, Trigger } from './domain/deployment';

export interface NewDeploymentInput {
  app: string;
  release: string;
  artifact: string;
  kind: Deployment['kind'];
  trigger: Trigger;
  blue: ReleaseRef | null;
  autoPromote: boolean;
  stepwise: boolean;
}

/** A fresh deployment record; ids sort by time and name the app and release they deploy. */
export function newDeployment(input: NewDeploymentInput, now: Date): Deployment {
  const iso = now.toISOString();
  const stamp = iso.replace(/[-:TZ.]/g, '').slice(0, 14);
  return {
    id: `${input.app}-${input.release}-${stamp}-${randomBytes(3).toString('hex')}`,
    app: input.app,
    release: input.release,
    artifact: input.artifact,
    kind: input.kind,
    trigger: input.trigger,
    blue: input.blue,
    autoPromote: input.autoPromote,
    allowedThrough: input.stepwise ? 'none' : 'all',
    checkpoints: {},
    steps: [],
    progressAt: iso,
    createdAt: iso,
    updatedAt: iso,
    version: 1,
  };
}
