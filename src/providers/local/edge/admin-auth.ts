import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/**
 * Checks `Authorization: Bearer <token>` against the admin token. Comparing fixed-length
 * digests with timingSafeEqual leaks neither the token's bytes nor its length through timing.
 */
export function createBearerCheck(token: string): (authorization: string | undefined) => boolean {
  const expected = digest(token);
  return (authorization) => {
    const presented = /^Bearer +(\S+) *$/i.exec(authorization ?? '')?.[1];
    // Hash something even when the header is missing, so that case costs the same.
    return timingSafeEqual(digest(presented ?? ''), expected) && presented !== undefined;
  };
}
