import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { artifactSchema } from '../src/model/artifact.schema';
import { loadModelArtifact } from '../src/model/model-loader';
import { runTrain } from './train';

const tinyForest = [
  'name: housing',
  'version: v0-test',
  'algorithm: random-forest',
  'seed: 11',
  'params:',
  '  nEstimators: 3',
  '  maxDepth: 3',
  '',
].join('\n');

describe('npm run train (runTrain)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'cutover-train-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const run = (...argv: string[]) => {
    const lines = { log: [] as string[], error: [] as string[] };
    const code = runTrain(argv, { log: (l) => lines.log.push(l), error: (l) => lines.error.push(l) });
    return { code, ...lines };
  };
  const params = (text: string) => {
    const path = join(dir, 'params.yaml');
    writeFileSync(path, text);
    return path;
  };

  it('trains a tiny forest end to end into a loadable, self-checking artifact', async () => {
    const out = join(dir, 'nested', 'housing-v0.json');
    const result = run('--config', params(tinyForest), '--out', out);
    expect(result).toMatchObject({ code: 0, error: [] });
    expect(result.log).toHaveLength(1);
    expect(result.log[0]).toMatch(
      /housing v0-test .* holdout RMSE \d+\.\d{4} MAE .* R2 .* on 102 rows, 3 trees \/ \d+ nodes, /,
    );

    const artifact = artifactSchema.parse(JSON.parse(readFileSync(out, 'utf8')));
    expect(artifact.ensemble.trees).toHaveLength(3);
    expect(artifact.provenance.source).toMatch(/params\.yaml \(sha256 [0-9a-f]{64}\)$/);
    const loaded = await loadModelArtifact(out);
    if (!loaded.ok) throw new Error(loaded.problem);
    expect(loaded.loaded.selfCheck.passed).toBe(true);
  });

  it('writes byte-identical artifacts for the same params file', () => {
    const config = params(tinyForest);
    expect(run('--config', config, '--out', join(dir, 'a.json')).code).toBe(0);
    expect(run('--config', config, '--out', join(dir, 'b.json')).code).toBe(0);
    expect(readFileSync(join(dir, 'b.json'))).toEqual(readFileSync(join(dir, 'a.json')));
  });

  it.each([
    ['a bad field', tinyForest.replace('maxDepth: 3', 'maxDepth: -3'), /^train: .*params\.yaml: params\.maxDepth: /],
    ['an unknown column', tinyForest + 'features: [RM, ROOMS]\n', /^train: features: ROOMS is not a column/],
    ['an unknown algorithm', tinyForest.replace('random-forest', 'gbm'), /^train: .*params\.yaml: algorithm: /],
  ])('exits 2 with one line and writes nothing for %s', (_what, text, expected) => {
    const out = join(dir, 'never.json');
    const result = run('--config', params(text), '--out', out);
    expect(result).toMatchObject({ code: 2, log: [] });
    expect(result.error).toHaveLength(1);
    expect(result.error[0]).toMatch(expected);
    expect(result.error[0]).not.toMatch(/\n|\sat\s/);
    expect(existsSync(out)).toBe(false);
  });

  it('exits 2 with the usage when --config is missing or an option is unknown', () => {
    for (const argv of [[], ['--out', join(dir, 'x.json')], ['--config', params(tinyForest), '--fast']]) {
      const result = run(...argv);
      expect(result.code).toBe(2);
      expect(result.error.join('\n')).toMatch(/usage: npm run train -- --config <params\.yaml>/);
    }
  });
});
