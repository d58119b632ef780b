import { cifar, expectConstantWithinEpochs, imagenet, lrPerEpoch, makeSchedule, runs } from './test-support';

const lrw = makeSchedule('lrw');
const perEpoch = (original: typeof cifar, epochs: number) => lrPerEpoch(lrw.compute(original, { epochs, stepsPerEpoch: 2 }), 2);

describe('lrw (learning-rate rewinding), CIFAR original', () => {
  it('E <= 40: constant 0.001, identical to FT', () => {
    expect(runs(perEpoch(cifar, 40))).toEqual([[0.001, 0, 39]]);
    expect(lrw.compute(cifar, { epochs: 40, stepsPerEpoch: 3 })).toEqual(makeSchedule('ft').compute(cifar, { epochs: 40, stepsPerEpoch: 3 }));
  });

  it('E = 72: 0.01 for epochs 0-31, 0.001 for 32-71 (spec example)', () => {
    expect(runs(perEpoch(cifar, 72))).toEqual([
      [0.01, 0, 31],
      [0.001, 32, 71],
    ]);
  });

  it('E = 152: 0.1 for epochs 0-71, 0.01 for 72-111, 0.001 for 112-151 (spec example)', () => {
    expect(runs(perEpoch(cifar, 152))).toEqual([
      [0.1, 0, 71],
      [0.01, 72, 111],
      [0.001, 112, 151],
    ]);
  });

  it('80 < E <= 160 drops at E - 80 and E - 40; 40 < E <= 80 drops at E - 40', () => {
    for (const e of [81, 100, 160]) {
      expect(runs(perEpoch(cifar, e))).toEqual([
        [0.1, 0, e - 81],
        [0.01, e - 80, e - 41],
        [0.001, e - 40, e - 1],
      ]);
    }
    expect(runs(perEpoch(cifar, 41))).toEqual([
      [0.01, 0, 0],
      [0.001, 1, 40],
    ]);
  });

  it('a budget longer than the original replays it all, preceded by its first LR', () => {
    expect(runs(perEpoch(cifar, 200))).toEqual([
      [0.1, 0, 119],
      [0.01, 120, 159],
      [0.001, 160, 199],
    ]);
  });

  it('steps per epoch, and follows another original (ImageNet: drops every 30 of 90)', () => {
    expectConstantWithinEpochs(lrw.compute(cifar, { epochs: 72, stepsPerEpoch: 7 }), 7);
    expect(runs(perEpoch(imagenet, 45))).toEqual([
      [0.01, 0, 14],
      [0.001, 15, 44],
    ]);
  });
});
