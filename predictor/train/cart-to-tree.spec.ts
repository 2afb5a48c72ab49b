import { DecisionTreeRegression } from 'ml-cart';
import { RandomForestRegression } from 'ml-random-forest';
import type { Ensemble, Tree } from '../src/model/artifact.schema';
import { CompiledEnsemble } from '../src/model/compiled-ensemble';
import { walkEnsemble } from '../src/model/tree-ensemble';
import { cartToTree } from './cart-to-tree';
import { loadDataset, selectColumns } from './dataset';
import { CAPSTONE_FEATURES, CAPSTONE_TARGET } from './training-config';

const { x, y } = selectColumns(loadDataset(), CAPSTONE_FEATURES, CAPSTONE_TARGET);

const ensembleOf = (trees: Tree[]): Ensemble => ({
  combine: 'mean',
  base: 0,
  learningRate: 1,
  decision: 'lt',
  inputPrecision: 'float64',
  trees,
});

/** Rows sitting exactly on every threshold: the only rows where `<` and `<=` part ways. */
function rowsOnThresholds(tree: Tree, base: readonly number[]): number[][] {
  return tree.feature.flatMap((f, n) => {
    if (tree.left[n] < 0) return [];
    const row = [...base];
    row[f] = tree.threshold[n];
    return [row];
  });
}

function expectSameAnswers(ensemble: Ensemble, rows: number[][], library: number[]): void {
  const compiled = new CompiledEnsemble(ensemble);
  const differing = rows.filter((row, i) => {
    const walked = walkEnsemble(ensemble, row);
    return !(Math.abs(walked - library[i]) <= 1e-12 && compiled.predict(Float64Array.from(row)) === walked);
  });
  expect(differing).toEqual([]);
}

describe('cartToTree', () => {
  it('reproduces ml-cart predict on every row, and on rows exactly at each threshold', () => {
    // Deep and unpruned, so the tree has hundreds of nodes to get wrong.
    const cart = new DecisionTreeRegression({ maxDepth: 12, minNumSamples: 1 });
    cart.train(x, y);
    const tree = cartToTree(cart.root);
    expect(tree.feature.length).toBeGreaterThan(300);

    const probes = [...x, ...rowsOnThresholds(tree, x[0]), ...rowsOnThresholds(tree, x[300])];
    expectSameAnswers(ensembleOf([tree]), probes, cart.predict(probes));
  });

  it('gives `lte` different answers at the thresholds, so the test above can tell them apart', () => {
    const cart = new DecisionTreeRegression({ maxDepth: 4 });
    cart.train(x, y);
    const tree = cartToTree(cart.root);
    const probes = rowsOnThresholds(tree, x[0]);
    const library = cart.predict(probes);
    const lte = { ...ensembleOf([tree]), decision: 'lte' as const };
    expect(probes.some((row, i) => walkEnsemble(lte, row) !== library[i])).toBe(true);
  });

  it('maps each forest tree back to the features it was given and averages like the library', () => {
    // Half the features per tree, drawn with replacement: column c of a tree is rarely feature c.
    const forest = new RandomForestRegression({
      nEstimators: 6,
      maxFeatures: 0.5,
      replacement: true,
      seed: 3,
      noOOB: true,
      treeOptions: { maxDepth: 6 },
    });
    forest.train(x, y);
    const estimators = forest.estimators as DecisionTreeRegression[];
    const columns = forest.indexes as number[][];
    expect(columns.some((used) => used.some((feature, c) => feature !== c))).toBe(true);

    const trees = estimators.map((e, t) => cartToTree(e.root, columns[t]));
    const probes = [...x, ...trees.flatMap((tree) => rowsOnThresholds(tree, x[42]))];
    expectSameAnswers(ensembleOf(trees), probes, forest.predict(probes));
  });

  it('numbers children after their parents and marks leaves as the format does', () => {
    const cart = new DecisionTreeRegression({ maxDepth: 5 });
    cart.train(x, y);
    const tree = cartToTree(cart.root);
    tree.left.forEach((left, n) => {
      if (left < 0) {
        expect([tree.right[n], tree.feature[n]]).toEqual([-1, -2]);
      } else {
        expect(left).toBeGreaterThan(n);
        expect(tree.right[n]).toBeGreaterThan(n);
      }
    });
  });

  it('turns a tree that never split into a single leaf holding the mean', () => {
    const cart = new DecisionTreeRegression();
    cart.train(
      [
        [1, 2],
        [3, 4],
        [5, 6],
        [7, 8],
      ],
      [2, 2, 2, 2],
    );
    expect(cartToTree(cart.root)).toEqual({ feature: [-2], threshold: [-2], left: [-1], right: [-1], value: [2] });
  });

  it('refuses a node it cannot read instead of writing a wrong tree', () => {
    expect(() => cartToTree({ distribution: [0.5, 0.5] })).toThrow(/leaf 0 holds/);
    expect(() => cartToTree({ splitColumn: 3, splitValue: 1, left: {}, right: {} }, [0, 1])).toThrow(
      /node 0 splits on column 3/,
    );
  });
});
