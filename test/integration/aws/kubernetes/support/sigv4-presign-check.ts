import { createHash, createHmac } from 'node:crypto';

/**
 * Recomputes a SigV4 presigned GET's signature from scratch (the algorithm as AWS documents it,
 * with no AWS library), so the token test checks the URL STS will verify, not just its shape.
 */
export function expectedPresignSignature(url: URL, headers: Record<string, string>, secretAccessKey: string): string {
  const params = url.searchParams;
  const [, date, region, service] = (params.get('X-Amz-Credential') ?? '').split('/');
  const amzDate = params.get('X-Amz-Date') ?? '';
  const signedHeaders = (params.get('X-Amz-SignedHeaders') ?? '').split(';');
  const query = [...params.entries()]
    .filter(([k]) => k !== 'X-Amz-Signature')
    .map(([k, v]) => [encode(k), encode(v)])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const lowered = Object.fromEntries(
    Object.entries({ host: url.host, ...headers }).map(([k, v]) => [k.toLowerCase(), v]),
  );
  const canonicalHeaders = signedHeaders.map((h) => `${h}:${lowered[h].trim()}\n`).join('');
  const canonicalRequest = ['GET', url.pathname, query, canonicalHeaders, signedHeaders.join(';'), sha256('')].join(
    '\n',
  );
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  let key: Buffer = hmac(`AWS4${secretAccessKey}`, date);
  for (const part of [region, service, 'aws4_request']) key = hmac(key, part);
  return createHmac('sha256', key).update(stringToSign).digest('hex');
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
const encode = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
