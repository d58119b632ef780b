import type { Rng } from '@prunebench/core';

/** Training augmentation of small images: zero-pad, random crop back to size, random flip. */
export interface PadCropFlip {
  /** Pixels of zero padding on each side (CIFAR: 4). */
  padding: number;
  /** Flip left–right with probability 1/2. */
  flip: boolean;
}

/** One example's random draw: crop offsets in the padded image and whether to flip. */
export interface PadCropFlipDraw {
  top: number;
  left: number;
  flip: boolean;
}

export function drawPadCropFlip(spec: PadCropFlip, rng: Rng): PadCropFlipDraw {
  const top = rng.int(2 * spec.padding + 1);
  const left = rng.int(2 * spec.padding + 1);
  const flip = spec.flip && rng.next() < 0.5;
  return { top, left, flip };
}

/**
 * Writes one HWC uint8 image into `out` at `offset` as normalised floats, padded-cropped and
 * flipped as torchvision's Pad(p) → RandomCrop(size) → RandomHorizontalFlip() would (padding is 0,
 * i.e. black, before normalisation). With no draw it copies the image as it is.
 */
export function writeImage(
  image: Uint8Array,
  shape: readonly [number, number, number],
  table: Float32Array,
  out: Float32Array,
  offset: number,
  padding = 0,
  draw?: PadCropFlipDraw,
): void {
  const [height, width, channels] = shape;
  if (!draw) {
    const n = height * width * channels;
    for (let i = 0, c = 0; i < n; i++, c = c + 1 === channels ? 0 : c + 1) out[offset + i] = table[c * 256 + image[i]];
    return;
  }
  for (let y = 0; y < height; y++) {
    const sy = y + draw.top - padding;
    for (let x = 0; x < width; x++) {
      const sx = (draw.flip ? width - 1 - x : x) + draw.left - padding;
      const inside = sy >= 0 && sy < height && sx >= 0 && sx < width;
      const from = (sy * width + sx) * channels;
      const to = offset + (y * width + x) * channels;
      for (let c = 0; c < channels; c++) out[to + c] = table[c * 256 + (inside ? image[from + c] : 0)];
    }
  }
}
