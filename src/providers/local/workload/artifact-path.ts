import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';

export type ArtifactCheck = { ok: true; path: string } | { ok: false; problem: string };

/** Lexical containment: `path` is strictly below `dir` (both absolute and normalised). */
export function isPathInside(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

/**
 * The artifact's real path, if it is an existing file inside one of the allowed directories.
 * Real paths on both sides, so neither `..` nor a symlink can lead the predictor to read a
 * file the operator did not put under an artifact directory.
 */
export async function resolveArtifact(artifact: string, allowedDirs: readonly string[]): Promise<ArtifactCheck> {
  if (artifact.trim() === '') return { ok: false, problem: 'model artifact path is empty' };
  let real: string;
  try {
    real = await realpath(resolve(artifact));
  } catch (err) {
    return { ok: false, problem: `model artifact ${artifact} cannot be resolved: ${(err as Error).message}` };
  }
  const dirs = (await Promise.all(allowedDirs.map((dir) => realpath(resolve(dir)).catch(() => undefined)))).filter(
    (dir): dir is string => dir !== undefined,
  );
  if (!dirs.some((dir) => isPathInside(real, dir))) {
    const where = allowedDirs.length > 0 ? allowedDirs.join(', ') : '(none configured)';
    return {
      ok: false,
      problem: `model artifact ${artifact} resolves to ${real}, outside the allowed artifact directories: ${where}`,
    };
  }
  const info = await stat(real).catch(() => undefined);
  if (!info?.isFile()) return { ok: false, problem: `model artifact ${artifact} is not a regular file` };
  return { ok: true, path: real };
}
