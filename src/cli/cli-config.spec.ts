import { resolve } from 'node:path';
import { UsageError } from './cli-errors';
import { DEFAULT_URL, readCliEnv, resolveBaseUrl } from './cli-config';

describe('cli config', () => {
  it('reads URL, token and where the local tokens file is', () => {
    const env = readCliEnv({ CUTOVER_URL: 'http://h:1', CUTOVER_TOKEN: 't', CUTOVER_STATE_DIR: 'state' }, '/work');
    expect(env).toMatchObject({ url: 'http://h:1', token: 't', tokensFile: resolve('/work/state/tokens.json') });
  });

  it('defaults the tokens file to ./.cutover/tokens.json, and CUTOVER_TOKENS_FILE wins', () => {
    expect(readCliEnv({}, '/work').tokensFile).toBe('/work/.cutover/tokens.json');
    expect(readCliEnv({ CUTOVER_TOKENS_FILE: '/etc/t.json', CUTOVER_STATE_DIR: 's' }, '/w').tokensFile).toBe(
      '/etc/t.json',
    );
  });

  it('treats empty variables as unset', () => {
    expect(readCliEnv({ CUTOVER_URL: '', CUTOVER_TOKEN: ' ' }, '/w')).toMatchObject({
      url: undefined,
      token: undefined,
    });
  });

  it('prints plain progress in CI and on dumb terminals', () => {
    expect(readCliEnv({}, '/w').plainProgress).toBe(false);
    expect(readCliEnv({ CI: 'true' }, '/w').plainProgress).toBe(true);
    expect(readCliEnv({ TERM: 'dumb' }, '/w').plainProgress).toBe(true);
  });

  it('resolves the URL from the flag, then the environment, then the default, without a trailing slash', () => {
    expect(resolveBaseUrl('http://a:1/', { url: 'http://b:2' })).toBe('http://a:1');
    expect(resolveBaseUrl(undefined, { url: 'http://b:2' })).toBe('http://b:2');
    expect(resolveBaseUrl(undefined, { url: undefined })).toBe(DEFAULT_URL);
  });

  it('refuses a URL that is not http(s) or carries credentials', () => {
    expect(() => resolveBaseUrl('not a url', { url: undefined })).toThrow(UsageError);
    expect(() => resolveBaseUrl('ftp://h', { url: undefined })).toThrow(/http/);
    expect(() => resolveBaseUrl('http://u:p@h', { url: undefined })).toThrow(/credentials/);
  });
});
