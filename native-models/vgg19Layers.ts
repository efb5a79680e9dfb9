/**
 * VGG19's convolution layers as torchvision (and timm, whose `vgg19.tv_in1k` weights are torchvision's)
 * name them: `features.<index>.weight` [out, in, 3, 3] and `features.<index>.bias` [out], float32.
 * Pure data: the manifest, the store and the loader share it.
 */
import type { TensorRequirement } from './tensorContent';

export interface Vgg19ConvLayer {
  /** conv1_1 … conv5_4. */
  layer: string;
  /** Index in torchvision's `vgg19().features`. */
  index: number;
  inChannels: number;
  outChannels: number;
}

/** Every convolution of VGG19 (configuration E), in network order. */
export const VGG19_CONV_LAYERS: readonly Vgg19ConvLayer[] = [
  { layer: 'conv1_1', index: 0, inChannels: 3, outChannels: 64 },
  { layer: 'conv1_2', index: 2, inChannels: 64, outChannels: 64 },
  { layer: 'conv2_1', index: 5, inChannels: 64, outChannels: 128 },
  { layer: 'conv2_2', index: 7, inChannels: 128, outChannels: 128 },
  { layer: 'conv3_1', index: 10, inChannels: 128, outChannels: 256 },
  { layer: 'conv3_2', index: 12, inChannels: 256, outChannels: 256 },
  { layer: 'conv3_3', index: 14, inChannels: 256, outChannels: 256 },
  { layer: 'conv3_4', index: 16, inChannels: 256, outChannels: 256 },
  { layer: 'conv4_1', index: 19, inChannels: 256, outChannels: 512 },
  { layer: 'conv4_2', index: 21, inChannels: 512, outChannels: 512 },
  { layer: 'conv4_3', index: 23, inChannels: 512, outChannels: 512 },
  { layer: 'conv4_4', index: 25, inChannels: 512, outChannels: 512 },
  { layer: 'conv5_1', index: 28, inChannels: 512, outChannels: 512 },
  { layer: 'conv5_2', index: 30, inChannels: 512, outChannels: 512 },
  { layer: 'conv5_3', index: 32, inChannels: 512, outChannels: 512 },
  { layer: 'conv5_4', index: 34, inChannels: 512, outChannels: 512 },
];

/** The layers the `vgg19-conv` model holds: conv1_1 … conv4_4 (what Gatys texture synthesis uses up to pool4). */
export const VGG19_TEXTURE_LAYERS: readonly Vgg19ConvLayer[] = VGG19_CONV_LAYERS.slice(0, 12);

/** The weight and bias tensors of `layers`, weight then bias per layer, in network order. */
export function vgg19Tensors(layers: readonly Vgg19ConvLayer[] = VGG19_TEXTURE_LAYERS): TensorRequirement[] {
  return layers.flatMap((l) => [
    {
      name: `features.${l.index}.weight`,
      dtype: 'F32' as const,
      shape: [l.outChannels, l.inChannels, 3, 3],
    },
    { name: `features.${l.index}.bias`, dtype: 'F32' as const, shape: [l.outChannels] },
  ]);
}
