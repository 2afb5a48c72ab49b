import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../../predictor/src/errors/api-error';
import { STATUS_BY_CODE } from './error-status';

/**
 * Longest path parameter the router hands to a route. Above every DTO's own limit, so those
 * answer with VALIDATION_FAILED naming the parameter; longer ones never reach a route.
 */
export const MAX_PARAM_LENGTH = 256;

const CODE_BY_FASTIFY_CODE: Record<string, string> = {
  FST_ERR_BAD_URL: 'BAD_REQUEST',
  FST_ERR_MAX_PARAM_LENGTH: 'URI_TOO_LONG',
};

/**
 * Errors Fastify's router answers itself (a malformed URL, an overlong path parameter) before
 * Nest, and so the error filter, sees the request: same stable body as every other error.
 */
export function answerFrameworkError(err: FastifyError, _req: FastifyRequest, reply: FastifyReply): void {
  const code = CODE_BY_FASTIFY_CODE[err.code] ?? 'BAD_REQUEST';
  const message = code === 'URI_TOO_LONG' ? 'a path parameter is too long' : 'the request URL is not valid';
  const error = new ApiError(STATUS_BY_CODE[code] ?? 400, code, message, {});
  void reply.status(error.status).header('content-type', 'application/json; charset=utf-8').send(error.toBody());
}

/**
 * Requests Node's HTTP parser rejects (headers over the size limit, a malformed request line, a
 * timeout) never become requests; Fastify's default answer has its own body shape, this one
 * has ours. The connection is closed after it, as Node does.
 */
export function answerClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const code =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? 'REQUEST_HEADERS_TOO_LARGE'
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? 'REQUEST_TIMEOUT'
        : 'BAD_REQUEST';
  const message =
    code === 'REQUEST_HEADERS_TOO_LARGE'
      ? 'the request headers are larger than the limit'
      : code === 'REQUEST_TIMEOUT'
        ? 'the request took too long to arrive'
        : 'the request is not valid HTTP';
  const error = new ApiError(STATUS_BY_CODE[code] ?? 400, code, message, {});
  const body = JSON.stringify(error.toBody());
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? 'Error'}\r\n` +
        `content-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
        `connection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}
