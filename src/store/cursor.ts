import { ValidationFailed } from '../deployments/domain/errors';

/** Where a page of a newest-first listing stopped: the last item's sort key. */
export interface ListPosition {
  createdAt: string;
  id: string;
}

// Opaque to clients so the sort key can change without breaking the API; base64url so it
// survives a query string untouched.
export function encodeCursor(position: ListPosition): string {
  return Buffer.from(JSON.stringify([position.createdAt, position.id]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): ListPosition {
  const invalid = (why: string) =>
    new ValidationFailed(
      `invalid cursor "${cursor.slice(0, 60)}": ${why}; pass nextCursor from a previous page unchanged`,
      {
        cursor,
      },
    );
  // Buffer.from ignores characters outside the alphabet, so check first or garbage would decode.
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid('not base64url');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid('not a cursor this server issued');
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 2 ||
    !parsed.every((part) => typeof part === 'string' && part !== '')
  ) {
    throw invalid('not a cursor this server issued');
  }
  return { createdAt: parsed[0], id: parsed[1] };
}
