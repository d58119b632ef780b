import * as tfl from '@tensorflow/tfjs-layers';

type Initializer = ReturnType<typeof tfl.initializers.zeros>;

/**
 * Seeded initialisers, one seed per weight drawn from the model's seed, so the same model seed
 * gives the same weights (and a different seed different ones). The draws follow the reference
 * code (PyTorch): convs `normal(0, sqrt(2 / (kh·kw·out)))` (Kaiming, fan-out), linear layers
 * either `normal(0, 0.01)` (the CIFAR VGG) or PyTorch's default `uniform(±1/sqrt(in))`.
 */
export class SeededInitializers {
  private drawn = 0;

  constructor(private readonly seed: number) {}

  private nextSeed(): number {
    this.drawn++;
    return (this.seed * 100_003 + this.drawn) % 2_147_483_647;
  }

  /** Kaiming normal, fan-out mode (`n = kh · kw · filters`), as the PFEC / rethinking reference code. */
  convKaiming(kernelSize: number | number[], filters: number): Initializer {
    const [kh, kw] = Array.isArray(kernelSize) ? kernelSize : [kernelSize, kernelSize];
    return tfl.initializers.randomNormal({ mean: 0, stddev: Math.sqrt(2 / (kh * kw * filters)), seed: this.nextSeed() });
  }

  normal(stddev: number): Initializer {
    return tfl.initializers.randomNormal({ mean: 0, stddev, seed: this.nextSeed() });
  }

  /** PyTorch's default for `nn.Linear` weight and bias: uniform in ±1/sqrt(fan_in). */
  torchLinear(fanIn: number): Initializer {
    const bound = 1 / Math.sqrt(fanIn);
    return tfl.initializers.randomUniform({ minval: -bound, maxval: bound, seed: this.nextSeed() });
  }

  constant(value: number): Initializer {
    return tfl.initializers.constant({ value });
  }

  zeros(): Initializer {
    return tfl.initializers.zeros();
  }
}

/** PyTorch's BatchNorm defaults (tfjs's momentum is PyTorch's 1 − momentum). */
export const TORCH_BATCH_NORM = { epsilon: 1e-5, momentum: 0.9 } as const;
