import { DatasetError } from '@prunebench/core';
import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import type { DecodedImage } from '../transforms/resize';

/** Decodes a JPEG or PNG file's bytes (told apart by their signature) to RGBA. */
export function decodeImage(bytes: Buffer, file: string): DecodedImage {
  const isJpeg = bytes.length > 2 && bytes[0] === 0xff && bytes[1] === 0xd8;
  const isPng = bytes.length > 8 && bytes.readUInt32BE(0) === 0x89504e47;
  if (!isJpeg && !isPng) {
    throw new DatasetError(`${file}: not a JPEG or PNG image (unknown signature at byte 0); remove it from the image folder`, file, 0);
  }
  try {
    if (isJpeg) {
      const decoded = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 1024 });
      return { width: decoded.width, height: decoded.height, data: decoded.data, stride: 4 };
    }
    const decoded = PNG.sync.read(bytes);
    return { width: decoded.width, height: decoded.height, data: new Uint8Array(decoded.data.buffer, decoded.data.byteOffset, decoded.data.length), stride: 4 };
  } catch (error) {
    throw new DatasetError(`${file}: cannot decode the ${isJpeg ? 'JPEG' : 'PNG'} image (${(error as Error).message}); the file may be truncated`, file, undefined, { cause: error });
  }
}
