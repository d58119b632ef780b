import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigErrors, UsageError } from '../errors';
import {
  ORIGINAL_PRESETS,
  describeOriginalSchedule,
  originalLrAt,
  originalLrSummary,
  originalMomentum,
  originalPreset,
  readOriginalSchedule,
  resolveOriginalSchedule,
} from './original';

describe('original-schedule presets', () => {
  it('describe the reference recipes of the spec', () => {
    expect(originalPreset('cifar')).toEqual({
      epochs: 160, lr: 0.1, milestones: [80, 120], gamma: 0.1, momentum: 0.9, weightDecay: 1e-4, batchSize: 64, nesterov: false,
    });
    expect(originalPreset('imagenet')).toMatchObject({ epochs: 90, lr: 0.1, milestones: [30, 60], gamma: 0.1, batchSize: 256 });
  });

  it('hand out copies, so a caller cannot change the preset', () => {
    const copy = originalPreset('cifar');
    copy.milestones.push(150);
    expect(ORIGINAL_PRESETS.cifar.milestones).toEqual([80, 120]);
  });

  it('suggest the closest preset for a typo', () => {
    expect(() => originalPreset('cifra')).toThrow(/unknown original-schedule preset "cifra" — did you mean "cifar"\?/);
  });
});

describe('originalLrAt and the summary', () => {
  const cifar = originalPreset('cifar');
  it('steps at the milestones', () => {
    expect(originalLrAt(cifar, 0)).toBe(0.1);
    expect(originalLrAt(cifar, 79)).toBe(0.1);
    expect(originalLrAt(cifar, 80)).toBeCloseTo(0.01, 15);
    expect(originalLrAt(cifar, 119.5)).toBeCloseTo(0.01, 15);
    expect(originalLrAt(cifar, 120)).toBeCloseTo(0.001, 15);
    expect(originalLrAt(cifar, 159)).toBeCloseTo(0.001, 15);
    expect(() => originalLrAt(cifar, -1)).toThrow(RangeError);
  });

  it('gives first, last, largest and smallest LR', () => {
    const summary = originalLrSummary(cifar);
    expect(summary.smallest).toBeCloseTo(0.001, 15);
    expect(summary.first).toBe(0.1);
    expect(summary.base).toBe(0.1);
    expect(summary.largest).toBe(0.1);
    expect(summary.last).toBeCloseTo(0.001, 15);
    expect(originalMomentum(cifar)).toBe(0.9);
    expect(originalMomentum({ ...cifar, momentum: undefined })).toBe(0.9);
    expect(describeOriginalSchedule(cifar)).toBe('160 epochs, lr 0.1, ×0.1 at 80, 120, momentum 0.9');
  });

  it('ramps linearly through an optional warm-up', () => {
    const warm = resolveOriginalSchedule({ preset: 'imagenet', warmupEpochs: 4 });
    expect([0, 1, 2, 3, 4].map((e) => originalLrAt(warm, e))).toEqual([0.02, 0.04, 0.06, 0.08, 0.1].map((v) => expect.closeTo(v, 15)));
    const summary = originalLrSummary(warm);
    expect(summary.first).toBeCloseTo(0.02, 15);
    expect(summary.largest).toBe(0.1);
    // imagenet drops to 0.001 at the end; the warm-up starts higher, so the smallest is still the last.
    expect(summary.smallest).toBeCloseTo(Math.min(0.02, summary.last), 15);
    expect(summary.last).toBeCloseTo(0.001, 15);
  });
});

describe('resolveOriginalSchedule', () => {
  it('overrides a preset with explicit fields and ignores the config-only checkpoint', () => {
    const original = resolveOriginalSchedule({ preset: 'cifar', epochs: 200, milestones: [100, 150], checkpoint: 'x' });
    expect(original).toMatchObject({ epochs: 200, lr: 0.1, milestones: [100, 150], batchSize: 64 });
    expect(original).not.toHaveProperty('checkpoint');
  });

  it('names every problem with its key path', () => {
    expect(() => resolveOriginalSchedule({ epochs: 0, lr: -0.1, milestones: [], gamma: 0.1 })).toThrow(ConfigErrors);
    expect(() => resolveOriginalSchedule({ epochs: 0, lr: -0.1, milestones: [], gamma: 0.1 })).toThrow(/original\.epochs: must be >= 1/);
    expect(() => resolveOriginalSchedule({ epochs: 0, lr: -0.1, milestones: [], gamma: 0.1 })).toThrow(/original\.lr: must be > 0/);
    expect(() => resolveOriginalSchedule({ preset: 'cifar', milestones: [120, 80] })).toThrow(
      /original\.milestones\[1\]: milestones must increase \(120 then 80\)/,
    );
    expect(() => resolveOriginalSchedule({ preset: 'cifar', milestones: [80, 160] })).toThrow(/original\.milestones\[1\]: 160 is not inside/);
    expect(() => resolveOriginalSchedule({ lr: 0.1 })).toThrow(/original\.epochs: is required/);
    expect(() => resolveOriginalSchedule({ preset: 'cifar', gama: 0.2 } as never)).toThrow(/unknown key "gama" — did you mean "gamma"\?/);
    expect(() => resolveOriginalSchedule({ preset: 'cifar', warmupEpochs: 90 })).toThrow(/original\.warmupEpochs: 90 must end before the first LR drop/);
  });
});

describe('readOriginalSchedule', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prunebench-original-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads a preset name or a JSON file', () => {
    expect(readOriginalSchedule('imagenet').epochs).toBe(90);
    fs.writeFileSync(path.join(dir, 'mine.json'), JSON.stringify({ epochs: 30, lr: 0.05, milestones: [10, 20], gamma: 0.2 }));
    expect(readOriginalSchedule('mine.json', dir)).toEqual({ epochs: 30, lr: 0.05, milestones: [10, 20], gamma: 0.2 });
  });

  it('explains a bad file, a bad value and an unknown name', () => {
    fs.writeFileSync(path.join(dir, 'broken.json'), '{ epochs: ');
    expect(() => readOriginalSchedule('broken.json', dir)).toThrow(/broken\.json: is not valid JSON/);
    fs.writeFileSync(path.join(dir, 'bad.json'), JSON.stringify({ preset: 'cifar', epochs: 1.5 }));
    expect(() => readOriginalSchedule('bad.json', dir)).toThrow(/bad\.json: epochs: must be integer/);
    expect(() => readOriginalSchedule('imagenett', dir)).toThrow(UsageError);
    expect(() => readOriginalSchedule('imagenett', dir)).toThrow(/did you mean "imagenet"\?.*nor a JSON file/);
  });
});
