declare module 'density-clustering' {
  export class DBSCAN {
    noise: number[];
    run(
      dataset: number[][],
      epsilon: number,
      minPts: number,
      distance?: (a: number[], b: number[]) => number,
    ): number[][];
  }
  const clustering: { DBSCAN: typeof DBSCAN };
  export default clustering;
}
