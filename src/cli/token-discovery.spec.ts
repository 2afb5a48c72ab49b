import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isLoopbackUrl, pickToken, readTokensFile, resolveToken } from './token-discovery';

const FILE_TOKENS = [
  { name: 'local-viewer', role: 'viewer', token: 'cut_viewer_x' },
  { name: 'local-ci', role: 'ci', token: 'cut_ci_x' },
  { name: 'local-operator', role: 'operator', token: 'cut_operator_x' },
];

describe('token discovery', () => {
  let dir: string;
  let file: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cutover-cli-tokens-'));
    file = join(dir, 'tokens.json');
    writeFileSync(file, JSON.stringify({ tokens: FILE_TOKENS }));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('picks the least powerful token that is enough for the command', () => {
    expect(pickToken(FILE_TOKENS, 'viewer')).toBe('cut_viewer_x');
    expect(pickToken(FILE_TOKENS, 'ci')).toBe('cut_ci_x');
    expect(pickToken(FILE_TOKENS, 'operator')).toBe('cut_operator_x');
  });

  it('uses a more powerful token when the exact role is missing, and none when only weaker ones exist', () => {
    const onlyOperator = [{ role: 'operator', token: 'op' }];
    expect(pickToken(onlyOperator, 'viewer')).toBe('op');
    expect(pickToken([{ role: 'viewer', token: 'v' }], 'operator')).toBeUndefined();
  });

  it('skips entries that keep only a digest or name an unknown role', () => {
    expect(pickToken([{ role: 'operator' }, { role: 'admin', token: 'a' }], 'viewer')).toBeUndefined();
  });

  it('prefers --token, then CUTOVER_TOKEN, then the local file', () => {
    const env = { token: 'from-env', tokensFile: file };
    expect(resolveToken('from-flag', env, 'http://127.0.0.1:3000', 'operator')).toEqual({
      token: 'from-flag',
      source: 'flag',
    });
    expect(resolveToken(undefined, env, 'http://127.0.0.1:3000', 'operator')).toEqual({
      token: 'from-env',
      source: 'env',
    });
    expect(resolveToken(undefined, { ...env, token: undefined }, 'http://127.0.0.1:3000', 'operator')).toEqual({
      token: 'cut_operator_x',
      source: 'file',
    });
  });

  it('never sends a local token to a controller on another host', () => {
    expect(
      resolveToken(undefined, { token: undefined, tokensFile: file }, 'https://cutover.example.com', 'viewer'),
    ).toEqual({ token: undefined, source: 'none' });
  });

  it('treats a missing or malformed file as no token', () => {
    expect(readTokensFile(join(dir, 'absent.json'))).toEqual([]);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{not json');
    expect(readTokensFile(bad)).toEqual([]);
    writeFileSync(bad, JSON.stringify({ tokens: 'nope' }));
    expect(readTokensFile(bad)).toEqual([]);
  });

  it.each([
    ['http://127.0.0.1:3000', true],
    ['http://127.1.2.3', true],
    ['http://localhost:3000', true],
    ['http://[::1]:3000', true],
    ['http://10.0.0.1:3000', false],
    ['https://cutover.example.com', false],
  ])('%s is loopback: %s', (url, loopback) => {
    expect(isLoopbackUrl(url)).toBe(loopback);
  });
});
