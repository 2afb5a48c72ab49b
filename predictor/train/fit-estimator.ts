import { readFileSync } from 'node:fs';
import { DecisionTreeRegression } from 'ml-cart';
import { RandomForestRegression } from 'ml-random-forest';
import type { Ensemble } from '../src/model/artifact.schema';
import { cartToTree } from './cart-to-tree';
import { TrainingConfigError, type TrainingConfig } from './training-config';

/** A trained library model, converted, with the library's own predict kept as the reference. */
export interface FittedEstimator {
  ensemble: Ensemble;
  /** The library's predictions for already-scaled rows; the converted ensemble must match them. */
  predictScaled(rows: number[][]): number[];
  algorithm: string;
  trainedWith: string;
}

/** Trains on already-scaled rows with the library the config names. */
export function fitEstimator(config: TrainingConfig, x: number[][], y: number[]): FittedEstimator {
  return config.algorithm === 'cart' ? fitCart(config.params, x, y) : fitForest(config, x, y);
}

function fitCart(
  params: Extract<TrainingConfig, { algorithm: 'cart' }>['params'],
  x: number[][],
  y: number[],
): FittedEstimator {
  const tree = new DecisionTreeRegression({ maxDepth: params.maxDepth, minNumSamples: params.minNumSamples });
  tree.train(x, y);
  return {
    ensemble: meanOf([cartToTree(tree.root)]),
    predictScaled: (rows: number[][]) => tree.predict(rows),
    algorithm: 'ml-cart DecisionTreeRegression',
    trainedWith: `ml-cart ${packageVersion('ml-cart')}`,
  };
}

function fitForest(
  config: Extract<TrainingConfig, { algorithm: 'random-forest' }>,
  x: number[][],
  y: number[],
): FittedEstimator {
  const { params } = config;
  const nFeatures = x[0]?.length ?? 0;
  if (Math.floor(nFeatures * params.maxFeatures) < 1) {
    throw new TrainingConfigError(
      `params.maxFeatures ${params.maxFeatures} gives each tree none of the ${nFeatures} features`,
    );
  }
  const forest = new RandomForestRegression({
    nEstimators: params.nEstimators,
    maxFeatures: params.maxFeatures,
    replacement: params.replacement,
    useSampleBagging: params.useSampleBagging,
    // Without a seed the library seeds itself from the clock; the config always supplies one.
    seed: config.seed,
    selectionMethod: 'mean',
    // Out-of-bag predictions cost a predict per tree and the artifact has no use for them.
    noOOB: true,
    treeOptions: { maxDepth: params.maxDepth, minNumSamples: params.minNumSamples },
  });
  forest.train(x, y);
  const estimators = forest.estimators as DecisionTreeRegression[] | undefined;
  const columns = forest.indexes;
  if (!estimators || !columns || estimators.length !== params.nEstimators) {
    throw new Error('ml-random-forest trained no estimators');
  }
  return {
    // The library averages the per-tree predictions with ml-array-mean: sum in tree order, then divide.
    ensemble: meanOf(estimators.map((tree, t) => cartToTree(tree.root, columns[t]))),
    predictScaled: (rows: number[][]) => forest.predict(rows),
    algorithm: 'ml-random-forest RandomForestRegression',
    trainedWith: `ml-random-forest ${packageVersion('ml-random-forest')} (ml-cart ${packageVersion('ml-cart')})`,
  };
}

function meanOf(trees: Ensemble['trees']): Ensemble {
  return { combine: 'mean', base: 0, learningRate: 1, decision: 'lt', inputPrecision: 'float64', trees };
}

/** The installed version, not the package.json range, since that is what produced the trees. */
function packageVersion(name: string): string {
  const manifest = JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string };
  return manifest.version;
}
