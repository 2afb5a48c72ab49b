import { HttpException } from '@nestjs/common';
import { ApiError } from './api-error';

const CODE_BY_STATUS: Record<number, string> = {
  400: 'BAD_REQUEST',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

/**
 * Maps errors raised by the framework (body parsing and limits, which Nest wraps into
 * HttpExceptions carrying Fastify's status, and unknown routes) to stable API errors, so no
 * input can surface as a 500. Anything else returns undefined: that is a real 500.
 */
export function mapFrameworkError(err: unknown): ApiError | undefined {
  if (err instanceof ApiError) return err;
  if (!(err instanceof HttpException)) return undefined;
  const status = err.getStatus();
  if (status >= 500) return undefined;
  if (status === 400 && /JSON/i.test(err.message))
    return new ApiError(400, 'INVALID_JSON', 'the body is not valid JSON', {});
  if (status === 415) return new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json', {});
  if (status === 413) return new ApiError(413, 'PAYLOAD_TOO_LARGE', 'the request body is larger than the limit', {});
  return new ApiError(status, CODE_BY_STATUS[status] ?? 'BAD_REQUEST', err.message, {});
}
