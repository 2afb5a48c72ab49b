import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

/** RFC 9110 §7.6.1: meaningful for one connection only, so a proxy never forwards them. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/**
 * Replaced by the edge rather than forwarded: the upstream connection gets its own Host, the
 * edge has already answered `Expect: 100-continue` itself, and the x-forwarded-* trio is
 * rewritten below so that a client cannot spoof the scheme or host the upstream sees.
 */
const REPLACED = new Set(['host', 'expect', 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host']);

export const RELEASE_HEADER = 'x-cutover-release';

function connectionTokens(values: Iterable<string>): Set<string> {
  const tokens = new Set<string>();
  for (const value of values) {
    for (const token of value.split(',')) {
      const name = token.trim().toLowerCase();
      if (name) tokens.add(name);
    }
  }
  return tokens;
}

export interface ClientInfo {
  /** The peer of the public connection; undefined once the socket is gone. */
  remoteAddress: string | undefined;
  /** The scheme the client used to reach the edge. */
  proto: 'http' | 'https';
}

/**
 * Headers for the upstream request, from Node's `rawHeaders` (a flat name/value list that keeps
 * repeated headers) to the flat list undici accepts.
 */
export function upstreamRequestHeaders(rawHeaders: readonly string[], client: ClientInfo): string[] {
  const out: string[] = [];
  const forwardedFor: string[] = [];
  const connectionValues: string[] = [];
  let host: string | undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i].toLowerCase();
    if (name === 'connection') connectionValues.push(rawHeaders[i + 1]);
  }
  const listed = connectionValues.length > 0 ? connectionTokens(connectionValues) : undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i].toLowerCase();
    const value = rawHeaders[i + 1];
    if (HOP_BY_HOP.has(name) || listed?.has(name)) continue;
    if (REPLACED.has(name)) {
      if (name === 'host' && host === undefined) host = value;
      else if (name === 'x-forwarded-for') forwardedFor.push(value);
      continue;
    }
    out.push(rawHeaders[i], value);
  }
  // Like CloudFront: keep the chain the client sent and append the address the edge saw.
  if (client.remoteAddress !== undefined) forwardedFor.push(client.remoteAddress);
  if (forwardedFor.length > 0) out.push('x-forwarded-for', forwardedFor.join(', '));
  out.push('x-forwarded-proto', client.proto);
  if (host !== undefined) out.push('x-forwarded-host', host);
  return out;
}

/** Headers for the client, from undici's parsed upstream headers, tagged with the release that answered. */
export function clientResponseHeaders(upstream: IncomingHttpHeaders, release: string): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  const connection = upstream.connection;
  const listed =
    connection === undefined ? undefined : connectionTokens(Array.isArray(connection) ? connection : [connection]);
  for (const name in upstream) {
    if (HOP_BY_HOP.has(name) || listed?.has(name) || name === RELEASE_HEADER) continue;
    const value = upstream[name];
    if (value !== undefined) out[name] = value;
  }
  out[RELEASE_HEADER] = release;
  return out;
}
