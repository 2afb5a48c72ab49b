import { DescribeStackEventsCommand, type CloudFormationClient, type StackEvent } from '@aws-sdk/client-cloudformation';

/** What the stack's events say about its most recent operation. */
export interface LastOperation {
  /** The ClientRequestToken of the request that started it, if it carried one. */
  clientRequestToken?: string;
  /** The first failure, as "Resource STATUS: reason", in the order CloudFormation hit them. */
  failure?: string;
}

const OPERATION_STARTS = ['CREATE_IN_PROGRESS', 'UPDATE_IN_PROGRESS', 'IMPORT_IN_PROGRESS', 'DELETE_IN_PROGRESS'];
/** The newest page or two hold a one-resource stack's last operation; this only bounds a surprise. */
const MAX_PAGES = 5;

export async function readLastOperation(
  cloudformation: CloudFormationClient,
  stackName: string,
): Promise<LastOperation> {
  const events: StackEvent[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const out = await cloudformation.send(
      new DescribeStackEventsCommand({ StackName: stackName, NextToken: nextToken }),
    );
    events.push(...(out.StackEvents ?? []));
    nextToken = out.NextToken;
    if (!nextToken || findOperationStart(events, stackName) >= 0) break;
  }
  return summariseLastOperation(events, stackName);
}

/**
 * Events come newest first. The last operation is everything above (newer than) the newest
 * stack-level *_IN_PROGRESS event that starts an operation. Its first failure is the oldest
 * failed event in it: later failures are usually "Resource update cancelled" echoes of it.
 */
export function summariseLastOperation(eventsNewestFirst: StackEvent[], stackName: string): LastOperation {
  const start = findOperationStart(eventsNewestFirst, stackName);
  const operation = start >= 0 ? eventsNewestFirst.slice(0, start + 1) : eventsNewestFirst;
  const oldestFirst = [...operation].reverse();
  const failedEvent =
    oldestFirst.find((e) => !isStackEvent(e, stackName) && isFailure(e)) ??
    oldestFirst.find(
      (e) => isStackEvent(e, stackName) && e !== operation[operation.length - 1] && e.ResourceStatusReason,
    );
  return {
    clientRequestToken: start >= 0 ? eventsNewestFirst[start].ClientRequestToken : undefined,
    failure:
      failedEvent &&
      `${failedEvent.LogicalResourceId} ${failedEvent.ResourceStatus}: ${failedEvent.ResourceStatusReason}`,
  };
}

function findOperationStart(events: StackEvent[], stackName: string): number {
  return events.findIndex((e) => isStackEvent(e, stackName) && OPERATION_STARTS.includes(e.ResourceStatus ?? ''));
}

function isStackEvent(e: StackEvent, stackName: string): boolean {
  return e.ResourceType === 'AWS::CloudFormation::Stack' && e.LogicalResourceId === stackName;
}

function isFailure(e: StackEvent): boolean {
  return (e.ResourceStatus ?? '').endsWith('_FAILED') && Boolean(e.ResourceStatusReason);
}
