/** What the edge stack's observed state calls for when routing to a target. Pure. */

export interface ObservedEdgeStack {
  status: string;
  host?: string;
  release?: string;
}

export interface EdgeTarget {
  host: string;
  release: string;
}

export type EdgeStackAction =
  /** CloudFormation is busy with the stack; look again later. */
  | { action: 'wait'; reason: string }
  /** The stack is in a state only a person can get it out of. */
  | { action: 'needs-a-person'; reason: string }
  /** The stack says the target; the distribution must still be deployed everywhere. */
  | { action: 'check-distribution'; reason: string }
  /** The last update rolled back and the stack is not at the target: was that update ours? */
  | { action: 'explain-rollback'; reason: string }
  | { action: 'update'; reason: string };

/** States CloudFormation will not update from, with what a person has to do. */
const NEEDS_A_PERSON: Record<string, string> = {
  CREATE_FAILED: 'its creation failed; delete it and bootstrap the edge again',
  ROLLBACK_COMPLETE: 'its creation rolled back; delete it and bootstrap the edge again',
  ROLLBACK_FAILED: 'its creation failed and so did the cleanup; delete it and bootstrap the edge again',
  DELETE_IN_PROGRESS: 'someone is deleting it; cutover never deletes the edge, bootstrap it again afterwards',
  DELETE_FAILED: 'a deletion of it failed',
  DELETE_COMPLETE: 'it was deleted',
  UPDATE_FAILED: 'an update failed',
  UPDATE_ROLLBACK_FAILED:
    'an update failed and so did its rollback; continue the rollback (aws cloudformation continue-update-rollback) before cutover can flip it again',
  IMPORT_ROLLBACK_FAILED: 'an import failed and so did its rollback',
  REVIEW_IN_PROGRESS: 'it was created from a change set that was never executed',
};

/** Finished states whose parameters are what was asked for last. */
const SETTLED_FORWARD = ['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'IMPORT_COMPLETE'];
/** Finished states whose parameters are what was there before the last (failed) operation. */
const ROLLED_BACK = ['UPDATE_ROLLBACK_COMPLETE', 'IMPORT_ROLLBACK_COMPLETE'];

export function decideEdgeStackAction(stack: ObservedEdgeStack, target: EdgeTarget): EdgeStackAction {
  const person = NEEDS_A_PERSON[stack.status];
  if (person) return { action: 'needs-a-person', reason: `it is ${stack.status}: ${person}` };
  if (stack.status.endsWith('_IN_PROGRESS')) return { action: 'wait', reason: `it is ${stack.status}` };

  const current = `${stack.host ?? '(no origin)'} (release ${stack.release || 'unknown'})`;
  const atTarget = stack.host === target.host && stack.release === target.release;
  if (atTarget && SETTLED_FORWARD.includes(stack.status)) {
    return { action: 'check-distribution', reason: `its origin is ${current} and it is ${stack.status}` };
  }
  if (!atTarget && ROLLED_BACK.includes(stack.status)) {
    return { action: 'explain-rollback', reason: `it is ${stack.status} with origin ${current}` };
  }
  // A rolled-back stack that shows the target is updated too: "No updates are to be
  // performed" then confirms it without trusting a rollback state as a success.
  return { action: 'update', reason: `its origin is ${current} and it is ${stack.status}` };
}
