import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MODELS_DIR } from '../project-paths';
import { loadModelArtifact } from './model-loader';

const v1Bytes = readFileSync(join(MODELS_DIR, 'housing-v1.json'));
const v1 = () => JSON.parse(v1Bytes.toString('utf8'));

describe('loadModelArtifact', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'cutover-artifact-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (content: string | object) => {
    const path = join(dir, 'model.json');
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };
  const problemOf = async (path: string, sha?: string) => {
    const result = await loadModelArtifact(path, sha);
    if (result.ok) throw new Error('expected the artifact to be refused');
    return result.problem;
  };

  it('loads the shipped v1, with its sha256 and a passing self-check', async () => {
    const result = await loadModelArtifact(join(MODELS_DIR, 'housing-v1.json'));
    if (!result.ok) throw new Error(result.problem);
    expect(result.loaded.sha256).toBe(createHash('sha256').update(v1Bytes).digest('hex'));
    expect(result.loaded.selfCheck).toMatchObject({ passed: true, failed: 0 });
  });

  it('names a missing file', async () => {
    expect(await problemOf(join(dir, 'absent.json'))).toMatch(/cannot read model artifact .*absent\.json/);
  });

  it('names a truncated (corrupt) file', async () => {
    expect(await problemOf(write(v1Bytes.subarray(0, 5000).toString('utf8')))).toMatch(/is not valid JSON/);
  });

  it('names the field that breaks the schema', async () => {
    const artifact = v1();
    delete artifact.scaler;
    expect(await problemOf(write(artifact))).toMatch(/does not match the artifact schema: scaler/);
  });

  it('refuses a scaler that does not match the features', async () => {
    const artifact = v1();
    artifact.scaler.mean.pop();
    expect(await problemOf(write(artifact))).toMatch(/inconsistent: scaler has 5 means and 6 scales for 6 features/);
  });

  it('refuses a tree whose children point backwards (a walk that would never end)', async () => {
    const artifact = v1();
    artifact.ensemble.trees[3].left[0] = 0;
    expect(await problemOf(write(artifact))).toMatch(/trees\[3\]: node 0 has children outside/);
  });

  it('refuses a split on a feature the model does not have', async () => {
    const artifact = v1();
    artifact.ensemble.trees[0].feature[0] = 9;
    expect(await problemOf(write(artifact))).toMatch(/trees\[0\]: node 0 splits on feature 9 of 6/);
  });

  it('refuses an artifact whose trees no longer reproduce its golden set', async () => {
    const artifact = v1();
    artifact.ensemble.learningRate = 0.2;
    expect(await problemOf(write(artifact))).toMatch(/fails its own golden set: \d+ of \d+ cases off/);
  });

  it('refuses bytes that differ from the pinned sha256', async () => {
    expect(await problemOf(write(v1()), 'a'.repeat(64))).toMatch(/has sha256 [0-9a-f]{64}, expected a{64}/);
  });
});
