import type { LayersModel } from '@tensorflow/tfjs-layers';

/** A layer of a model, as a layer rule's `macs` sees it. */
export type CostedLayer = LayersModel['layers'][number];

/** The weights whose products with the input are a layer's multiply-accumulates. */
const KERNEL_WEIGHTS = new Set(['kernel', 'depthwise_kernel', 'pointwise_kernel']);

export function product(values: ReadonlyArray<number | null>): number {
  return values.reduce<number>((acc, v) => acc * (v ?? 1), 1);
}

/** A shape without its batch dimension (the first of several inputs' shapes, for a multi-input layer). */
export function shapeWithoutBatch(shape: unknown): Array<number | null> {
  if (!Array.isArray(shape) || shape.length === 0) return [];
  if (Array.isArray(shape[0])) return (shape[0] as Array<number | null>).slice(1);
  return (shape as Array<number | null>).slice(1);
}

function kernels(layer: CostedLayer) {
  return layer.weights.filter((w) => KERNEL_WEIGHTS.has(w.originalName.slice(w.originalName.lastIndexOf('/') + 1)));
}

/**
 * MACs of a conv or dense layer for one example: each kernel's size times the output positions
 * it is applied at (`kh·kw·in·out·oh·ow` for a conv, `in·out` for a dense layer). The rule of the
 * built-in conv and dense layer rules; a plugin's conv-like layer can use it too.
 */
export function kernelMacs(layer: CostedLayer): number {
  const positions = product(shapeWithoutBatch(layer.outputShape).slice(0, -1));
  return kernels(layer).reduce((sum, w) => sum + product(w.shape) * positions, 0);
}

/** MACs of a transposed conv for one example: its kernel's size times the *input* positions. */
export function transposedKernelMacs(layer: CostedLayer): number {
  const inbound = (layer as unknown as { inboundNodes: Array<{ inputShapes: unknown }> }).inboundNodes[0];
  const positions = product(shapeWithoutBatch(inbound?.inputShapes).slice(0, -1));
  return kernels(layer).reduce((sum, w) => sum + product(w.shape) * positions, 0);
}
