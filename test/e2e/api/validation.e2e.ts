import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../../predictor/src/project-paths';
import { startController, type ApiAnswer, type ControllerUnderTest } from '../../support/controller-process';
import { makeTempDir, type TempDir } from '../../support/temp-dir';
import { bearer, expectApiError, json, namesField, send, type RawAnswer } from './api-client';

const V2 = 'predictor/models/housing-v2.json';

const BAD_RELEASES: [string, unknown][] = [
  ['uppercase', 'V2'],
  ['a path', '../x'],
  ['a slash', 'v2/x'],
  ['unicode', 'vé2'],
  ['non-latin', '版本'],
  ['41 characters', 'a'.repeat(41)],
  ['empty', ''],
  ['a leading dash', '-v2'],
  ['a trailing dash', 'v2-'],
  ['a dot', 'v2.1'],
  ['an underscore', 'v2_1'],
  ['a space', 'v2 x'],
  ['a newline', 'v2\nx'],
  ['a shell command', 'v2;rm -rf /'],
  ['a command substitution', '$(id)'],
  ['backticks', '`id`'],
  ['a pipe', 'v2|x'],
  ['an ampersand', 'v2&x'],
  ['quotes', `"v2'`],
  ['a YAML mapping', 'a: b'],
  ['a YAML flow mapping', '{a: b}'],
  ['a YAML anchor', '&a'],
  ['a YAML comment', '#x'],
  ['a YAML tag', '!!str'],
  ['a number', 2],
  ['null', null],
];

describe('requests the API refuses, and that they change nothing', () => {
  let c: ControllerUnderTest;
  let extra: TempDir;
  let before: { app: ApiAnswer['body']; apps: ApiAnswer['body']; history: ApiAnswer['body'] };

  const snapshot = async () => ({
    app: (await c.call('GET', '/v1/apps/housing', undefined, 'viewer')).body,
    apps: (await c.call('GET', '/v1/apps', undefined, 'viewer')).body,
    history: (await c.call('GET', '/v1/apps/housing/deployments?limit=100', undefined, 'viewer')).body,
  });
  const create = (body: unknown) => c.call('POST', '/v1/apps/housing/deployments', body, 'operator');
  const op = () => bearer(c.tokens.operator);
  const expectValidation = (res: RawAnswer | { status: number; body: unknown }, field: string) => {
    expectApiError(res, 400, 'VALIDATION_FAILED');
    expect({ field, names: namesField(res.body, field) }).toEqual({ field, names: true });
  };

  beforeAll(async () => {
    // An extra allowed artifact folder holding escapes: a symlink out of it, a folder named .json.
    extra = await makeTempDir('cutover-e2e-artifacts-');
    symlinkSync(join(PROJECT_ROOT, 'package.json'), join(extra.path, 'escape.json'));
    mkdirSync(join(extra.path, 'folder.json'));
    c = await startController({ CUTOVER_ARTIFACT_DIRS: `predictor/models,${extra.path}` });
    before = await snapshot();
    expect(before.history.items).toHaveLength(1);
  }, 60_000);
  afterAll(async () => {
    await c?.destroy();
    await extra?.remove();
  }, 60_000);

  it.each(BAD_RELEASES)('release id with %s: 400 VALIDATION_FAILED naming release', async (_what, release) => {
    expectValidation(await create({ release, artifact: V2 }), 'release');
  });

  it.each([
    ['/etc/passwd', '/etc/passwd'],
    ['a .json outside the repository folders', '../package.json'],
    ['an absolute path outside the folders', join(PROJECT_ROOT, 'package.json')],
    ['.. out of the models folder', 'predictor/models/../../package.json'],
    ['a missing file', 'predictor/models/housing-v99.json'],
    ['the models folder itself', 'predictor/models'],
    ['a symlink out of an allowed folder', 'ESCAPE'],
    ['a folder named like a model', 'FOLDER'],
    ['a NUL byte', `${V2}\u0000`],
    ['an empty string', ''],
    ['1025 characters', `predictor/models/${'a'.repeat(1003)}.json`],
  ])('artifact %s: 400 VALIDATION_FAILED naming artifact', async (_what, artifact) => {
    const path = artifact
      .replace('ESCAPE', join(extra.path, 'escape.json'))
      .replace('FOLDER', join(extra.path, 'folder.json'));
    expectValidation(await create({ release: 'v9', artifact: path }), 'artifact');
  });

  it.each([
    ['an unknown field', { release: 'v9', artifact: V2, replicas: 3 }, 'replicas'],
    ['a misspelt field', { release: 'v9', artifact: V2, autopromote: true }, 'autopromote'],
    ['a field of the wrong type', { release: 'v9', artifact: V2, autoPromote: 'yes' }, 'autoPromote'],
    ['a commit that is not a sha', { release: 'v9', artifact: V2, commit: 'HEAD~1' }, 'commit'],
    ['a workflow URL that is not a URL', { release: 'v9', artifact: V2, workflowUrl: 'not a url' }, 'workflowUrl'],
    ['no release', { artifact: V2 }, 'release'],
    ['no artifact', { release: 'v9' }, 'artifact'],
  ])('a deployment with %s: 400', async (_what, body, field) => {
    const res = await create(body);
    expectApiError(res, 400, 'VALIDATION_FAILED');
    expect(JSON.stringify(res.body.error)).toContain(field);
  });

  it.each([
    ['an array', '[]'],
    ['null', 'null'],
    ['a string', '"v9"'],
  ])('a JSON body that is %s, not an object: 400', async (_what, body) => {
    const res = await send(c, 'POST', '/v1/apps/housing/deployments', { headers: { ...op(), ...json }, body });
    expectApiError(res, 400, 'VALIDATION_FAILED');
  });

  it('a rollback with no body at all is read as {} (here: nothing to roll back to, 409)', async () => {
    const res = await send(c, 'POST', '/v1/apps/housing/rollback', { headers: op() });
    expectApiError(res, 409, 'NO_PREVIOUS_RELEASE');
  });

  it('the bearer scheme is case-insensitive (RFC 7235)', async () => {
    const res = await send(c, 'GET', '/v1/apps', { headers: { authorization: `bearer ${c.tokens.viewer}` } });
    expect(res.status).toBe(200);
  });

  it('a rollback with an unknown field or a bad target: 400', async () => {
    expectApiError(
      await c.call('POST', '/v1/apps/housing/rollback', { to: 'v1', now: true }),
      400,
      'VALIDATION_FAILED',
    );
    expectValidation(await c.call('POST', '/v1/apps/housing/rollback', { to: '../v1' }), 'to');
  });

  it.each([
    ['text/plain', 'release=v9'],
    ['application/x-www-form-urlencoded', 'release=v9&artifact=predictor%2Fmodels%2Fhousing-v2.json'],
    ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="release"\r\n\r\nv9\r\n--x--\r\n'],
    ['application/xml', '<release>v9</release>'],
    ['application/yaml', 'release: v9'],
  ])('a %s body: 415 UNSUPPORTED_MEDIA_TYPE', async (type, body) => {
    const res = await send(c, 'POST', '/v1/apps/housing/deployments', {
      headers: { ...op(), 'content-type': type },
      body,
    });
    expectApiError(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it.each([
    ['unclosed', '{"release":"v9"'],
    ['not JSON at all', '{release: v9}'],
    ['empty', ''],
    ['trailing garbage', '{"release":"v9","artifact":"x.json"} x'],
  ])('invalid JSON (%s): 400 INVALID_JSON', async (_what, body) => {
    const res = await send(c, 'POST', '/v1/apps/housing/deployments', { headers: { ...op(), ...json }, body });
    expectApiError(res, 400, 'INVALID_JSON');
  });

  it('a body with a prototype-poisoning key is refused: 400', async () => {
    const res = await send(c, 'POST', '/v1/apps/housing/deployments', {
      headers: { ...op(), ...json },
      body: `{"release":"v9","artifact":"${V2}","__proto__":{"stepwise":true}}`,
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code: expect.any(String), message: expect.any(String), details: {} } });
  });

  it('a body over the 64 KB limit: 413 PAYLOAD_TOO_LARGE; one just under it is read (and refused for its content)', async () => {
    const padding = (n: number) => JSON.stringify({ release: 'v9', artifact: V2, commit: 'a'.repeat(n) });
    const over = padding(64 * 1024);
    const under = padding(64 * 1024 - 100);
    expect(Buffer.byteLength(under)).toBeLessThanOrEqual(64 * 1024);
    expectApiError(
      await send(c, 'POST', '/v1/apps/housing/deployments', { headers: { ...op(), ...json }, body: over }),
      413,
      'PAYLOAD_TOO_LARGE',
    );
    expectValidation(
      await send(c, 'POST', '/v1/apps/housing/deployments', { headers: { ...op(), ...json }, body: under }),
      'commit',
    );
  });

  it.each([
    ['GET', '/v1/apps/nope', undefined],
    ['GET', '/v1/apps/nope/deployments', undefined],
    ['POST', '/v1/apps/nope/deployments', { release: 'v9', artifact: V2 }],
    ['POST', '/v1/apps/nope/rollback', {}],
  ])('unknown app: %s %s is 404 APP_NOT_FOUND', async (method, path, body) => {
    const res = await c.call(method, path, body);
    expectApiError(res, 404, 'APP_NOT_FOUND');
    expect(res.body.error.details).toEqual({ app: 'nope' });
  });

  it.each([['NOPE'], ['a'.repeat(21)], ['no_pe'], ['-nope']])(
    'an app name of bad format (%s): 400 naming app',
    async (app) => {
      expectValidation(await c.call('GET', `/v1/apps/${app}`), 'app');
    },
  );

  it.each([
    ['GET', ''],
    ['GET', '/events'],
    ['POST', '/steps/provision'],
    ['POST', '/promote'],
    ['POST', '/abort'],
  ])('unknown deployment: %s /v1/deployments/:id%s is 404 DEPLOYMENT_NOT_FOUND', async (method, suffix) => {
    const id = 'housing-v9-20260101000000-abcdef';
    const res = await c.call(method, `/v1/deployments/${id}${suffix}`);
    expectApiError(res, 404, 'DEPLOYMENT_NOT_FOUND');
    expect(res.body.error.details).toEqual({ id });
  });

  it.each([
    ['uppercase', 'HOUSING-V2'],
    ['a leading dash', '-housing'],
    ['an underscore', 'housing_v2'],
    ['a dot', 'housing.v2'],
    ['121 characters', 'a'.repeat(121)],
    ['a quote', "housing'"],
  ])('a deployment id with %s: 400 naming id, on every route that takes one', async (_what, id) => {
    const encoded = encodeURIComponent(id);
    for (const [method, suffix] of [
      ['GET', ''],
      ['GET', '/events'],
      ['POST', '/steps/provision'],
      ['POST', '/promote'],
      ['POST', '/abort'],
    ]) {
      expectValidation(await c.call(method, `/v1/deployments/${encoded}${suffix}`), 'id');
    }
  });

  it('a URL that is not valid percent-encoding, or absurdly long, is refused in the same error shape', async () => {
    expectApiError(await send(c, 'GET', '/v1/deployments/%E0%A4%A', { headers: op() }), 400, 'BAD_REQUEST');
    expectApiError(await send(c, 'GET', `/v1/deployments/${'a'.repeat(300)}`, { headers: op() }), 414, 'URI_TOO_LONG');
  });

  it.each([['bad'], ['verify'], ['scale-down-blue'], ['PROVISION'], ['provision ']])(
    'a step named %j: 400 naming step',
    async (step) => {
      const v1: string = before.history.items[0].id;
      expectValidation(
        await c.call('POST', `/v1/deployments/${v1}/steps/${encodeURIComponent(step)}`, undefined, 'ci'),
        'step',
      );
    },
  );

  it.each([
    ['limit=0', 'limit'],
    ['limit=1000', 'limit'],
    ['limit=101', 'limit'],
    ['limit=-1', 'limit'],
    ['limit=1.5', 'limit'],
    ['limit=abc', 'limit'],
    ['limit=', 'limit'],
    [`cursor=${'a'.repeat(201)}`, 'cursor'],
  ])('history with %s: 400 naming %s', async (query, field) => {
    expectValidation(await c.call('GET', `/v1/apps/housing/deployments?${query}`, undefined, 'viewer'), field);
  });

  it.each([['junk'], ['!!'], ['eyJhIjoxfQ'], [Buffer.from('[1,2]').toString('base64url')], ['WyIiLCIiXQ']])(
    'history with a cursor this server did not issue (%s): 400',
    async (cursor) => {
      const res = await c.call('GET', `/v1/apps/housing/deployments?cursor=${encodeURIComponent(cursor)}`);
      expectApiError(res, 400, 'VALIDATION_FAILED');
      expect(res.body.error.message).toMatch(/cursor/);
    },
  );

  it('history with an unknown query parameter: 400', async () => {
    expectApiError(await c.call('GET', '/v1/apps/housing/deployments?page=2'), 400, 'VALIDATION_FAILED');
  });

  // Runs after every refusal above (jest runs a file's tests in order).
  it('all of the above changed nothing: the app, the app list and the history are as they were', async () => {
    expect(await snapshot()).toEqual(before);
    const version = await fetch(`${c.edge}/version`);
    expect(((await version.json()) as { release: string }).release).toBe('v1');
  });
});
