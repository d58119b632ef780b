import { inject, injectable } from 'tsyringe';
import { OPTIONS } from '@prunebench/core';
import type { MnistFamilyOptions } from './mnist-family';
import { MnistFamilyDataset, mnistFamilySchema } from './mnist-family';

export const FASHION_MNIST_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

/** Fashion-MNIST: 70,000 28×28 grey images, 10 classes; embedded (no download) or IDX files. */
@injectable()
export class FashionMnistDataset extends MnistFamilyDataset {
  static readonly id = 'fashion-mnist';
  static readonly description = 'Fashion-MNIST 28×28×1, 10 classes: embedded (60k train / 10k test, no download) or IDX files (path)';
  static readonly optionsSchema = mnistFamilySchema('Fashion-MNIST', true);

  constructor(@inject(OPTIONS) options: MnistFamilyOptions) {
    super('fashion-mnist', 1 / 7, FASHION_MNIST_CLASSES, options, true);
  }
}
