import { originSchema, sameOrigin } from './origin';

describe('originSchema', () => {
  it.each([
    ['http://127.0.0.1:8080', 'http://127.0.0.1:8080'],
    ['http://127.0.0.1:08080/', 'http://127.0.0.1:8080'],
    ['http://localhost:1', 'http://localhost:1'],
    ['http://127.0.0.1:65535', 'http://127.0.0.1:65535'],
  ])('normalises %s', (url, normal) =>
    expect(originSchema.parse({ url, release: 'r' })).toEqual({ url: normal, release: 'r' }),
  );
});

describe('sameOrigin', () => {
  const a = { url: 'http://127.0.0.1:1', release: 'a' };
  it('compares by value', () => {
    expect(sameOrigin(a, { ...a })).toBe(true);
    expect(sameOrigin(a, { ...a, release: 'b' })).toBe(false);
    expect(sameOrigin(a, { ...a, url: 'http://127.0.0.1:2' })).toBe(false);
    expect(sameOrigin(null, null)).toBe(true);
    expect(sameOrigin(a, null)).toBe(false);
  });
});
