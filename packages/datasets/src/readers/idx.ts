import { DatasetError } from '@prunebench/core';
import type { ImageStore } from '../data/image-store';
import { findDataFile, readDataFile } from './read-file';

/** An IDX array (the MNIST file format): unsigned bytes with their dimensions. */
export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

/**
 * Parses an IDX file of unsigned bytes: magic 00 00 08 <ndims>, then ndims big-endian u32
 * sizes, then the bytes. A wrong magic, a truncated file or trailing bytes are errors that
 * name the file and the byte offset.
 */
export function parseIdx(bytes: Uint8Array, file: string, expectedDims?: number): IdxArray {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 4) throw new DatasetError(`${file}: truncated at byte ${bytes.length}: an IDX file starts with a 4-byte magic number`, file, bytes.length);
  const magic = view.getUint32(0);
  const ndims = bytes[3];
  if (bytes[0] !== 0 || bytes[1] !== 0 || bytes[2] !== 0x08 || ndims === 0 || (expectedDims !== undefined && ndims !== expectedDims)) {
    const wanted = expectedDims === undefined ? '0x000008NN' : `0x0000080${expectedDims}`;
    throw new DatasetError(
      `${file}: wrong magic number 0x${magic.toString(16).padStart(8, '0')} at byte 0 (expected ${wanted}: an IDX file of ` +
        `unsigned bytes${expectedDims ? ` with ${expectedDims} dimension(s)` : ''}); is this the right file?`,
      file, 0,
    );
  }
  const headerBytes = 4 + 4 * ndims;
  if (bytes.length < headerBytes) throw new DatasetError(`${file}: truncated at byte ${bytes.length}, inside the ${headerBytes}-byte header`, file, bytes.length);
  const dims = Array.from({ length: ndims }, (_, i) => view.getUint32(4 + 4 * i));
  const expected = headerBytes + dims.reduce((a, b) => a * b, 1);
  if (bytes.length < expected) {
    throw new DatasetError(
      `${file}: truncated at byte ${bytes.length}: the header (dimensions ${dims.join('×')}) needs ${expected} bytes; download the file again`,
      file, bytes.length,
    );
  }
  if (bytes.length > expected) {
    throw new DatasetError(`${file}: ${bytes.length - expected} unexpected bytes after byte ${expected} (dimensions ${dims.join('×')}); is the file damaged?`, file, expected);
  }
  return { dims, data: bytes.subarray(headerBytes, expected) };
}

/** The file names a split's images and labels may have, gzipped or not (both common spellings). */
export function idxCandidates(split: 'train' | 't10k', kind: 'images' | 'labels'): string[] {
  const name = `${split}-${kind}-idx${kind === 'images' ? 3 : 1}-ubyte`;
  const dotted = `${split}-${kind}.idx${kind === 'images' ? 3 : 1}-ubyte`;
  return [name, `${name}.gz`, dotted, `${dotted}.gz`];
}

/**
 * Reads one split (`train` or `t10k`) of an MNIST-style IDX folder into a store, checking the
 * image size against `imageSize` and every label against `numClasses`.
 */
export function readIdxSplit(folder: string, split: 'train' | 't10k', numClasses: number, imageSize: number): ImageStore {
  const imagesFile = findDataFile(folder, idxCandidates(split, 'images'));
  const labelsFile = findDataFile(folder, idxCandidates(split, 'labels'));
  const images = parseIdx(readDataFile(imagesFile), imagesFile, 3);
  const labels = parseIdx(readDataFile(labelsFile), labelsFile, 1);
  const [count, rows, cols] = images.dims;
  if (rows !== imageSize || cols !== imageSize) {
    throw new DatasetError(
      `${imagesFile}: images are ${rows}×${cols} (header bytes 8–15) but the config expects ${imageSize}×${imageSize}; ` +
        'set "imageSize" to match the files or point "path" at the right files',
      imagesFile, 8,
    );
  }
  if (labels.dims[0] !== count) {
    throw new DatasetError(`${labelsFile}: ${labels.dims[0]} labels (header byte 4) but ${imagesFile} has ${count} images; the two files do not belong together`, labelsFile, 4);
  }
  const headerBytes = 8;
  for (let i = 0; i < count; i++) {
    if (labels.data[i] >= numClasses) {
      throw new DatasetError(`${labelsFile}: label ${labels.data[i]} at byte ${headerBytes + i} is out of range (expected 0–${numClasses - 1})`, labelsFile, headerBytes + i);
    }
  }
  return { images: images.data, labels: labels.data, count, shape: [rows, cols, 1], numClasses };
}
