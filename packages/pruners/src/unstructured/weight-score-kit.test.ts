// The kit's weight-score suite catches a broken score: one of the wrong length, and one that
// reads the data without declaring it. (It runs here, beside the mask pruner it composes with.)
import { inject, injectable } from 'tsyringe';
import type { LayerVariable } from '@tensorflow/tfjs-layers';
import { OPTIONS, type WeightScore, type WeightScoreContext } from '@prunebench/core';
import { failedChecks, useBackend, weightScoreConformanceChecks } from '@prunebench/core/testing';
import { wasmBackend } from '@prunebench/backend-wasm';
import { plugin } from '../index';

beforeAll(() => useBackend(wasmBackend));

@injectable()
class AbsScore implements WeightScore {
  static readonly id: string = 'abs-demo';
  static readonly description = '|w|';
  readonly requirements = { needsData: false, needsGradients: false };
  constructor(@inject(OPTIONS) readonly options: object) {}
  score(variable: LayerVariable, _key?: string, _context?: WeightScoreContext): Float32Array | Promise<Float32Array> {
    return Float32Array.from(variable.read().dataSync(), Math.abs);
  }
}

@injectable()
class ShortScore extends AbsScore {
  static override readonly id = 'short-demo';
  override score(variable: LayerVariable): Float32Array {
    return Float32Array.from(variable.read().dataSync(), Math.abs).slice(1);
  }
}

@injectable()
class PeekingScore extends AbsScore {
  static override readonly id = 'peeking-demo';
  override async score(variable: LayerVariable, _key: string, context: WeightScoreContext): Promise<Float32Array> {
    for await (const batch of context.helpers.calibrationBatches({ batches: 1, batchSize: 4 })) void batch;
    return Float32Array.from(variable.read().dataSync(), Math.abs);
  }
}

describe('weight score conformance', () => {
  it('passes a well-behaved score, with the mask pruner options', async () => {
    expect(await failedChecks(weightScoreConformanceChecks({ componentClass: AbsScore, plugins: [plugin], mask: { sparsity: 0.7, scope: 'layer', includeDense: true } }))).toEqual({});
  }, 120_000);

  it('fails a score of the wrong length, and one that reads data it did not declare', async () => {
    const short = await failedChecks(weightScoreConformanceChecks({ componentClass: ShortScore, plugins: [plugin] }));
    expect(short['scores every kernel with one finite number per weight, leaving the model as it was']).toMatch(/short-demo.*conv.*kernel/);
    const peeking = await failedChecks(weightScoreConformanceChecks({ componentClass: PeekingScore, plugins: [plugin] }));
    expect(peeking['reads data only if it says so, through the helpers (which charge the ledger)']).toMatch(/needsData: false/);
  }, 120_000);
});
