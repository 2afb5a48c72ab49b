/** What the client is told when the upstream fails before the response started. */
export interface UpstreamFailure {
  status: 502 | 504;
  code: 'UPSTREAM_UNAVAILABLE' | 'UPSTREAM_TIMEOUT';
  message: string;
}

const TIMEOUTS = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT']);

function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * True when the connection was refused, so not one byte of the request reached the upstream and
 * sending it again cannot repeat a side effect. With several addresses to try (localhost: ::1
 * and 127.0.0.1) Node reports an AggregateError: every attempt must have been refused.
 */
export function refusedBeforeSending(err: unknown): boolean {
  if (err instanceof AggregateError && err.errors.length > 0) return err.errors.every(refusedBeforeSending);
  return codeOf(err) === 'ECONNREFUSED';
}

export function classifyUpstreamError(err: unknown, release: string): UpstreamFailure {
  const code = codeOf(err);
  if (code !== undefined && TIMEOUTS.has(code)) {
    return { status: 504, code: 'UPSTREAM_TIMEOUT', message: `release ${release} did not answer in time` };
  }
  return {
    status: 502,
    code: 'UPSTREAM_UNAVAILABLE',
    message: `release ${release} could not be reached or broke off its answer${code ? ` (${code})` : ''}`,
  };
}
