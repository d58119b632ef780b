import { DatasetError } from '@prunebench/core';
import type { ImageStore } from '../data/image-store';
import { readDataFile } from './read-file';

const SIDE = 32;
const PLANE = SIDE * SIDE;
const PIXEL_BYTES = 3 * PLANE;

export interface CifarFormat {
  /** Label bytes before the pixels: 1 for CIFAR-10, 2 (coarse, fine) for CIFAR-100. */
  labelBytes: 1 | 2;
  /** Which of the label bytes to use (0 = first). */
  labelIndex: number;
  numClasses: number;
}

/**
 * Reads a CIFAR binary file: records of label byte(s) then 3072 pixel bytes, channel-major
 * (1024 R, 1024 G, 1024 B, each row-major 32×32). Pixels are re-laid channels last (HWC).
 * A file whose size is not a whole number of records, or a label out of range, is an error that
 * names the file and the byte offset.
 */
export function readCifarFile(file: string, format: CifarFormat): ImageStore {
  const bytes = readDataFile(file);
  const record = format.labelBytes + PIXEL_BYTES;
  if (bytes.length === 0 || bytes.length % record !== 0) {
    const whole = Math.floor(bytes.length / record);
    throw new DatasetError(
      `${file}: truncated or not a CIFAR binary file: ${bytes.length} bytes is not a whole number of ${record}-byte records ` +
        `(record ${whole} starts at byte ${whole * record} and is incomplete); download the file again`,
      file, whole * record,
    );
  }
  const count = bytes.length / record;
  const images = new Uint8Array(count * PIXEL_BYTES);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const start = i * record;
    const label = bytes[start + format.labelIndex];
    if (label >= format.numClasses) {
      throw new DatasetError(
        `${file}: label ${label} at byte ${start + format.labelIndex} (record ${i}) is out of range (expected 0–${format.numClasses - 1}); ` +
          'is this the right dataset (CIFAR-10 vs CIFAR-100)?',
        file, start + format.labelIndex,
      );
    }
    labels[i] = label;
    const pixels = start + format.labelBytes;
    const out = i * PIXEL_BYTES;
    for (let p = 0; p < PLANE; p++) {
      images[out + 3 * p] = bytes[pixels + p];
      images[out + 3 * p + 1] = bytes[pixels + PLANE + p];
      images[out + 3 * p + 2] = bytes[pixels + 2 * PLANE + p];
    }
  }
  return { images, labels, count, shape: [SIDE, SIDE, 3], numClasses: format.numClasses };
}
