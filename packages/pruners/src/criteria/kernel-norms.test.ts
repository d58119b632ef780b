import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { fpgmFilterScores, l1FilterScores, l2FilterScores } from './kernel-norms';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A [kh, kw, in, out] kernel whose filter `o` holds the values `rows[o]` (in kh, kw, in order). */
function kernelFromRows(rows: number[][], kh: number, kw: number, inChannels: number): tf.Tensor4D {
  const out = rows.length;
  const data = new Float32Array(kh * kw * inChannels * out);
  rows.forEach((row, o) => row.forEach((v, j) => (data[j * out + o] = v)));
  return tf.tensor4d(data, [kh, kw, inChannels, out]);
}

describe('kernel criteria', () => {
  it('l1 and l2 score each output filter (last axis) over kh × kw × in', async () => {
    const rows = [
      [1, -2, 3, 0, 0, 0, 0, -1],
      [0, 0, 0, 0, 0, 0, 0, 0],
      [-4, 0, 0, 0, 0, 0, 3, 0],
    ];
    const kernel = kernelFromRows(rows, 2, 2, 2);
    const before = tf.memory().numTensors;
    expect(Array.from(await l1FilterScores(kernel))).toEqual([7, 0, 7]);
    const l2 = await l2FilterScores(kernel);
    expect(l2[0]).toBeCloseTo(Math.sqrt(15), 5);
    expect(l2[1]).toBe(0);
    expect(l2[2]).toBeCloseTo(5, 5);
    expect(tf.memory().numTensors).toBe(before);
    kernel.dispose();
  });

  it('fpgm scores each filter by its summed distance to the others', async () => {
    const rows = [
      [0, 0],
      [3, 4],
      [0, 1],
    ];
    const kernel = kernelFromRows(rows, 1, 1, 2);
    const scores = await fpgmFilterScores(kernel);
    // d01 = 5, d02 = 1, d12 = √18.
    expect(scores[0]).toBeCloseTo(6, 4);
    expect(scores[1]).toBeCloseTo(5 + Math.sqrt(18), 4);
    expect(scores[2]).toBeCloseTo(1 + Math.sqrt(18), 4);
    kernel.dispose();
  });
});
