/**
 * The texture stage's feature network: the embedded random multi-scale network (download-free, the
 * default), or VGG19 with the ImageNet convolution weights the model store fetched (`vgg19-conv`,
 * purpose 'features'), as Gatys et al. used. Weights are read once per file and pipeline
 * (StageContext.resources).
 */
import { statSync } from 'node:fs';
import { StudioError } from '../../common/errors';
import type { StageContext } from '../../pipeline/types';
import { loadVgg19Weights } from '../../../native-models/vgg19';
import type { FeatureNetwork } from './featureNetwork';
import type { TextureParams } from './params';
import { randomNetwork } from './randomNetwork';
import { vgg19Network, type Vgg19Weights } from './vgg19';

/** The options of texture.network. */
export type NetworkChoice = TextureParams['network'];

/**
 * @throws StudioError MODEL_MISSING when VGG19 is chosen and its weights are not installed (the message
 *   says how to install them); MODEL_INTEGRITY when the installed file is damaged.
 */
export async function featureNetwork(
  params: Pick<TextureParams, 'network' | 'pooling'>,
  ctx: Pick<StageContext, 'models' | 'resources'>,
): Promise<FeatureNetwork> {
  if (params.network !== 'vgg19') return randomNetwork();
  const model = await ctx.models.resolve('features', 'vgg19-conv');
  if (!model) {
    throw new StudioError(
      'MODEL_MISSING',
      "The texture stage's VGG19 network needs VGG19's convolution weights (vgg19-conv, 42 MB), which are " +
        'not installed: `inpaint-studio models download vgg19-conv --trust-on-first-use` (or the Models ' +
        'panel), or `inpaint-studio models import vgg19-conv FILE`; or set texture.network=embedded.',
    );
  }
  // Kept on the pipeline's cache (bounded), costed by the file's size; without one, read for this call.
  const load = () => loadVgg19Weights(model.path);
  const weights = ctx.resources
    ? ctx.resources.get<Vgg19Weights>(`vgg19-weights:${model.path}`, statSync(model.path).size, load)
    : load();
  return vgg19Network(await weights, { pool: params.pooling, weightsName: model.id });
}
