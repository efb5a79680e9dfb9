/**
 * What the texture loss needs from a feature network (the embedded random network, VGG19): the Gram
 * layers' features of an image, and two masks per layer that say which positions a region covers
 * (`coverage`, for weighting the hole's Gram) and which positions a region's pixels reach through the
 * receptive field (`influence`, for keeping padding and the hole out of the exemplar's Gram).
 */
import type { Tensor } from '../../graph/builder';

export interface FeatureNetwork {
  /** Identifies the network and its weights (model metadata, stage info). */
  readonly name: string;
  /** Channels of each Gram layer, in the order `features` returns them. */
  readonly channels: readonly number[];
  /** Receptive field of the deepest layer, in input pixels. */
  readonly receptiveField: number;
  /** The Gram layers' features of `x` [1, 3, H, W], values 0..1. */
  features(x: Tensor): Tensor[];
  /** Per layer, the share of each position's cell in `region` [1, 1, H, W] (0..1). No gradient. */
  coverage(region: Tensor): Tensor[];
  /** Per layer, 1 where the position's receptive field touches `region` [1, 1, H, W]. No gradient. */
  influence(region: Tensor): Tensor[];
}
