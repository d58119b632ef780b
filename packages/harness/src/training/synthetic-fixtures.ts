// Tiny seeded fixtures for the trainer's own tests (and the benchmark's smoke test): a learnable
// synthetic image problem served through core's Dataset interface, and small tf.layers nets.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { type Batch, type BatchOptions, type Dataset, type DatasetInfo, type SplitName, Rng } from '@prunebench/core';

/**
 * Class c lights up region c of an HxW image (regions are horizontal bands), plus Gaussian
 * noise: learnable in a few dozen steps, far from trivial at the first step.
 */
export class BandsDataset implements Dataset {
  private readonly images = new Map<SplitName, { x: Float32Array; labels: Int32Array }>();

  constructor(
    readonly size = 8,
    readonly numClasses = 4,
    readonly counts: Record<SplitName, number> = { train: 256, validation: 0, test: 128 },
    readonly noise = 0.5,
    readonly seed = 1,
  ) {
    for (const split of ['train', 'validation', 'test'] as const) {
      const n = counts[split];
      const rng = new Rng(seed, 'bands', split);
      const x = new Float32Array(n * size * size);
      const labels = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const label = rng.int(numClasses);
        labels[i] = label;
        for (let r = 0; r < size; r++) {
          const lit = Math.floor((r * numClasses) / size) === label ? 1 : 0;
          for (let c = 0; c < size; c++) x[(i * size + r) * size + c] = lit + noise * rng.normal();
        }
      }
      this.images.set(split, { x, labels });
    }
  }

  async load(): Promise<DatasetInfo> {
    return { inputShape: [this.size, this.size, 1], numClasses: this.numClasses, sizes: this.counts };
  }

  async *batches(split: SplitName, options: BatchOptions): AsyncIterable<Batch> {
    const { x, labels } = this.images.get(split)!;
    const n = labels.length;
    const order = (options.shuffle ?? split === 'train') ? new Rng(options.seed, 'order', options.epoch).permutation(n) : Int32Array.from({ length: n }, (_, i) => i);
    const pixels = this.size * this.size;
    for (let start = 0; start < n; start += options.batchSize) {
      const count = Math.min(options.batchSize, n - start);
      if (count < options.batchSize && options.dropRemainder) break;
      const xb = new Float32Array(count * pixels);
      const yb = new Float32Array(count * this.numClasses);
      for (let j = 0; j < count; j++) {
        const i = order[start + j];
        xb.set(x.subarray(i * pixels, (i + 1) * pixels), j * pixels);
        yb[j * this.numClasses + labels[i]] = 1;
      }
      yield {
        x: tf.tensor4d(xb, [count, this.size, this.size, 1]),
        y: tf.tensor2d(yb, [count, this.numClasses]),
      };
    }
  }
}

/** conv(8) → BN → relu → maxpool → conv(8, stride 2) → BN → relu → global avg pool → dense (logits). */
export function tinyConvNet(size: number, numClasses: number, seed = 3): tfl.LayersModel {
  const init = (s: number) => tfl.initializers.heNormal({ seed: seed + s });
  const input = tfl.input({ shape: [size, size, 1] });
  let h = tfl.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: init(1) }).apply(input) as tfl.SymbolicTensor;
  h = tfl.layers.batchNormalization().apply(h) as tfl.SymbolicTensor;
  h = tfl.layers.activation({ activation: 'relu' }).apply(h) as tfl.SymbolicTensor;
  h = tfl.layers.maxPooling2d({ poolSize: 2 }).apply(h) as tfl.SymbolicTensor;
  h = tfl.layers.conv2d({ filters: 8, kernelSize: 3, strides: 2, padding: 'same', kernelInitializer: init(2) }).apply(h) as tfl.SymbolicTensor;
  h = tfl.layers.batchNormalization().apply(h) as tfl.SymbolicTensor;
  h = tfl.layers.activation({ activation: 'relu' }).apply(h) as tfl.SymbolicTensor;
  h = tfl.layers.globalAveragePooling2d({}).apply(h) as tfl.SymbolicTensor;
  const out = tfl.layers.dense({ units: numClasses, kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 3 }) }).apply(h) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out });
}

/**
 * A custom layer (ResNet option-A shortcut): subsample by `stride` and zero-pad the channels
 * to `channels` with tf.pad. Registered for serialisation, so checkpoints must round-trip it.
 */
export class ChannelZeroPad extends tfl.layers.Layer {
  static readonly className = 'PrunebenchFixtureChannelZeroPad';
  readonly channels: number;
  readonly stride: number;

  constructor(config: { channels: number; stride?: number; name?: string }) {
    super(config);
    this.channels = config.channels;
    this.stride = config.stride ?? 1;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const shape = inputShape as tfl.Shape;
    const down = (d: number | null) => (d === null ? null : Math.ceil(d / this.stride));
    return [shape[0], down(shape[1]), down(shape[2]), this.channels];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      let x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      // x[:, ::s, ::s, :] as a 1x1 average pool (StridedSlice has no gradient in tfjs).
      if (this.stride > 1) x = tf.avgPool(x, 1, this.stride, 'same');
      const extra = this.channels - x.shape[3];
      return tf.pad(x, [[0, 0], [0, 0], [0, 0], [Math.floor(extra / 2), extra - Math.floor(extra / 2)]]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), channels: this.channels, stride: this.stride };
  }
}
tf.serialization.registerClass(ChannelZeroPad);

/** A two-block residual net with a custom shortcut layer, average pooling and Add. */
export function tinyResNet(size: number, numClasses: number, seed = 5): tfl.LayersModel {
  const init = (s: number) => tfl.initializers.heNormal({ seed: seed + s });
  const convBn = (x: tfl.SymbolicTensor, filters: number, strides: number, s: number, relu: boolean) => {
    let h = tfl.layers.conv2d({ filters, kernelSize: 3, strides, padding: 'same', useBias: false, kernelInitializer: init(s) }).apply(x) as tfl.SymbolicTensor;
    h = tfl.layers.batchNormalization().apply(h) as tfl.SymbolicTensor;
    return relu ? (tfl.layers.reLU().apply(h) as tfl.SymbolicTensor) : h;
  };
  const input = tfl.input({ shape: [size, size, 1] });
  const stem = convBn(input, 4, 1, 1, true);
  let h = convBn(convBn(stem, 4, 1, 2, true), 4, 1, 3, false);
  h = tfl.layers.reLU().apply(tfl.layers.add().apply([h, stem]) as tfl.SymbolicTensor) as tfl.SymbolicTensor;
  const shortcut = new ChannelZeroPad({ channels: 8, stride: 2 }).apply(h) as tfl.SymbolicTensor;
  let g = convBn(convBn(h, 8, 2, 4, true), 8, 1, 5, false);
  g = tfl.layers.reLU().apply(tfl.layers.add().apply([g, shortcut]) as tfl.SymbolicTensor) as tfl.SymbolicTensor;
  g = tfl.layers.averagePooling2d({ poolSize: 2 }).apply(g) as tfl.SymbolicTensor;
  g = tfl.layers.flatten().apply(g) as tfl.SymbolicTensor;
  const out = tfl.layers.dense({ units: numClasses, activation: 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed }) }).apply(g) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out });
}
