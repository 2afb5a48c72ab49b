import { STATUS_CODES } from 'node:http';

/**
 * The API server's refusals, typed by what a caller does about them: 404 is usually "not there
 * yet / already gone", 409 "someone else is busy with it", 422 "our request is wrong, retrying
 * cannot help", 401/403 "cutover's credentials or RBAC are wrong". Each carries the API's own
 * Status message, which is what a person reading a step message needs.
 */
export class KubeApiError extends Error {
  constructor(
    /** "GET /api/v1/namespaces/x": never the token, never the body. */
    readonly request: string,
    readonly statusCode: number,
    /** The Status reason (NotFound, AlreadyExists, Invalid...) or, from a proxy, the HTTP reason phrase. */
    readonly reason: string,
    readonly apiMessage: string,
  ) {
    super(`${request} answered ${statusCode} ${reason}: ${apiMessage}`);
    this.name = new.target.name;
  }
}

export class KubeUnauthorizedError extends KubeApiError {}
export class KubeForbiddenError extends KubeApiError {}
export class KubeNotFoundError extends KubeApiError {}
export class KubeConflictError extends KubeApiError {}
export class KubeInvalidError extends KubeApiError {}

/** No answer at all: the server was unreachable or too slow. */
export class KubeRequestError extends Error {
  constructor(
    readonly request: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${request}: ${message}`, options);
    this.name = 'KubeRequestError';
  }
}

const BY_STATUS: Record<number, new (...args: ConstructorParameters<typeof KubeApiError>) => KubeApiError> = {
  401: KubeUnauthorizedError,
  403: KubeForbiddenError,
  404: KubeNotFoundError,
  409: KubeConflictError,
  422: KubeInvalidError,
};

/** Status messages can quote whole objects back; a step message needs the gist. */
const MAX_MESSAGE_CHARS = 600;

/** The typed error for a non-2xx answer whose body is (usually) a meta/v1 Status. */
export function kubeApiError(request: string, statusCode: number, body: string): KubeApiError {
  const status = parseStatus(body);
  const reason = status?.reason || STATUS_CODES[statusCode] || String(statusCode);
  const message = truncate(status?.message || body.trim() || 'no message', MAX_MESSAGE_CHARS);
  const Type = BY_STATUS[statusCode] ?? KubeApiError;
  return new Type(request, statusCode, reason, message);
}

interface StatusBody {
  reason?: string;
  message?: string;
}

function parseStatus(body: string): StatusBody | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed && typeof parsed === 'object' && (parsed as { kind?: unknown }).kind === 'Status') {
      const { reason, message } = parsed as Record<string, unknown>;
      return {
        reason: typeof reason === 'string' ? reason : undefined,
        message: typeof message === 'string' ? message : undefined,
      };
    }
  } catch {
    // Not JSON: a proxy or load balancer in front of the API answered; the text is the message.
  }
  return undefined;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}
