import type { LayersModel } from '@tensorflow/tfjs-layers';

/**
 * Multiply-accumulates of one forward pass per example, over conv2d, depthwise conv2d and
 * dense layers (the rest — BN, pooling, activations — is bandwidth, not counted).
 */
export function forwardMacsPerExample(model: LayersModel): number {
  let macs = 0;
  for (const layer of model.layers) {
    const name = layer.getClassName();
    const config = layer.getConfig() as Record<string, unknown>;
    const inShape = (layer.input as { shape: number[] }).shape;
    const outShape = (layer.output as { shape: number[] }).shape;
    if (name === 'Conv2D') {
      const [kh, kw] = config.kernelSize as number[];
      macs += outShape[1] * outShape[2] * outShape[3] * kh * kw * (inShape[3] as number);
    } else if (name === 'DepthwiseConv2D') {
      const [kh, kw] = config.kernelSize as number[];
      macs += outShape[1] * outShape[2] * outShape[3] * kh * kw;
    } else if (name === 'Dense') {
      macs += (inShape[inShape.length - 1] as number) * outShape[outShape.length - 1];
    }
  }
  return macs;
}

/**
 * FLOPs of one training step per example, by the usual convention: forward + input gradient +
 * filter gradient = 3 x the forward MACs, at 2 FLOPs per MAC.
 */
export function trainingFlopsPerExample(model: LayersModel): number {
  return 3 * 2 * forwardMacsPerExample(model);
}
