import type { CartNode } from 'ml-cart';
import type { Tree } from '../src/model/artifact.schema';

/** sklearn's markers for "no split here", kept so ported and trained artifacts look alike. */
const LEAF_FEATURE = -2;
const LEAF_THRESHOLD = -2;
const NO_CHILD = -1;

/**
 * Flattens an ml-cart tree into the artifact's parallel arrays. ml-cart sends a row left when
 * `row[splitColumn] < splitValue`, so the ensemble must use `decision: 'lt'`.
 *
 * `columnFeature[c]` is the artifact feature behind the tree's column c: ml-random-forest
 * trains each tree on its own subset (and order) of the features.
 *
 * Nodes are numbered breadth-first, which puts every child after its parent as the format
 * requires. ml-cart keeps no value on internal nodes; the walk reads `value` only at leaves.
 */
export function cartToTree(root: CartNode, columnFeature?: readonly number[]): Tree {
  const tree: Tree = { feature: [], threshold: [], left: [], right: [], value: [] };
  const queue: CartNode[] = [];
  const add = (node: CartNode): number => {
    queue.push(node);
    tree.feature.push(LEAF_FEATURE);
    tree.threshold.push(LEAF_THRESHOLD);
    tree.left.push(NO_CHILD);
    tree.right.push(NO_CHILD);
    tree.value.push(0);
    return queue.length - 1;
  };
  add(root);
  for (let n = 0; n < queue.length; n++) {
    const node = queue[n];
    // The same test TreeNode.classify uses to decide a node is internal.
    if (node.left && node.right) {
      tree.feature[n] = featureOf(node, n, columnFeature);
      tree.threshold[n] = thresholdOf(node, n);
      tree.left[n] = add(node.left);
      tree.right[n] = add(node.right);
    } else {
      tree.value[n] = leafValueOf(node, n);
    }
  }
  return tree;
}

function featureOf(node: CartNode, n: number, columnFeature?: readonly number[]): number {
  const column = node.splitColumn;
  const feature = column === undefined ? undefined : columnFeature ? columnFeature[column] : column;
  if (feature === undefined || !Number.isInteger(feature) || feature < 0) {
    throw new Error(`ml-cart node ${n} splits on column ${column}, which maps to no feature`);
  }
  return feature;
}

function thresholdOf(node: CartNode, n: number): number {
  if (typeof node.splitValue !== 'number' || !Number.isFinite(node.splitValue)) {
    throw new Error(`ml-cart node ${n} has split value ${node.splitValue}`);
  }
  return node.splitValue;
}

function leafValueOf(node: CartNode, n: number): number {
  if (typeof node.distribution !== 'number' || !Number.isFinite(node.distribution)) {
    throw new Error(`ml-cart leaf ${n} holds ${String(node.distribution)}, not a regression value`);
  }
  return node.distribution;
}
