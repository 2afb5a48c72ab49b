import type { ModelArtifact, Tree } from './artifact.schema';

/**
 * Structural checks the schema cannot express: array lengths agree, every internal node's
 * children come after it (so a walk always terminates) and every split reads a real feature.
 * Returns the problems found; an empty list means the artifact is internally consistent.
 */
export function findArtifactProblems(artifact: ModelArtifact): string[] {
  const problems: string[] = [];
  const nFeatures = artifact.features.length;
  if (new Set(artifact.features).size !== nFeatures) problems.push('features contains duplicates');
  if (artifact.scaler.mean.length !== nFeatures || artifact.scaler.scale.length !== nFeatures) {
    problems.push(
      `scaler has ${artifact.scaler.mean.length} means and ${artifact.scaler.scale.length} scales for ${nFeatures} features`,
    );
  }
  artifact.ensemble.trees.forEach((tree, t) =>
    problems.push(...findTreeProblems(tree, nFeatures).map((p) => `trees[${t}]: ${p}`)),
  );
  artifact.golden.cases.forEach((c, i) => {
    const missing = artifact.features.filter((f) => !(f in c.input));
    if (missing.length > 0) problems.push(`golden.cases[${i}] misses features ${missing.join(', ')}`);
  });
  return problems.slice(0, 20);
}

function findTreeProblems(tree: Tree, nFeatures: number): string[] {
  const n = tree.feature.length;
  if (n === 0) return ['has no nodes'];
  if ([tree.threshold, tree.left, tree.right, tree.value].some((a) => a.length !== n))
    return ['node arrays differ in length'];
  for (let node = 0; node < n; node++) {
    if (tree.left[node] < 0) continue;
    const f = tree.feature[node];
    if (f < 0 || f >= nFeatures) return [`node ${node} splits on feature ${f} of ${nFeatures}`];
    if (!(tree.left[node] > node && tree.left[node] < n && tree.right[node] > node && tree.right[node] < n)) {
      return [`node ${node} has children outside (${node}, ${n})`];
    }
    if (!Number.isFinite(tree.threshold[node])) return [`node ${node} has a non-finite threshold`];
  }
  return [];
}
