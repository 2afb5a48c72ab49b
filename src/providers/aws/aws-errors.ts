/**
 * AWS SDK errors carry the service's error code in `name` and its reason in `message`. The
 * adapters turn the expected ones into step results and let anything else propagate (the
 * reconciler retries a thrown error and records its message).
 */
export function awsErrorName(err: unknown): string | undefined {
  return err instanceof Error ? err.name : undefined;
}

export function hasAwsErrorName(err: unknown, ...names: string[]): boolean {
  const name = awsErrorName(err);
  return name !== undefined && names.includes(name);
}

/** "Code: message", the way a person reading a deployment's step message wants AWS quoted. */
export function quoteAwsError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  return err.message ? `${err.name}: ${err.message}` : err.name;
}

/** CloudFormation has no NotFound error: a missing stack is a ValidationError saying so. */
export function isMissingStackError(err: unknown): boolean {
  return awsErrorName(err) === 'ValidationError' && /does not exist/.test((err as Error).message);
}
