import { ApiError, ConnectionError, NotSupportedByServer, UsageError } from './cli-errors';
import { EXIT, reportFailure } from './exit-codes';

describe('reportFailure', () => {
  it('maps usage errors to 2 with an "error:" line', () => {
    expect(reportFailure(new UsageError('invalid release "V2": bad'))).toEqual({
      exitCode: 2,
      message: 'error: invalid release "V2": bad',
    });
  });

  it('maps an unreachable controller to 2 with one line naming the URL and the cause', () => {
    expect(reportFailure(new ConnectionError('http://127.0.0.1:3000', 'ECONNREFUSED'))).toEqual({
      exitCode: 2,
      message: 'cannot reach the controller at http://127.0.0.1:3000: ECONNREFUSED',
    });
  });

  it.each([
    [401, 'UNAUTHENTICATED'],
    [403, 'FORBIDDEN'],
    [404, 'DEPLOYMENT_NOT_FOUND'],
    [409, 'STEP_OUT_OF_ORDER'],
    [400, 'VALIDATION_FAILED'],
    [500, 'INTERNAL'],
  ])('maps API error %i %s to 2 as "code: message"', (status, code) => {
    expect(reportFailure(new ApiError(status, code, 'what went wrong'))).toEqual({
      exitCode: EXIT.usage,
      message: `${code}: what went wrong`,
    });
  });

  it('adds a hint on 401 when no token was found at all', () => {
    const { message } = reportFailure(new ApiError(401, 'UNAUTHENTICATED', 'missing bearer token'), {
      tokenGiven: false,
    });
    expect(message).toBe('UNAUTHENTICATED: missing bearer token (no token found: pass --token or set CUTOVER_TOKEN)');
  });

  it('maps a route the server lacks to 2', () => {
    expect(reportFailure(new NotSupportedByServer('the server does not support this yet')).exitCode).toBe(2);
  });

  it('never prints a stack trace, even for an unexpected error', () => {
    const err = new TypeError('boom\n    at somewhere (file.js:1:1)');
    expect(reportFailure(err)).toEqual({ exitCode: 2, message: 'unexpected error: boom' });
    expect(reportFailure('plain string')).toEqual({ exitCode: 2, message: 'unexpected error: plain string' });
  });

  it('keeps 0 and 1 for success and a deployment that did not succeed', () => {
    expect([EXIT.ok, EXIT.deploymentFailed, EXIT.usage]).toEqual([0, 1, 2]);
  });
});
