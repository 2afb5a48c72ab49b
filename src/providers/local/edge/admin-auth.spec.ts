import { createBearerCheck } from './admin-auth';

const TOKEN = 'a'.repeat(20) + 'B'.repeat(20);

describe('createBearerCheck', () => {
  const check = createBearerCheck(TOKEN);

  it('accepts the token as a bearer credential, scheme in any case', () => {
    expect(check(`Bearer ${TOKEN}`)).toBe(true);
    expect(check(`bearer ${TOKEN}`)).toBe(true);
    expect(check(`BEARER  ${TOKEN} `)).toBe(true);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['no scheme', TOKEN],
    ['another scheme', `Basic ${TOKEN}`],
    ['a prefix of it', `Bearer ${TOKEN.slice(0, -1)}`],
    ['longer', `Bearer ${TOKEN}x`],
    ['different case', `Bearer ${TOKEN.toLowerCase()}`],
    ['empty token', 'Bearer '],
    ['two tokens', `Bearer ${TOKEN} ${TOKEN}`],
  ])('refuses %s', (_name, header) => expect(check(header)).toBe(false));
});
