import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MODELS_DIR, PROJECT_ROOT } from '../../predictor/src/project-paths';
import { startNode } from '../../scripts/support/processes';
import { startPredictor, type PredictorProcess } from '../support/predictor-process';

const CAPSTONE =
  '{"CHAS":{"0":0},"RM":{"0":6.575},"TAX":{"0":296.0},"PTRATIO":{"0":15.3},"B":{"0":396.9},"LSTAT":{"0":4.98}}';
const OTHER_ROW =
  '{"CHAS":{"0":1},"RM":{"0":9.0},"TAX":{"0":100.0},"PTRATIO":{"0":12.0},"B":{"0":0.0},"LSTAT":{"0":40.0}}';

async function post(url: string, body: string, contentType: string | null = 'application/json') {
  const res = await fetch(`${url}/predict`, {
    method: 'POST',
    headers: contentType ? { 'content-type': contentType } : {},
    body,
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: JSON.parse(text) as Record<string, unknown> };
}

describe('predictor, as a real listening process', () => {
  let predictor: PredictorProcess;
  beforeAll(async () => {
    predictor = await startPredictor({ RELEASE_ID: 'v1', MAX_BATCH_ROWS: '5' });
  }, 30_000);
  afterAll(() => predictor?.stop());

  it('answers the original capstone payload with 200 and one finite prediction', async () => {
    const res = await post(predictor.url, CAPSTONE);
    expect(res.status).toBe(200);
    expect(Object.keys(res.json)[0]).toBe('prediction');
    const prediction = res.json.prediction as number[];
    expect(prediction).toHaveLength(1);
    expect(Number.isFinite(prediction[0])).toBe(true);
    expect(res.headers.get('x-model-version')).toBe('housing-v1');
    expect(res.headers.get('x-release-id')).toBe('v1');
    expect(res.json).toMatchObject({ model: 'housing-v1', release: 'v1' });
  });

  it('answers two different single rows differently', async () => {
    const [a, b] = await Promise.all([post(predictor.url, CAPSTONE), post(predictor.url, OTHER_ROW)]);
    expect(a.json.prediction).not.toEqual(b.json.prediction);
  });

  it('gives the same answer for one row in every payload shape', async () => {
    const row = { CHAS: 0, RM: 6.575, TAX: 296, PTRATIO: 15.3, B: 396.9, LSTAT: 4.98 };
    const lists = JSON.stringify(Object.fromEntries(Object.entries(row).map(([k, v]) => [k, [v]])));
    const answers = await Promise.all(
      [CAPSTONE, lists, JSON.stringify({ instances: [row] })].map((b) => post(predictor.url, b)),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(new Set(answers.map((a) => JSON.stringify(a.json.prediction))).size).toBe(1);
  });

  const big = JSON.stringify({ CHAS: Array.from({ length: 600_000 }, () => 0) });
  const sixRows = JSON.stringify({
    instances: Array.from({ length: 6 }, () =>
      JSON.parse(`{"CHAS":0,"RM":6,"TAX":300,"PTRATIO":15,"B":390,"LSTAT":5}`),
    ),
  });
  const badInputs: [string, string, string | null, number, string][] = [
    ['missing features', '{"CHAS":{"0":0}}', 'application/json', 400, 'MISSING_FEATURE'],
    ['an unknown feature', CAPSTONE.replace('"CHAS"', '"CRIM"'), 'application/json', 400, 'UNKNOWN_FEATURE'],
    ['a non-numeric value', CAPSTONE.replace('6.575', '"six"'), 'application/json', 400, 'INVALID_VALUE'],
    ['Infinity (1e999)', CAPSTONE.replace('6.575', '1e999'), 'application/json', 400, 'INVALID_VALUE'],
    ['NaN as a string', CAPSTONE.replace('6.575', '"NaN"'), 'application/json', 400, 'INVALID_VALUE'],
    ['mismatched row labels', CAPSTONE.replace('"RM":{"0"', '"RM":{"1"'), 'application/json', 400, 'ROW_MISMATCH'],
    [
      'mismatched lengths',
      CAPSTONE.replace('"RM":{"0":6.575}', '"RM":[6.5,6.6]'),
      'application/json',
      400,
      'ROW_MISMATCH',
    ],
    ['an empty batch', '{"instances":[]}', 'application/json', 400, 'EMPTY_BATCH'],
    ['a batch over the limit (5 here)', sixRows, 'application/json', 413, 'BATCH_TOO_LARGE'],
    ['a body over 1 MB', big, 'application/json', 413, 'PAYLOAD_TOO_LARGE'],
    ['text/plain', CAPSTONE, 'text/plain', 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['a form post', 'CHAS=0', 'application/x-www-form-urlencoded', 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['invalid JSON', '{"CHAS":', 'application/json', 400, 'INVALID_JSON'],
    ['an empty JSON body', '', 'application/json', 400, 'INVALID_JSON'],
    ['a prototype-poisoning key', '{"__proto__":{"admin":true}}', 'application/json', 400, 'INVALID_JSON'],
    ['deeply nested JSON', '['.repeat(5000) + ']'.repeat(5000), 'application/json', 400, 'INVALID_PAYLOAD'],
  ];

  it.each(badInputs.map(([name, body, type, status, code]) => ({ name, body, type, status, code })))(
    'refuses $name with $status $code in the error shape',
    async ({ body, type, status, code }) => {
      const res = await post(predictor.url, body, type);
      expect(res.status).toBe(status);
      expect(res.json).toEqual({ error: { code, message: expect.any(String), details: expect.any(Object) } });
    },
  );

  it('names the field and row of a bad value', async () => {
    const res = await post(predictor.url, CAPSTONE.replace('4.98', '"x"'));
    expect((res.json.error as { details: unknown }).details).toEqual({ field: 'LSTAT', row: '0' });
  });

  it('answers unknown routes and methods in the error shape', async () => {
    const res = await fetch(`${predictor.url}/predict`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('serves healthz, readyz, version, smoke and metrics', async () => {
    const get = async (path: string) => {
      const res = await fetch(`${predictor.url}${path}`);
      return { status: res.status, text: await res.text() };
    };
    expect(await get('/healthz')).toEqual({ status: 200, text: '{"status":"ok"}' });
    expect(JSON.parse((await get('/readyz')).text)).toEqual({ status: 'ready', release: 'v1', model: 'housing-v1' });
    const version = JSON.parse((await get('/version')).text);
    const sha = createHash('sha256')
      .update(readFileSync(join(MODELS_DIR, 'housing-v1.json')))
      .digest('hex');
    expect(version).toMatchObject({
      release: 'v1',
      model: { id: 'housing-v1', name: 'housing', version: 'v1', sha256: sha },
    });
    expect(version.features).toEqual(['CHAS', 'RM', 'TAX', 'PTRATIO', 'B', 'LSTAT']);
    const smoke = JSON.parse((await get('/smoke')).text);
    expect(smoke).toMatchObject({ passed: true, failed: 0 });
    expect(smoke.cases.length).toBeGreaterThan(5);
    const metrics = (await get('/metrics')).text;
    expect(metrics).toMatch(
      /predictor_http_request_duration_seconds_bucket\{le="[\d.]+",route="\/predict",method="POST",status="200"\}/,
    );
    expect(metrics).toMatch(/predictor_predictions_total \d+/);
    expect(metrics).toMatch(/predictor_errors_total\{code="MISSING_FEATURE"\} [1-9]/);
    expect(metrics).toContain(
      `predictor_model_info{release="v1",model="housing",version="v1",sha256="${sha}",ready="true"} 1`,
    );
  });

  it('never logs request bodies', async () => {
    await post(predictor.url, CAPSTONE.replace('6.575', '6.123456789'));
    expect(predictor.output()).not.toContain('6.123456789');
  });
});

describe('predictor with a broken artifact', () => {
  let dir: string;
  let predictor: PredictorProcess;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cutover-e2e-'));
    const corrupt = join(dir, 'corrupt.json');
    writeFileSync(corrupt, readFileSync(join(MODELS_DIR, 'housing-v1.json')).subarray(0, 1000));
    predictor = await startPredictor({ MODEL_PATH: corrupt });
  }, 30_000);
  afterAll(async () => {
    await predictor?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stays alive, refuses to become ready and says why', async () => {
    expect((await fetch(`${predictor.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${predictor.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({
      status: 'not-ready',
      reason: expect.stringMatching(/corrupt\.json is not valid JSON/),
    });
    const res = await post(predictor.url, CAPSTONE);
    expect(res.status).toBe(503);
    expect(res.json).toMatchObject({ error: { code: 'MODEL_NOT_READY' } });
  });
});

describe('predictor lifecycle', () => {
  it('refuses invalid configuration at boot with a one-line reason', async () => {
    const child = startNode(
      join(PROJECT_ROOT, 'dist/predictor/src/main.js'),
      [],
      { RELEASE_ID: 'Not_A_Label', PORT: '0' },
      true,
    );
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    expect(code).toBe(1);
    expect(stderr).toMatch(/invalid predictor configuration: RELEASE_ID: must be a DNS-1123 label/);
    expect(stderr).not.toMatch(/\n\s+at /);
  }, 20_000);

  it('on SIGTERM does not wait for connections that never sent a request (a proxy pool opens those)', async () => {
    const predictor = await startPredictor({ SHUTDOWN_TIMEOUT_MS: '60000' });
    try {
      const { port } = new URL(predictor.url);
      const silent = connect({ host: '127.0.0.1', port: Number(port) });
      await new Promise((resolve, reject) => silent.once('connect', resolve).once('error', reject));
      const exited = new Promise<number | null>((resolve) => predictor.child.once('exit', (c) => resolve(c)));
      predictor.child.kill('SIGTERM');
      // Without closing silent sockets the drain would last the whole 60 s shutdown timeout.
      const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('still running'), 10_000))]);
      silent.destroy();
      expect(code).toBe(0);
    } finally {
      await predictor.stop();
    }
  }, 30_000);

  it('on SIGTERM stops accepting, finishes the request in flight, and exits 0', async () => {
    const predictor = await startPredictor();
    try {
      const { port } = new URL(predictor.url);
      const half = Math.floor(CAPSTONE.length / 2);
      // A request whose body is still arriving when SIGTERM lands.
      const inFlight = new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = httpRequest(
          {
            host: '127.0.0.1',
            port,
            method: 'POST',
            path: '/predict',
            headers: { 'content-type': 'application/json', 'content-length': CAPSTONE.length },
          },
          (res) => {
            let body = '';
            res.on('data', (d: Buffer) => (body += d.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          },
        );
        req.on('error', reject);
        req.write(CAPSTONE.slice(0, half));
        setTimeout(() => {
          predictor.child.kill('SIGTERM');
          setTimeout(() => req.end(CAPSTONE.slice(half)), 300);
        }, 200);
      });
      const exited = new Promise<number | null>((resolve) => predictor.child.once('exit', (c) => resolve(c)));
      const answer = await inFlight;
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body).prediction).toHaveLength(1);
      await expect(fetch(`${predictor.url}/healthz`)).rejects.toThrow();
      expect(await exited).toBe(0);
    } finally {
      await predictor.stop();
    }
  }, 30_000);
});
