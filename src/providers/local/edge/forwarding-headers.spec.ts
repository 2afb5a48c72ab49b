import { clientResponseHeaders, upstreamRequestHeaders } from './forwarding-headers';

const pairs = (flat: string[]) => Array.from({ length: flat.length / 2 }, (_, i) => [flat[2 * i], flat[2 * i + 1]]);
const client = { remoteAddress: '127.0.0.1', proto: 'http' as const };

describe('upstreamRequestHeaders', () => {
  it('keeps end-to-end headers, with their case and repetitions, and adds the x-forwarded trio', () => {
    const out = upstreamRequestHeaders(
      ['Host', 'edge.local:8080', 'Accept', 'application/json', 'X-Tag', 'a', 'x-tag', 'b', 'Content-Length', '2'],
      client,
    );
    expect(pairs(out)).toEqual([
      ['Accept', 'application/json'],
      ['X-Tag', 'a'],
      ['x-tag', 'b'],
      ['Content-Length', '2'],
      ['x-forwarded-for', '127.0.0.1'],
      ['x-forwarded-proto', 'http'],
      ['x-forwarded-host', 'edge.local:8080'],
    ]);
  });

  it('drops hop-by-hop headers and the ones Connection names', () => {
    const out = upstreamRequestHeaders(
      [
        'Connection',
        'keep-alive, X-Secret-Hop',
        'Keep-Alive',
        'timeout=5',
        'Transfer-Encoding',
        'chunked',
        'TE',
        'trailers',
        'Trailer',
        'x-sum',
        'Upgrade',
        'websocket',
        'Proxy-Authorization',
        'Basic abc',
        'Proxy-Connection',
        'keep-alive',
        'x-secret-hop',
        '1',
        'Expect',
        '100-continue',
        'Authorization',
        'Bearer end-to-end',
      ],
      client,
    );
    expect(pairs(out).map(([name]) => name)).toEqual(['Authorization', 'x-forwarded-for', 'x-forwarded-proto']);
  });

  it('appends the peer to a forwarded-for chain the client sent, and overrides proto and host', () => {
    const out = upstreamRequestHeaders(
      [
        'X-Forwarded-For',
        '203.0.113.7',
        'x-forwarded-for',
        '10.0.0.1',
        'X-Forwarded-Proto',
        'https',
        'X-Forwarded-Host',
        'evil.example',
        'host',
        'api.example',
      ],
      { remoteAddress: '::ffff:127.0.0.1', proto: 'http' },
    );
    expect(pairs(out)).toEqual([
      ['x-forwarded-for', '203.0.113.7, 10.0.0.1, ::ffff:127.0.0.1'],
      ['x-forwarded-proto', 'http'],
      ['x-forwarded-host', 'api.example'],
    ]);
  });

  it('copes with a vanished peer and no Host header', () => {
    expect(pairs(upstreamRequestHeaders([], { remoteAddress: undefined, proto: 'http' }))).toEqual([
      ['x-forwarded-proto', 'http'],
    ]);
  });
});

describe('clientResponseHeaders', () => {
  it('drops hop-by-hop headers, keeps repeated ones and names the release', () => {
    const out = clientResponseHeaders(
      {
        'content-type': 'application/json',
        'content-length': '12',
        connection: 'keep-alive, x-upstream-hop',
        'keep-alive': 'timeout=5',
        'transfer-encoding': 'chunked',
        'x-upstream-hop': 'private',
        'set-cookie': ['a=1', 'b=2'],
      },
      'abc123',
    );
    expect(out).toEqual({
      'content-type': 'application/json',
      'content-length': '12',
      'set-cookie': ['a=1', 'b=2'],
      'x-cutover-release': 'abc123',
    });
  });

  it('does not let the upstream pick the release header', () => {
    expect(clientResponseHeaders({ 'x-cutover-release': 'spoofed' }, 'real')).toEqual({ 'x-cutover-release': 'real' });
  });
});
