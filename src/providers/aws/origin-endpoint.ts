/** The edge stack's origin is a host name; the ports speak in endpoint URLs. */

export type OriginProtocolPolicy = 'http-only' | 'https-only';

/** The host CloudFront should reach for `endpoint`, or why it cannot be an edge origin. */
export function parseOriginEndpoint(endpoint: string): { host: string } | { problem: string } {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return { problem: `"${endpoint}" is not a URL` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { problem: `"${endpoint}" is not an http(s) URL` };
  }
  // edge.yaml fixes the origin ports at 80/443, where the ALB ingress listens.
  if (url.port !== '') return { problem: `"${endpoint}" names port ${url.port}; the edge reaches origins on 80/443` };
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '') {
    return { problem: `"${endpoint}" has a path or query; a CloudFront origin is a host name only` };
  }
  return { host: url.hostname };
}

/** The endpoint URL the edge reaches, from the stack's parameters. */
export function originEndpoint(host: string, protocol: string | undefined): string {
  return `${protocol === 'https-only' ? 'https' : 'http'}://${host}`;
}
