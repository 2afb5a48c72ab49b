import { isJsonContentType, parsePutOriginBody } from './admin-body';

const body = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

describe('isJsonContentType', () => {
  it.each(['application/json', 'application/json; charset=utf-8', 'Application/JSON'])('accepts %s', (ct) =>
    expect(isJsonContentType(ct)).toBe(true),
  );
  it.each([undefined, '', 'text/plain', 'application/x-www-form-urlencoded', 'application/jsonp'])('refuses %s', (ct) =>
    expect(isJsonContentType(ct)).toBe(false),
  );
});

describe('parsePutOriginBody', () => {
  it('normalises the origin url', () => {
    expect(parsePutOriginBody(body({ url: 'http://localhost:4001/', release: 'abc1234' }))).toEqual({
      ok: true,
      value: { origin: { url: 'http://localhost:4001', release: 'abc1234' } },
    });
  });

  it('carries ifGeneration when given', () => {
    expect(parsePutOriginBody(body({ url: 'http://127.0.0.1:4001', release: 'r', ifGeneration: 0 }))).toEqual({
      ok: true,
      value: { origin: { url: 'http://127.0.0.1:4001', release: 'r' }, ifGeneration: 0 },
    });
  });

  it('reports invalid JSON', () => {
    const result = parsePutOriginBody(body('{"url":'));
    expect(result).toMatchObject({ ok: false, problem: { status: 400, code: 'INVALID_JSON' } });
  });

  it.each([
    ['not an object', [], ''],
    ['missing release', { url: 'http://127.0.0.1:4001' }, 'release'],
    ['a remote host', { url: 'http://10.0.0.1:4001', release: 'r' }, 'url'],
    ['https', { url: 'https://127.0.0.1:4001', release: 'r' }, 'url'],
    ['no port', { url: 'http://127.0.0.1', release: 'r' }, 'url'],
    ['port 0', { url: 'http://127.0.0.1:0', release: 'r' }, 'url'],
    ['port too high', { url: 'http://127.0.0.1:65536', release: 'r' }, 'url'],
    ['a path', { url: 'http://127.0.0.1:4001/v1', release: 'r' }, 'url'],
    ['credentials', { url: 'http://u:p@127.0.0.1:4001', release: 'r' }, 'url'],
    ['a host with loopback prefix', { url: 'http://127.0.0.1.evil.com:4001', release: 'r' }, 'url'],
    ['upper case release', { url: 'http://127.0.0.1:4001', release: 'Abc' }, 'release'],
    ['release ending in -', { url: 'http://127.0.0.1:4001', release: 'abc-' }, 'release'],
    ['release of 64 chars', { url: 'http://127.0.0.1:4001', release: 'a'.repeat(64) }, 'release'],
    ['negative generation', { url: 'http://127.0.0.1:4001', release: 'r', ifGeneration: -1 }, 'ifGeneration'],
    ['fractional generation', { url: 'http://127.0.0.1:4001', release: 'r', ifGeneration: 1.5 }, 'ifGeneration'],
    ['unknown keys', { url: 'http://127.0.0.1:4001', release: 'r', weight: 50 }, ''],
  ])('rejects %s', (_name, value, path) => {
    const result = parsePutOriginBody(body(value));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problem).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    expect(result.problem.details.issues).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
  });

  it('accepts a 63-character release', () => {
    expect(parsePutOriginBody(body({ url: 'http://127.0.0.1:1', release: 'a'.repeat(63) })).ok).toBe(true);
  });
});
