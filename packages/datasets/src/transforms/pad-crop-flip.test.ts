import { Rng } from '@prunebench/core';
import { normalizationTable, scaleOnly } from './normalize';
import { drawPadCropFlip, writeImage } from './pad-crop-flip';

describe('pad-crop-flip', () => {
  const shape = [3, 3, 1] as const;
  const image = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const table = normalizationTable(scaleOnly(1));
  const write = (top: number, left: number, flip: boolean) => {
    const out = new Float32Array(9);
    writeImage(image, shape, table, out, 0, 1, { top, left, flip });
    return Array.from(out, (v) => Math.round(v * 255));
  };

  it('the centre crop without flip is the image; offsets shift in zeros; flip mirrors rows', () => {
    expect(write(1, 1, false)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(write(0, 0, false)).toEqual([0, 0, 0, 0, 1, 2, 0, 4, 5]);
    expect(write(2, 2, false)).toEqual([5, 6, 0, 8, 9, 0, 0, 0, 0]);
    expect(write(1, 1, true)).toEqual([3, 2, 1, 6, 5, 4, 9, 8, 7]);
  });

  it('draws offsets in [0, 2·padding] and flips about half the time', () => {
    const rng = new Rng(2);
    const draws = Array.from({ length: 400 }, () => drawPadCropFlip({ padding: 4, flip: true }, rng));
    expect(Math.min(...draws.map((d) => d.top))).toBe(0);
    expect(Math.max(...draws.map((d) => d.left))).toBe(8);
    const flips = draws.filter((d) => d.flip).length;
    expect(flips).toBeGreaterThan(150);
    expect(flips).toBeLessThan(250);
    expect(drawPadCropFlip({ padding: 4, flip: false }, rng).flip).toBe(false);
  });
});
