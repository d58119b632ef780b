import { definePlugin, PLUGIN_API_VERSION } from '@prunebench/core';
import { ResNet110Model, ResNet20Model, ResNet32Model, ResNet44Model, ResNet56Model } from './cifar-resnet';
import { ResNet18Model, ResNet34Model, ResNet50Model } from './imagenet-resnet';
import { LeNet5Model } from './lenet5';
import { Vgg16Model, Vgg19Model } from './vgg';
import { VggSmallModel } from './vgg-small';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { name, version } = require('../package.json') as { name: string; version: string };

export { ChannelZeroPad, type ChannelZeroPadArgs } from './channel-zero-pad';
export { channelZeroPadRule } from './channel-zero-pad-rule';
import { channelZeroPadRule } from './channel-zero-pad-rule';
export { SeededInitializers } from './init';
export { Vgg16Model, Vgg19Model, buildCifarVgg, VGG_WIDTHS, type VggLayer, type VggOptions } from './vgg';
export {
  ResNet20Model,
  ResNet32Model,
  ResNet44Model,
  ResNet56Model,
  ResNet110Model,
  buildCifarResNet,
  CIFAR_RESNET_STAGES,
  type CifarResNetOptions,
} from './cifar-resnet';
export { ResNet18Model, ResNet34Model, ResNet50Model, buildImageNetResNet, IMAGENET_RESNETS } from './imagenet-resnet';
export { LeNet5Model, buildLeNet5 } from './lenet5';
export { VggSmallModel, buildVggSmall, VGG_SMALL_WIDTHS, type VggSmallOptions } from './vgg-small';

/** The built-in models, as a plugin like any third party's. */
export const plugin = definePlugin({
  name,
  version,
  apiVersion: PLUGIN_API_VERSION,
  layerRules: [channelZeroPadRule],
  models: [
    Vgg16Model,
    Vgg19Model,
    ResNet20Model,
    ResNet32Model,
    ResNet44Model,
    ResNet56Model,
    ResNet110Model,
    ResNet18Model,
    ResNet34Model,
    ResNet50Model,
    LeNet5Model,
    VggSmallModel,
  ],
});

export default plugin;
