import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';

/** The error body every cutover service answers with. */
export interface ErrorBody {
  error: { code: string; message: string; details: Record<string, unknown> };
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: OutgoingHttpHeaders = {}): void {
  if (res.destroyed || res.writableEnded) return;
  // A failure after the status line went out can only be signalled by cutting the connection.
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
    'cache-control': 'no-store',
  });
  res.end(payload);
}

export function sendError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  details: Record<string, unknown> = {},
  headers: OutgoingHttpHeaders = {},
): void {
  const body: ErrorBody = { error: { code, message, details } };
  sendJson(res, status, body, headers);
}
