import { inject, injectable } from 'tsyringe';
import { OPTIONS } from '@prunebench/core';
import type { CifarOptions } from './cifar';
import { CifarDataset, cifarSchema } from './cifar';

export const CIFAR10_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

/** CIFAR-10 binary version: data_batch_1..5.bin (50,000 train) and test_batch.bin (10,000). */
@injectable()
export class Cifar10Dataset extends CifarDataset {
  static readonly id = 'cifar10';
  static readonly description = 'CIFAR-10 32×32×3, 10 classes, from the binary files (path); pad-4 crop + flip augmentation';
  static readonly optionsSchema = cifarSchema();

  constructor(@inject(OPTIONS) options: CifarOptions) {
    super(
      'cifar10',
      'cifar-10-batches-bin',
      [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`),
      ['test_batch.bin'],
      { labelBytes: 1, labelIndex: 0, numClasses: 10 },
      options,
    );
  }

  protected classNames() {
    return CIFAR10_CLASSES;
  }
}
