import { inject, injectable } from 'tsyringe';
import { OPTIONS, Rng } from '@prunebench/core';
import type { NormalizationOptions } from '../data/common-options';
import { normalizationOptionsSchema, resolveNormalization } from '../data/common-options';
import type { ImageStore } from '../data/image-store';
import type { InMemorySource } from '../data/in-memory-dataset';
import { InMemoryDataset } from '../data/in-memory-dataset';
import type { SplitSizes } from '../data/splits';
import { channelStatistics } from '../transforms/normalize';

export interface SyntheticOptions extends NormalizationOptions {
  /** One example's shape, channels last (default [8, 8, 1]). */
  inputShape: number[];
  numClasses: number;
  /** Examples generated for train (validation is held out of these). */
  trainSize: number;
  validationSize: number;
  testSize: number;
  /** 0: every example is its class's pattern; 1: pure noise. Default 0.5. */
  noise: number;
  /** Seeds the class patterns, the examples and the validation hold-out. */
  seed: number;
}

/**
 * A seeded, learnable toy dataset for tests: each class has a random pattern; an example is that
 * pattern mixed with uniform noise: x = (1 − noise) · pattern + noise · U(0, 255), as bytes.
 */
@injectable()
export class SyntheticDataset extends InMemoryDataset {
  static readonly id = 'synthetic';
  static readonly description = 'seeded toy data of any shape: class patterns plus noise (for tests)';
  static readonly optionsSchema = {
    type: 'object',
    properties: {
      inputShape: { type: 'array', items: { type: 'integer', minimum: 1 }, minItems: 1, maxItems: 3, default: [8, 8, 1], description: 'one example, channels last' },
      numClasses: { type: 'integer', minimum: 2, maximum: 256, default: 3 },
      trainSize: { type: 'integer', minimum: 1, default: 256, description: 'examples generated for training (validation is held out of them)' },
      validationSize: { type: 'integer', minimum: 0, default: 0 },
      testSize: { type: 'integer', minimum: 0, default: 64 },
      noise: { type: 'number', minimum: 0, maximum: 1, default: 0.5, description: '0: pure class patterns, 1: pure noise' },
      seed: { type: 'integer', minimum: 0, default: 0 },
      ...normalizationOptionsSchema('scale'),
    },
    additionalProperties: false,
  } as const;

  constructor(@inject(OPTIONS) private readonly options: SyntheticOptions) {
    super('dataset "synthetic"');
  }

  protected async readSource(): Promise<InMemorySource> {
    const { numClasses, seed } = this.options;
    const shape = this.shape();
    const pixels = shape[0] * shape[1] * shape[2];
    const patternRng = new Rng(seed, 'synthetic-patterns');
    const patterns = Array.from({ length: numClasses }, () => Float64Array.from({ length: pixels }, () => patternRng.uniform(0, 256)));
    const generate = (count: number, stream: string): ImageStore => {
      const rng = new Rng(seed, stream);
      const images = new Uint8Array(count * pixels);
      const labels = new Uint8Array(count);
      for (let i = 0; i < count; i++) {
        const label = i % numClasses; // balanced classes
        labels[i] = label;
        for (let p = 0; p < pixels; p++) {
          const value = (1 - this.options.noise) * patterns[label][p] + this.options.noise * rng.uniform(0, 256);
          images[i * pixels + p] = Math.min(255, Math.floor(value));
        }
      }
      return { images, labels, count, shape, numClasses };
    };
    return {
      train: generate(this.options.trainSize, 'synthetic-train'),
      test: generate(this.options.testSize, 'synthetic-test'),
      inputShape: [...this.options.inputShape],
    };
  }

  protected splitSizes(): SplitSizes {
    return { seed: this.options.seed, validationSize: this.options.validationSize };
  }

  protected normalizationFor(source: InMemorySource) {
    return resolveNormalization(this.options, this.shape()[2], () => channelStatistics(source.train), this.label);
  }

  /** inputShape as [height, width, channels]: [n] is n×1×1, [h, w] is h×w×1. */
  private shape(): [number, number, number] {
    const [h, w = 1, c = 1] = this.options.inputShape;
    return [h, w, c];
  }
}
