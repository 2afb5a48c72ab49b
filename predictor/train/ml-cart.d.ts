/**
 * ml-cart ships no type declarations; this covers the part the trainer uses. Shapes were read
 * off node_modules/ml-cart/src (TreeNode.js, DecisionTreeRegression.js), version 2.1.1.
 */
declare module 'ml-cart' {
  export interface CartOptions {
    /** Nodes with this many training rows or fewer become leaves. */
    minNumSamples?: number;
    /** The root is depth 0; a node at depth maxDepth is always a leaf. */
    maxDepth?: number;
  }

  /**
   * A trained node. It is internal exactly when both children exist (TreeNode.classify), and
   * then sends a row left when row[splitColumn] < splitValue; a regression leaf holds the mean
   * of its training values in `distribution`.
   */
  export interface CartNode {
    splitColumn?: number;
    splitValue?: number;
    left?: CartNode;
    right?: CartNode;
    distribution?: unknown;
  }

  export class DecisionTreeRegression {
    constructor(options?: CartOptions);
    root: CartNode;
    train(trainingSet: number[][], trainingValues: number[]): void;
    predict(toPredict: number[][]): number[];
  }
}
