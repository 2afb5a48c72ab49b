import { ControllerConfigError, loadControllerConfig } from './controller.config';

describe('loadControllerConfig', () => {
  it('defaults to the local provider serving the housing app from .cutover/', () => {
    const config = loadControllerConfig({}, '/repo');
    expect(config).toMatchObject({
      provider: 'local',
      listen: { host: '127.0.0.1', port: 3000 },
      stateDir: '/repo/.cutover',
      databaseFile: '/repo/.cutover/state.db',
      tokensFile: '/repo/.cutover/tokens.json',
      bootstrap: { release: 'v1', artifact: 'predictor/models/housing-v1.json' },
    });
    expect(config.apps).toHaveLength(1);
    expect(config.apps[0]).toMatchObject({
      name: 'housing',
      autoPromote: false,
      scaleDownDelaySeconds: 30,
      local: { edgePort: 8080, edgeAdminPort: 8081, artifactDirs: ['predictor/models'] },
    });
  });

  it('applies the documented overrides', () => {
    const config = loadControllerConfig(
      {
        CUTOVER_PORT: '4000',
        CUTOVER_STATE_DIR: '/state',
        CUTOVER_EDGE_PORT: '9080',
        CUTOVER_EDGE_ADMIN_PORT: '9081',
        CUTOVER_SCALE_DOWN_DELAY_SECONDS: '5',
        CUTOVER_PROGRESS_DEADLINE_SECONDS: '30',
        CUTOVER_ARTIFACT_DIRS: 'predictor/models, /models',
        CUTOVER_BOOTSTRAP_RELEASE: '',
      },
      '/repo',
    );
    expect(config.listen.port).toBe(4000);
    expect(config.stateDir).toBe('/state');
    expect(config.bootstrap).toBeNull();
    expect(config.apps[0]).toMatchObject({
      scaleDownDelaySeconds: 5,
      progressDeadlineSeconds: 30,
      local: { edgePort: 9080, edgeAdminPort: 9081, artifactDirs: ['predictor/models', '/models'] },
    });
  });

  it('limits the API to 600 requests a minute per caller, 200 at once, by default; 0 turns the limit off', () => {
    expect(loadControllerConfig({}, '/repo').rateLimit).toEqual({ perMinute: 600, burst: 200 });
    expect(
      loadControllerConfig({ CUTOVER_RATE_LIMIT_PER_MINUTE: '60', CUTOVER_RATE_LIMIT_BURST: '5' }, '/repo').rateLimit,
    ).toEqual({ perMinute: 60, burst: 5 });
    expect(loadControllerConfig({ CUTOVER_RATE_LIMIT_PER_MINUTE: '0' }, '/repo').rateLimit).toBeNull();
  });

  it.each([
    [{ CUTOVER_PROVIDER: 'gcp' }, /CUTOVER_PROVIDER/],
    [{ CUTOVER_PORT: 'eighty' }, /CUTOVER_PORT/],
    [{ CUTOVER_PORT: '70000' }, /CUTOVER_PORT/],
    [{ CUTOVER_RECONCILE_INTERVAL_MS: '1' }, /CUTOVER_RECONCILE_INTERVAL_MS/],
    [{ CUTOVER_RATE_LIMIT_PER_MINUTE: '-1' }, /CUTOVER_RATE_LIMIT_PER_MINUTE/],
    [{ CUTOVER_RATE_LIMIT_PER_MINUTE: 'lots' }, /CUTOVER_RATE_LIMIT_PER_MINUTE/],
    [{ CUTOVER_RATE_LIMIT_BURST: '0' }, /CUTOVER_RATE_LIMIT_BURST/],
  ])('refuses %j with a message naming the variable', (env, name) => {
    expect(() => loadControllerConfig(env, '/repo')).toThrow(ControllerConfigError);
    expect(() => loadControllerConfig(env, '/repo')).toThrow(name);
  });

  it('reads apps from a YAML file and refuses duplicates and clashing edge ports', () => {
    const read = (text: string) => () => text;
    const ok = loadControllerConfig(
      { CUTOVER_APPS_FILE: 'apps.yaml' },
      '/repo',
      read('apps:\n  - name: housing\n  - name: churn\n    local: {edgePort: 9090, edgeAdminPort: 9091}\n'),
    );
    expect(ok.apps.map((a) => a.name)).toEqual(['housing', 'churn']);
    expect(() =>
      loadControllerConfig(
        { CUTOVER_APPS_FILE: 'a.yaml' },
        '/repo',
        read('apps:\n  - name: housing\n  - name: housing\n'),
      ),
    ).toThrow(/defined twice/);
    expect(() =>
      loadControllerConfig({ CUTOVER_APPS_FILE: 'a.yaml' }, '/repo', read('apps:\n  - name: a\n  - name: b\n')),
    ).toThrow(/edge ports must all differ/);
    expect(() =>
      loadControllerConfig({ CUTOVER_APPS_FILE: 'a.yaml' }, '/repo', read('apps:\n  - name: Bad_Name\n')),
    ).toThrow(/DNS-1123/);
    expect(() => loadControllerConfig({ CUTOVER_APPS_FILE: 'a.yaml' }, '/repo', read(': : :'))).toThrow(
      /cannot read apps file|invalid apps file/,
    );
  });
});
