/** A rectangle in source pixels. */
export interface CropBox {
  top: number;
  left: number;
  height: number;
  width: number;
}

/** An RGBA (or other interleaved) 8-bit image. */
export interface DecodedImage {
  width: number;
  height: number;
  /** Interleaved bytes, `stride` per pixel. */
  data: Uint8Array;
  stride: number;
}

/**
 * Crops `box` out of `image` and resizes it to outSize × outSize with bilinear interpolation
 * (half-pixel centres, edges clamped), optionally mirrored left–right, writing the first three
 * channels normalised through `table` (`table[c * 256 + byte]`) into `out` at `offset`, HWC.
 * Downscaling is not antialiased (unlike PIL), which is the usual tfjs / OpenCV behaviour.
 */
export function cropResizeBilinear(
  image: DecodedImage,
  box: CropBox,
  outSize: number,
  flip: boolean,
  table: Float32Array,
  out: Float32Array,
  offset: number,
): void {
  const { width, height, data, stride } = image;
  const scaleY = box.height / outSize;
  const scaleX = box.width / outSize;
  const clamp = (v: number, max: number) => (v < 0 ? 0 : v > max ? max : v);
  for (let oy = 0; oy < outSize; oy++) {
    const sy = clamp(box.top + (oy + 0.5) * scaleY - 0.5, height - 1);
    const y0 = Math.floor(sy);
    const y1 = Math.min(y0 + 1, height - 1);
    const fy = sy - y0;
    for (let ox = 0; ox < outSize; ox++) {
      const column = flip ? outSize - 1 - ox : ox;
      const sx = clamp(box.left + (column + 0.5) * scaleX - 0.5, width - 1);
      const x0 = Math.floor(sx);
      const x1 = Math.min(x0 + 1, width - 1);
      const fx = sx - x0;
      const p00 = (y0 * width + x0) * stride;
      const p01 = (y0 * width + x1) * stride;
      const p10 = (y1 * width + x0) * stride;
      const p11 = (y1 * width + x1) * stride;
      const to = offset + (oy * outSize + ox) * 3;
      for (let c = 0; c < 3; c++) {
        const top = data[p00 + c] + (data[p01 + c] - data[p00 + c]) * fx;
        const bottom = data[p10 + c] + (data[p11 + c] - data[p10 + c]) * fx;
        const value = top + (bottom - top) * fy;
        // Interpolate in byte space, then normalise linearly between the two nearest table entries.
        const low = Math.floor(value);
        const high = low < 255 ? low + 1 : 255;
        const t = value - low;
        out[to + c] = table[c * 256 + low] + (table[c * 256 + high] - table[c * 256 + low]) * t;
      }
    }
  }
}
