import { connect } from 'node:net';

export interface RawRequest {
  method: string;
  /** The request target exactly as written on the request line: not encoded, not checked. */
  target: string;
  /** Sent in order, as given; `host` and `content-length` are added unless present. */
  headers?: [string, string][];
  body?: string | Buffer;
  timeoutMs?: number;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read many response shapes
  body: any;
}

/**
 * One HTTP/1.1 exchange over its own TCP connection, with bytes no HTTP client library would
 * send (raw unicode or spaces in the path, malformed headers). Resolves as soon as one whole
 * response has arrived; rejects if none has within `timeoutMs`, or the connection ends first.
 */
export function rawRequest(port: number, req: RawRequest): Promise<RawResponse> {
  const headers = [...(req.headers ?? [])];
  const has = (name: string) => headers.some(([n]) => n.toLowerCase() === name);
  const body = req.body === undefined ? undefined : Buffer.from(req.body);
  if (!has('host')) headers.unshift(['host', `127.0.0.1:${port}`]);
  if (body !== undefined && !has('content-length') && !has('transfer-encoding'))
    headers.push(['content-length', String(body.length)]);
  const head = `${req.method} ${req.target} HTTP/1.1\r\n${headers.map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\n`;

  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let received = Buffer.alloc(0);
    let settled = false;
    const finish = (outcome: RawResponse | Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    const timer = setTimeout(
      () =>
        finish(new Error(`no answer to ${req.method} ${req.target.slice(0, 80)} within ${req.timeoutMs ?? 10_000} ms`)),
      req.timeoutMs ?? 10_000,
    );
    const tryParse = (ended: boolean) => {
      let parsed: RawResponse | undefined;
      try {
        parsed = parseResponse(received, ended, req.method === 'HEAD');
      } catch (err) {
        finish(err as Error);
        return;
      }
      if (parsed) finish(parsed);
      else if (ended) finish(new Error(`the connection ended without a whole response (${received.length} bytes)`));
    };
    socket.on('connect', () => {
      socket.write(Buffer.concat([Buffer.from(head, 'utf8'), body ?? Buffer.alloc(0)]));
    });
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      tryParse(false);
    });
    socket.on('end', () => tryParse(true));
    // A server that answers early and closes may reset a client still sending: what arrived counts.
    socket.on('error', (err) => (received.length > 0 ? tryParse(true) : finish(err)));
    socket.on('close', () => tryParse(true));
  });
}

/** The first whole response in `data`, or undefined if more bytes are needed. */
function parseResponse(data: Buffer, ended: boolean, isHead: boolean): RawResponse | undefined {
  const split = data.indexOf('\r\n\r\n');
  if (split < 0) return undefined;
  const [statusLine, ...lines] = data.subarray(0, split).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
  if (!Number.isInteger(status)) throw new Error(`not an HTTP status line: ${statusLine}`);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const rest = data.subarray(split + 4);
  // An interim answer (100 Continue) is not the response: the final one follows it.
  if (status >= 100 && status < 200) return parseResponse(rest, ended, isHead);
  let bodyBytes: Buffer | undefined;
  if (isHead || status === 204 || status === 304) bodyBytes = Buffer.alloc(0);
  else if (/chunked/i.test(headers['transfer-encoding'] ?? '')) bodyBytes = dechunk(rest);
  else if (headers['content-length'] !== undefined) {
    const length = Number(headers['content-length']);
    if (rest.length >= length) bodyBytes = rest.subarray(0, length);
  } else if (ended) bodyBytes = rest;
  if (bodyBytes === undefined) return undefined;
  const text = bodyBytes.toString('utf8');
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status, headers, text, body };
}

/** A chunked body once its last chunk has arrived, else undefined. */
function dechunk(data: Buffer): Buffer | undefined {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', at);
    if (lineEnd < 0) return undefined;
    const size = parseInt(data.subarray(at, lineEnd).toString('latin1'), 16);
    if (!Number.isFinite(size)) throw new Error('malformed chunked body');
    if (size === 0) return Buffer.concat(parts);
    const start = lineEnd + 2;
    if (data.length < start + size + 2) return undefined;
    parts.push(data.subarray(start, start + size));
    at = start + size + 2;
  }
}
