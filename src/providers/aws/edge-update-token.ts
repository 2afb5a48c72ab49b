import { createHash } from 'node:crypto';

/**
 * UpdateStack's ClientRequestToken. CloudFormation stamps it on every event of the operation,
 * so after a rollback the events say whether the update that failed was the one routing to
 * this target, even after a controller restart. The time part keeps each attempt's token its
 * own (a token names one request, not one target).
 */
export function edgeUpdateToken(target: { host: string; release: string }, now: Date): string {
  return `${edgeUpdateTokenPrefix(target)}${now.getTime().toString(36)}`;
}

export function isEdgeUpdateTokenFor(token: string | undefined, target: { host: string; release: string }): boolean {
  return token?.startsWith(edgeUpdateTokenPrefix(target)) ?? false;
}

function edgeUpdateTokenPrefix(target: { host: string; release: string }): string {
  const digest = createHash('sha256').update(`${target.host}\n${target.release}`).digest('hex').slice(0, 16);
  // CloudFormation tokens: [a-zA-Z][-a-zA-Z0-9]*, at most 128 characters.
  return `cutover-route-${digest}-`;
}
