import { definePlugin, PLUGIN_API_VERSION } from '@prunebench/core';
import { Cifar10Dataset } from './datasets/cifar10';
import { Cifar100Dataset } from './datasets/cifar100';
import { CsvDataset } from './datasets/csv';
import { FashionMnistDataset } from './datasets/fashion-mnist';
import { ImageFolderDataset } from './datasets/imagefolder';
import { MnistDataset } from './datasets/mnist';
import { SyntheticDataset } from './datasets/synthetic';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { name, version } = require('../package.json') as { name: string; version: string };

export { FashionMnistDataset, FASHION_MNIST_CLASSES } from './datasets/fashion-mnist';
export { MnistDataset, MNIST_CLASSES } from './datasets/mnist';
export { Cifar10Dataset, CIFAR10_CLASSES } from './datasets/cifar10';
export { Cifar100Dataset, type Cifar100Options } from './datasets/cifar100';
export { ImageFolderDataset, type ImageFolderOptions } from './datasets/imagefolder';
export { SyntheticDataset, type SyntheticOptions } from './datasets/synthetic';
export { CsvDataset, type CsvOptions } from './datasets/csv';
export { parseCsv } from './readers/csv';
export type { MnistFamilyOptions } from './datasets/mnist-family';
export type { CifarOptions } from './datasets/cifar';
export type { SplitOptions, NormalizationOptions } from './data/common-options';
export { InMemoryDataset, type InMemorySource } from './data/in-memory-dataset';
export type { ImageStore } from './data/image-store';
export { loadEmbedded, convertEmbedded, embeddedCacheFile, type EmbeddedName } from './data/embedded';
export { resolveCacheDir } from './data/cache-dir';
export { parseIdx, readIdxSplit } from './readers/idx';
export { readCifarFile } from './readers/cifar-binary';
export { CIFAR_REFERENCE_NORMALIZATION, IMAGENET_NORMALIZATION, type Normalization } from './transforms/normalize';

/** The built-in datasets, as a plugin like any third party's. */
export const plugin = definePlugin({
  name,
  version,
  apiVersion: PLUGIN_API_VERSION,
  datasets: [FashionMnistDataset, MnistDataset, Cifar10Dataset, Cifar100Dataset, ImageFolderDataset, SyntheticDataset, CsvDataset],
});

export default plugin;
