// The part of mljs `ml-cart` (no bundled types) that tools/label/cart-split.ts uses.
declare module 'ml-cart' {
  export class DecisionTreeClassifier {
    constructor(options?: Record<string, unknown>);
    root: object;
    train(trainingSet: number[][], trainingLabels: number[]): void;
    predict(toPredict: number[][]): number[];
  }
}
