import { inject, injectable } from 'tsyringe';
import { OPTIONS } from '@prunebench/core';
import type { CifarOptions } from './cifar';
import { CifarDataset, cifarSchema } from './cifar';

export interface Cifar100Options extends CifarOptions {
  /** `fine`: the 100 classes (default); `coarse`: the 20 superclasses. */
  labels: 'fine' | 'coarse';
}

/** CIFAR-100 binary version: train.bin (50,000) and test.bin (10,000), each record coarse + fine label. */
@injectable()
export class Cifar100Dataset extends CifarDataset {
  static readonly id = 'cifar100';
  static readonly description = 'CIFAR-100 32×32×3, 100 fine (or 20 coarse) classes, from the binary files (path)';
  static readonly optionsSchema = cifarSchema({
    labels: { enum: ['fine', 'coarse'], default: 'fine', description: 'fine: 100 classes; coarse: 20 superclasses' },
  });

  constructor(@inject(OPTIONS) options: Cifar100Options) {
    const fine = options.labels !== 'coarse';
    super(
      'cifar100',
      'cifar-100-binary',
      ['train.bin'],
      ['test.bin'],
      { labelBytes: 2, labelIndex: fine ? 1 : 0, numClasses: fine ? 100 : 20 },
      options,
    );
  }

  protected classNames() {
    return undefined;
  }
}
