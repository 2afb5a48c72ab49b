import { EdgeConfigError, isLoopbackHost, loadEdgeConfig } from './edge.config';

const TOKEN = 't'.repeat(40);
const noFile = (): string => {
  throw Object.assign(new Error('nope'), { code: 'ENOENT' });
};
const load = (env: Record<string, string>, readFile = noFile) => loadEdgeConfig(env, readFile, '/srv/cutover');

describe('loadEdgeConfig', () => {
  it('applies the defaults', () => {
    const config = load({ EDGE_ADMIN_TOKEN: TOKEN });
    expect(config).toEqual({
      listen: { host: '127.0.0.1', port: 8080 },
      admin: { host: '127.0.0.1', port: 8081 },
      stateFile: '/srv/cutover/.cutover/edge/state.json',
      adminToken: TOKEN,
      upstreamTimeoutMs: 30_000,
      connectTimeoutMs: 5_000,
      drainTimeoutMs: 10_000,
      upstreamConnections: 256,
      accessLog: false,
      logLevel: 'info',
    });
  });

  it('reads every variable', () => {
    const config = load({
      EDGE_ADMIN_TOKEN: TOKEN,
      EDGE_HOST: '0.0.0.0',
      EDGE_PORT: '9000',
      EDGE_ADMIN_HOST: '::1',
      EDGE_ADMIN_PORT: '9001',
      EDGE_STATE_FILE: '/var/lib/edge.json',
      EDGE_UPSTREAM_TIMEOUT_MS: '1500',
      EDGE_CONNECT_TIMEOUT_MS: '250',
      EDGE_DRAIN_TIMEOUT_MS: '2000',
      EDGE_UPSTREAM_CONNECTIONS: '64',
      EDGE_ACCESS_LOG: 'true',
      EDGE_LOG_LEVEL: 'warn',
    });
    expect(config).toMatchObject({
      listen: { host: '0.0.0.0', port: 9000 },
      admin: { host: '::1', port: 9001 },
      stateFile: '/var/lib/edge.json',
      upstreamTimeoutMs: 1500,
      connectTimeoutMs: 250,
      drainTimeoutMs: 2000,
      upstreamConnections: 64,
      accessLog: true,
      logLevel: 'warn',
    });
  });

  it('reads the token from a file, without its trailing newline', () => {
    const config = load({ EDGE_ADMIN_TOKEN_FILE: '/run/secrets/edge' }, () => `${TOKEN}\n`);
    expect(config.adminToken).toBe(TOKEN);
  });

  it.each([
    [{}, /EDGE_ADMIN_TOKEN: required/],
    [{ EDGE_ADMIN_TOKEN: 'short' }, /at least 32 characters/],
    [{ EDGE_ADMIN_TOKEN: `${TOKEN} x` }, /must not contain whitespace/],
    [{ EDGE_ADMIN_TOKEN: TOKEN, EDGE_ADMIN_TOKEN_FILE: '/x' }, /not both/],
    [{ EDGE_ADMIN_TOKEN_FILE: '/missing' }, /cannot read \/missing \(ENOENT\)/],
    [{ EDGE_ADMIN_TOKEN: TOKEN, EDGE_ADMIN_HOST: '0.0.0.0' }, /EDGE_ADMIN_HOST: must be a loopback address/],
    [{ EDGE_ADMIN_TOKEN: TOKEN, EDGE_ADMIN_HOST: '10.0.0.5' }, /EDGE_ADMIN_HOST/],
    [{ EDGE_ADMIN_TOKEN: TOKEN, EDGE_PORT: 'eighty' }, /EDGE_PORT/],
    [{ EDGE_ADMIN_TOKEN: TOKEN, EDGE_PORT: '70000' }, /EDGE_PORT/],
    [{ EDGE_ADMIN_TOKEN: TOKEN, EDGE_PORT: '9000', EDGE_ADMIN_PORT: '9000' }, /EDGE_ADMIN_PORT: must differ/],
    [{ EDGE_ADMIN_TOKEN: TOKEN, EDGE_UPSTREAM_TIMEOUT_MS: '0' }, /EDGE_UPSTREAM_TIMEOUT_MS/],
    [{ EDGE_ADMIN_TOKEN: TOKEN, EDGE_ACCESS_LOG: 'maybe' }, /EDGE_ACCESS_LOG/],
  ])('rejects %j', (env, message) => {
    expect(() => load(env as Record<string, string>)).toThrow(EdgeConfigError);
    expect(() => load(env as Record<string, string>)).toThrow(message);
  });

  it('never echoes the token in its errors', () => {
    const secret = 'short-but-secret';
    expect(() => load({ EDGE_ADMIN_TOKEN: secret })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining(secret) }),
    );
  });

  it('lets both listeners ask the OS for a port', () => {
    expect(load({ EDGE_ADMIN_TOKEN: TOKEN, EDGE_PORT: '0', EDGE_ADMIN_PORT: '0' }).listen.port).toBe(0);
  });
});

describe('isLoopbackHost', () => {
  it.each(['127.0.0.1', '127.1.2.3', 'localhost', 'LOCALHOST', '::1', '[::1]', '::ffff:127.0.0.1'])('accepts %s', (h) =>
    expect(isLoopbackHost(h)).toBe(true),
  );
  it.each(['0.0.0.0', '::', '10.0.0.1', '192.168.1.1', 'example.com', '128.0.0.1', 'localhost.example.com'])(
    'refuses %s',
    (h) => expect(isLoopbackHost(h)).toBe(false),
  );
});
