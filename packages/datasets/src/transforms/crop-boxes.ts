import type { Rng } from '@prunebench/core';
import type { CropBox } from './resize';

/**
 * torchvision's RandomResizedCrop box: up to 10 tries of an area fraction in `scale` and a
 * log-uniform aspect ratio in `ratio` that fit in the image; otherwise a centre crop with the
 * aspect ratio clamped into `ratio`.
 */
export function randomResizedCropBox(
  width: number,
  height: number,
  scale: readonly [number, number],
  ratio: readonly [number, number],
  rng: Rng,
): CropBox {
  const area = width * height;
  const logRatio = [Math.log(ratio[0]), Math.log(ratio[1])];
  for (let attempt = 0; attempt < 10; attempt++) {
    const targetArea = area * rng.uniform(scale[0], scale[1]);
    const aspect = Math.exp(rng.uniform(logRatio[0], logRatio[1]));
    const w = Math.round(Math.sqrt(targetArea * aspect));
    const h = Math.round(Math.sqrt(targetArea / aspect));
    if (w > 0 && h > 0 && w <= width && h <= height) {
      return { top: rng.int(height - h + 1), left: rng.int(width - w + 1), height: h, width: w };
    }
  }
  const inRatio = width / height;
  let w = width;
  let h = height;
  if (inRatio < ratio[0]) h = Math.round(w / ratio[0]);
  else if (inRatio > ratio[1]) w = Math.round(h * ratio[1]);
  return { top: Math.floor((height - h) / 2), left: Math.floor((width - w) / 2), height: h, width: w };
}

/**
 * The evaluation crop: resize the shorter side to `resizeSize`, then take the centre
 * imageSize × imageSize — expressed as the box of the source it covers.
 */
export function centerCropBox(width: number, height: number, imageSize: number, resizeSize: number): CropBox {
  const side = (Math.min(width, height) * imageSize) / resizeSize;
  return { top: (height - side) / 2, left: (width - side) / 2, height: side, width: side };
}
