import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The repository root, found by walking up to package.json, so the same code finds its data
 * whether it runs from TypeScript sources (jest) or from the compiled `dist/` tree.
 */
export function findProjectRoot(from = __dirname): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${from}`);
    dir = parent;
  }
  return dir;
}

export const PROJECT_ROOT = findProjectRoot();
export const MODELS_DIR = join(PROJECT_ROOT, 'predictor', 'models');
export const DATA_DIR = join(PROJECT_ROOT, 'predictor', 'data');
