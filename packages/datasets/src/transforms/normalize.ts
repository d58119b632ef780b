import type { ImageStore } from '../data/image-store';

/** x = (pixel / 255 − mean[c]) / std[c]; `scale` (mean 0, std 1) maps bytes to [0, 1]. */
export interface Normalization {
  mean: number[];
  std: number[];
}

/** The CIFAR statistics of the reference code (Le & Hua's NPTM, from rethinking-network-pruning). */
export const CIFAR_REFERENCE_NORMALIZATION: Normalization = {
  mean: [0.4914, 0.4822, 0.4465],
  std: [0.2023, 0.1994, 0.201],
};

/** torchvision's ImageNet statistics. */
export const IMAGENET_NORMALIZATION: Normalization = {
  mean: [0.485, 0.456, 0.406],
  std: [0.229, 0.224, 0.225],
};

export function scaleOnly(channels: number): Normalization {
  return { mean: new Array(channels).fill(0), std: new Array(channels).fill(1) };
}

/** A byte → float table per channel: `table[c * 256 + byte]`. */
export function normalizationTable(norm: Normalization): Float32Array {
  const channels = norm.mean.length;
  const table = new Float32Array(channels * 256);
  for (let c = 0; c < channels; c++) {
    for (let v = 0; v < 256; v++) table[c * 256 + v] = (v / 255 - norm.mean[c]) / norm.std[c];
  }
  return table;
}

/** Per-channel mean and std (population) of pixel / 255 over a store's images, via byte histograms. */
export function channelStatistics(store: ImageStore): Normalization {
  const channels = store.shape[2];
  const histogram = new Float64Array(channels * 256);
  const { images } = store;
  const n = store.count * store.shape[0] * store.shape[1] * channels;
  for (let i = 0; i < n; i++) histogram[(i % channels) * 256 + images[i]]++;
  const mean: number[] = [];
  const std: number[] = [];
  for (let c = 0; c < channels; c++) {
    let count = 0;
    let sum = 0;
    let sumSquares = 0;
    for (let v = 0; v < 256; v++) {
      const h = histogram[c * 256 + v];
      count += h;
      sum += h * (v / 255);
      sumSquares += h * (v / 255) ** 2;
    }
    const m = sum / count;
    mean.push(m);
    std.push(Math.sqrt(Math.max(sumSquares / count - m * m, 1e-12)));
  }
  return { mean, std };
}
