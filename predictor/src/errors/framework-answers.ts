import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from './api-error';

/**
 * Errors Fastify's router answers itself (a malformed URL, an overlong path parameter) before
 * Nest, and so the error filter, sees the request: same stable body as every other error.
 */
export function answerFrameworkError(err: FastifyError, _req: FastifyRequest, reply: FastifyReply): void {
  const error =
    err.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? new ApiError(414, 'URI_TOO_LONG', 'a path parameter is too long')
      : new ApiError(400, 'BAD_REQUEST', 'the request URL is not valid');
  void reply.status(error.status).header('content-type', 'application/json; charset=utf-8').send(error.toBody());
}

/**
 * Requests Node's HTTP parser rejects (headers over the size limit, a malformed request line, a
 * timeout) never become requests; Fastify's default answer has its own body shape, this one
 * has ours. The connection is closed after it, as Node does.
 */
export function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const error =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? new ApiError(431, 'REQUEST_HEADERS_TOO_LARGE', 'the request headers are larger than the limit')
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? new ApiError(408, 'REQUEST_TIMEOUT', 'the request took too long to arrive')
        : new ApiError(400, 'BAD_REQUEST', 'the request is not valid HTTP');
  answerOnSocket(socket, error);
  socket.destroy(err);
}

/**
 * A request whose `Expect` header Node cannot meet (anything but 100-continue) is answered by
 * Node itself with an empty 417, unless the server listens for it: this answers in the error shape.
 */
export function answerUnmetExpectation(_req: IncomingMessage, res: ServerResponse): void {
  const error = new ApiError(417, 'EXPECTATION_FAILED', 'the only expectation supported is "Expect: 100-continue"');
  const body = JSON.stringify(error.toBody());
  res.writeHead(error.status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    connection: 'close',
  });
  res.end(body);
}

/** CONNECT tunnels are nothing these APIs offer; without a listener Node drops the socket unanswered. */
export function answerConnect(_req: IncomingMessage, socket: Duplex): void {
  socket.on('error', () => undefined);
  answerOnSocket(socket, new ApiError(405, 'METHOD_NOT_ALLOWED', 'CONNECT is not supported'));
  socket.end();
}

/** Writes a whole error response on a socket no framework owns (the request never became one). */
function answerOnSocket(socket: Duplex, error: ApiError): void {
  if (!socket.writable) return;
  const body = JSON.stringify(error.toBody());
  socket.write(
    `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? 'Error'}\r\n` +
      `content-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
      `connection: close\r\n\r\n${body}`,
  );
}
