import { createHash } from 'node:crypto';
import { readFile, realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { AppSpec } from '../../config/app-spec';
import type { ArtifactCheck, ArtifactPolicy } from '../artifact-policy';

const MAX_ARTIFACT_BYTES = 64 * 1024 * 1024;

/** Local releases name a model artifact file, which must live inside the app's allowed folders. */
export class LocalArtifactPolicy implements ArtifactPolicy {
  constructor(private readonly workDir: string) {}

  async check(app: AppSpec, artifact: string): Promise<ArtifactCheck> {
    if (artifact.length > 1024 || /[\0\n\r]/.test(artifact))
      return { ok: false, problem: 'artifact path is not a valid path' };
    if (!artifact.endsWith('.json')) return { ok: false, problem: 'artifact must be a model artifact .json file' };
    let real: string;
    try {
      // Real paths on both sides, so neither `..` nor a symlink can point outside the folders.
      real = await realpath(resolve(this.workDir, artifact));
    } catch {
      return { ok: false, problem: `artifact ${artifact} does not exist` };
    }
    const allowed = await Promise.all(
      app.local.artifactDirs.map((d) => realpath(resolve(this.workDir, d)).catch(() => undefined)),
    );
    const inside = allowed.some((dir) => dir !== undefined && isInside(dir, real));
    if (!inside) return { ok: false, problem: `artifact must be inside ${app.local.artifactDirs.join(' or ')}` };
    const info = await stat(real);
    if (!info.isFile() || info.size > MAX_ARTIFACT_BYTES)
      return { ok: false, problem: `artifact ${artifact} is not a model file` };
    const sha256 = createHash('sha256')
      .update(await readFile(real))
      .digest('hex');
    return { ok: true, artifact: relative(this.workDir, real) || real, sha256 };
  }
}

function isInside(dir: string, file: string): boolean {
  const rel = relative(dir, file);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
}
