import fc from 'fast-check';
import { ValidationFailed } from '../deployments/domain/errors';
import { decodeCursor, encodeCursor } from './cursor';

describe('list cursor', () => {
  it('round-trips any position', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), (createdAt, id) => {
        expect(decodeCursor(encodeCursor({ createdAt, id }))).toEqual({ createdAt, id });
      }),
      { numRuns: 200 },
    );
  });

  it('is URL-safe', () => {
    expect(encodeCursor({ createdAt: '2026-01-01T00:00:00.000Z', id: 'd-?/+=' })).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it.each([
    ['empty', ''],
    ['not base64url', 'abc+/='],
    ['not JSON', Buffer.from('hello').toString('base64url')],
    ['JSON of the wrong shape', Buffer.from('{"a":1}').toString('base64url')],
    ['a one-element array', Buffer.from('["x"]').toString('base64url')],
    ['non-string parts', Buffer.from('[1,2]').toString('base64url')],
    ['empty parts', Buffer.from('["",""]').toString('base64url')],
  ])('rejects a cursor that is %s with ValidationFailed', (_what, cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(ValidationFailed);
    expect(() => decodeCursor(cursor)).toThrow(/invalid cursor/);
  });
});
