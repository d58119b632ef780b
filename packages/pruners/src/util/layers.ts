import type { LayerVariable } from '@tensorflow/tfjs-layers';
import type { LayersModel } from '@tensorflow/tfjs-layers';

/** Layer classes whose kernels count as "conv weights" for weight-level pruning. */
const CONV_CLASSES = new Set([
  'Conv1D',
  'Conv2D',
  'Conv3D',
  'Conv2DTranspose',
  'Conv3DTranspose',
  'DepthwiseConv2D',
  'SeparableConv2D',
]);

/** A kernel weight of a layer (not a bias), with the layer it belongs to. */
export interface KernelWeight {
  layerName: string;
  layerClass: string;
  variable: LayerVariable;
  /** `<layer name>/<weight>`: stable across clones and save/load, unlike `variable.name`. */
  key: string;
}

/** The kernels of every conv layer, and of dense layers when `includeDense`, in layer order. */
export function kernelWeights(model: LayersModel, options: { includeDense?: boolean } = {}): KernelWeight[] {
  const found: KernelWeight[] = [];
  for (const layer of model.layers) {
    const layerClass = layer.getClassName();
    const wanted = CONV_CLASSES.has(layerClass) || (options.includeDense === true && layerClass === 'Dense');
    if (!wanted) continue;
    for (const variable of layer.weights) {
      if (!/kernel$/.test(variable.originalName)) continue;
      found.push({ layerName: layer.name, layerClass, variable, key: weightKey(variable) });
    }
  }
  return found;
}

/** The key a weight mask uses for a variable: its scoped original name, e.g. `conv3/kernel`. */
export function weightKey(variable: LayerVariable): string {
  return variable.originalName;
}
