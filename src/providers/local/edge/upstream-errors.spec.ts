import { classifyUpstreamError, refusedBeforeSending } from './upstream-errors';

const withCode = (code: string) => Object.assign(new Error(code), { code });

describe('refusedBeforeSending', () => {
  it('is true only for a refused connection', () => {
    expect(refusedBeforeSending(withCode('ECONNREFUSED'))).toBe(true);
    expect(refusedBeforeSending(withCode('ECONNRESET'))).toBe(false);
    expect(refusedBeforeSending(withCode('UND_ERR_SOCKET'))).toBe(false);
    expect(refusedBeforeSending(new Error('no code'))).toBe(false);
    expect(refusedBeforeSending(null)).toBe(false);
  });

  it('needs every address of a multi-address attempt to have refused', () => {
    expect(refusedBeforeSending(new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')]))).toBe(true);
    expect(refusedBeforeSending(new AggregateError([withCode('ECONNREFUSED'), withCode('ETIMEDOUT')]))).toBe(false);
    expect(refusedBeforeSending(new AggregateError([]))).toBe(false);
  });
});

describe('classifyUpstreamError', () => {
  it.each(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT'])(
    'maps %s to 504',
    (code) =>
      expect(classifyUpstreamError(withCode(code), 'r1')).toMatchObject({ status: 504, code: 'UPSTREAM_TIMEOUT' }),
  );

  it.each(['ECONNREFUSED', 'ECONNRESET', 'UND_ERR_SOCKET', 'HPE_INVALID_CONSTANT'])('maps %s to 502', (code) =>
    expect(classifyUpstreamError(withCode(code), 'r1')).toMatchObject({
      status: 502,
      code: 'UPSTREAM_UNAVAILABLE',
      message: expect.stringContaining(code),
    }),
  );

  it('maps anything else to 502 and names the release', () => {
    expect(classifyUpstreamError('weird', 'r1')).toEqual({
      status: 502,
      code: 'UPSTREAM_UNAVAILABLE',
      message: 'release r1 could not be reached or broke off its answer',
    });
  });
});
