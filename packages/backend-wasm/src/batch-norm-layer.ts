import { getBackend, getKernel, mul, serialization, sub, tidy, type Tensor } from '@tensorflow/tfjs-core';
import { BATCH_NORM_TRAINING, batchNormTraining } from './batch-norm-training';

/** The parts of tfjs-layers' BatchNormalization layer the training path reads. */
interface BatchNormLayer {
  axis: number;
  momentum: number;
  epsilon: number;
  gamma: { read(): Tensor } | null;
  beta: { read(): Tensor } | null;
  movingMean: { read(): Tensor; write(value: Tensor): void };
  movingVariance: { read(): Tensor; write(value: Tensor): void };
}

type Call = (this: BatchNormLayer, inputs: Tensor | Tensor[], kwargs: Record<string, unknown>) => Tensor | Tensor[];

/** The stock `call` we wrapped, to restore it; null while the fused path is not installed. */
let stockCall: { prototype: { call: Call }; call: Call } | null = null;

/** tfjs-layers registers its layer classes in tfjs-core's serialization map; found there, no import needed. */
function batchNormPrototype(): { call: Call } | null {
  const entry = serialization.SerializationMap.getMap().classNameMap.BatchNormalization;
  return entry ? (entry[0].prototype as unknown as { call: Call }) : null;
}

function fusedApplies(layer: BatchNormLayer, input: Tensor, kwargs: Record<string, unknown>): boolean {
  return (
    kwargs?.training === true &&
    layer.gamma !== null &&
    layer.beta !== null &&
    input.dtype === 'float32' &&
    input.rank >= 2 &&
    (layer.axis === -1 || layer.axis === input.rank - 1) &&
    getKernel(BATCH_NORM_TRAINING, getBackend()) !== undefined
  );
}

/** The moving-average update of tfjs-layers' BatchNormalization, op for op: v - (v - value) * (1 - momentum). */
function movingAverage(variable: BatchNormLayer['movingMean'], value: Tensor, momentum: number): void {
  tidy(() => {
    const current = variable.read();
    variable.write(sub(current, mul(sub(current, value), 1 - momentum)));
  });
}

/**
 * Makes tfjs-layers' BatchNormalization use the fused training kernel pair in training mode on a
 * backend that has it (wasm with prunebench's kernels): one forward kernel instead of tfjs's
 * moments + FusedBatchNorm and one backward kernel instead of their gradient graph. Same
 * results (batch statistics, biased variance for the moving variance, the same moving-average
 * update); inference mode, other backends, and layers without gamma or beta (center/scale false)
 * or normalising another axis keep the stock path. Returns false when tfjs-layers is not loaded.
 */
export function installFusedBatchNormTraining(): boolean {
  if (stockCall) return true;
  const prototype = batchNormPrototype();
  if (!prototype) return false;
  const stock = prototype.call;
  stockCall = { prototype, call: stock };
  prototype.call = function fusedCall(this: BatchNormLayer, inputs, kwargs) {
    const input = Array.isArray(inputs) ? (inputs.length === 1 ? inputs[0] : null) : inputs;
    if (!input || !fusedApplies(this, input, kwargs)) return stock.call(this, inputs, kwargs);
    return tidy(() => {
      const [y, mean, variance] = batchNormTraining(input, this.gamma!.read(), this.beta!.read(), this.epsilon);
      movingAverage(this.movingMean, mean, this.momentum);
      movingAverage(this.movingVariance, variance, this.momentum);
      return y;
    });
  };
  return true;
}

export function uninstallFusedBatchNormTraining(): void {
  if (!stockCall) return;
  stockCall.prototype.call = stockCall.call;
  stockCall = null;
}

export function fusedBatchNormTrainingInstalled(): boolean {
  return stockCall !== null;
}
