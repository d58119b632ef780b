import { DatasetError, Rng } from '@prunebench/core';

/**
 * Picks `n` of `indices`, stratified by label: each class gives its share (largest remainder),
 * chosen at random with `rng`. Both parts come back sorted, so they do not depend on the input's
 * order; batch order is shuffled separately per epoch.
 */
export function stratifiedPick(
  labels: ArrayLike<number>,
  indices: Int32Array,
  n: number,
  numClasses: number,
  rng: Rng,
): { picked: Int32Array; rest: Int32Array } {
  if (n > indices.length) throw new RangeError(`cannot pick ${n} of ${indices.length}`);
  const byClass: number[][] = Array.from({ length: numClasses }, () => []);
  for (const index of indices) byClass[labels[index]].push(index);
  const exact = byClass.map((members) => (members.length * n) / indices.length);
  const quota = exact.map(Math.floor);
  let left = n - quota.reduce((a, b) => a + b, 0);
  // Largest fractional parts first; ties go to the lower class index.
  const byRemainder = exact.map((e, c) => ({ c, r: e - Math.floor(e) })).sort((a, b) => b.r - a.r || a.c - b.c);
  for (const { c } of byRemainder) {
    if (left === 0) break;
    if (quota[c] < byClass[c].length) {
      quota[c]++;
      left--;
    }
  }
  const picked: number[] = [];
  const rest: number[] = [];
  byClass.forEach((members, c) => {
    rng.shuffle(members);
    picked.push(...members.slice(0, quota[c]));
    rest.push(...members.slice(quota[c]));
  });
  const sorted = (xs: number[]) => Int32Array.from(xs).sort();
  return { picked: sorted(picked), rest: sorted(rest) };
}

export interface SplitSizes {
  /** Examples held out of the train source as the validation split (default 0). */
  validationSize: number;
  /** Keep only this many training examples (after the hold-out), stratified. */
  trainSize?: number;
  /** Keep only this many test examples, stratified. */
  testSize?: number;
  /** Seed of the hold-out and the subsets (not of the batch order). */
  seed: number;
}

export interface SplitIndices {
  train: Int32Array;
  validation: Int32Array;
  test: Int32Array;
}

const range = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

/**
 * Train / validation / test indices from a train source and a test source: validation is held
 * out of the train source, then train and test are optionally subset. Each step has its own
 * seeded stream, so changing `trainSize` never changes which examples are in validation.
 */
export function makeSplits(
  trainLabels: ArrayLike<number>,
  testLabels: ArrayLike<number>,
  numClasses: number,
  sizes: SplitSizes,
  describe: string,
): SplitIndices {
  const trainPool = range(trainLabels.length);
  const { validationSize, trainSize, testSize, seed } = sizes;
  if (validationSize >= trainPool.length) {
    throw new DatasetError(`${describe}: validationSize ${validationSize} leaves no training data (the train source has ${trainPool.length} examples)`);
  }
  const held = stratifiedPick(trainLabels, trainPool, validationSize, numClasses, new Rng(seed, 'validation'));
  let train = held.rest;
  if (trainSize !== undefined) {
    if (trainSize > train.length) {
      throw new DatasetError(
        `${describe}: trainSize ${trainSize} is larger than the ${train.length} training examples available` +
          (validationSize ? ` after holding out validationSize ${validationSize}` : ''),
      );
    }
    train = stratifiedPick(trainLabels, train, trainSize, numClasses, new Rng(seed, 'train-subset')).picked;
  }
  let test: Int32Array = range(testLabels.length);
  if (testSize !== undefined) {
    if (testSize > test.length) throw new DatasetError(`${describe}: testSize ${testSize} is larger than the ${test.length} test examples`);
    test = stratifiedPick(testLabels, test, testSize, numClasses, new Rng(seed, 'test-subset')).picked;
  }
  return { train, validation: held.picked, test };
}
