import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { findArtifactProblems } from './artifact-invariants';
import { artifactSchema, type ModelArtifact } from './artifact.schema';
import { runGoldenSet, type GoldenReport } from './golden-set-check';
import { TreeEnsembleModel } from './tree-ensemble';

export interface LoadedModel {
  artifact: ModelArtifact;
  model: TreeEnsembleModel;
  sha256: string;
  path: string;
  selfCheck: GoldenReport;
}

export type ModelLoadResult = { ok: true; loaded: LoadedModel } | { ok: false; problem: string };

/**
 * Reads, validates and self-checks an artifact. Every way an artifact can be wrong is an
 * expected outcome with a sentence that names the problem, never an exception.
 */
export async function loadModelArtifact(path: string, expectedSha256?: string): Promise<ModelLoadResult> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    return { ok: false, problem: `cannot read model artifact ${path}: ${(err as Error).message}` };
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (expectedSha256 && expectedSha256 !== sha256) {
    return { ok: false, problem: `model artifact ${path} has sha256 ${sha256}, expected ${expectedSha256}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    return { ok: false, problem: `model artifact ${path} is not valid JSON: ${(err as Error).message}` };
  }
  const parsed = artifactSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    return { ok: false, problem: `model artifact ${path} does not match the artifact schema: ${issues.join('; ')}` };
  }
  const problems = findArtifactProblems(parsed.data);
  if (problems.length > 0)
    return { ok: false, problem: `model artifact ${path} is inconsistent: ${problems.join('; ')}` };

  const model = new TreeEnsembleModel(parsed.data);
  const selfCheck = runGoldenSet(parsed.data, model);
  if (!selfCheck.passed) {
    const firstFailure = selfCheck.cases.find((c) => !c.passed);
    return {
      ok: false,
      problem: `model artifact ${path} fails its own golden set: ${selfCheck.failed} of ${selfCheck.cases.length} cases off (case ${firstFailure?.index}: expected ${firstFailure?.expected}, got ${firstFailure?.actual})`,
    };
  }
  return { ok: true, loaded: { artifact: parsed.data, model, sha256, path, selfCheck } };
}
