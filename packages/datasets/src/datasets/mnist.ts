import { inject, injectable } from 'tsyringe';
import { OPTIONS } from '@prunebench/core';
import type { MnistFamilyOptions } from './mnist-family';
import { MnistFamilyDataset, mnistFamilySchema } from './mnist-family';

export const MNIST_CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** MNIST digits 28×28 grey, 10 classes: the embedded 10,000-image copy, or IDX files. */
@injectable()
export class MnistDataset extends MnistFamilyDataset {
  static readonly id = 'mnist';
  static readonly description = 'MNIST 28×28×1, 10 classes: embedded 10k images (8k train / 2k test, no download) or IDX files (path)';
  static readonly optionsSchema = mnistFamilySchema('MNIST', false);

  constructor(@inject(OPTIONS) options: MnistFamilyOptions) {
    super('mnist', 0.2, MNIST_CLASSES, options, false);
  }
}
