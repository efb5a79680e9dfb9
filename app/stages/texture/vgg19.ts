/**
 * VGG19 (Simonyan & Zisserman 2015) as a FeatureNetwork: torchvision's `vgg19().features` layout built
 * with app/graph ops, up to a chosen last convolution, for the Gatys texture loss.
 *
 *   block 1: conv1_1 (3→64)    conv1_2 (64→64)                          pool1
 *   block 2: conv2_1 (64→128)  conv2_2                                  pool2
 *   block 3: conv3_1 (128→256) conv3_2 conv3_3 conv3_4                  pool3
 *   block 4: conv4_1 (256→512) conv4_2 conv4_3 conv4_4                  pool4
 *   block 5: conv5_1 (512→512) conv5_2 conv5_3 conv5_4                  pool5
 * Every conv is 3×3, stride 1, pad 1, followed by a ReLU (reluB_K); pooling is 2×2 stride 2 (floor).
 * Weights are named as in torchvision's state dict: `features.{i}.weight` [Cout, Cin, 3, 3] and
 * `features.{i}.bias` [Cout], i the conv's index in `features` (0, 2, 5, 7, 10, …, 34).
 *
 * Inputs are images in 0..1; the ImageNet normalisation (x − mean) / std that the weights were trained
 * with is applied first (the 1/std is folded into conv1_1's weights: exact, zero padding included,
 * since the mean is subtracted before the padding).
 */
import { StudioError } from '../../common/errors';
import type { Tensor } from '../../graph/builder';
import { averagePool, conv, maxPool } from '../../graph/nn';
import { preferWinograd, winogradConv3x3 } from '../../graph/winograd';
import { relu, sub } from '../../graph/ops';
import { Random } from '../../graph/random';
import type { FeatureNetwork } from './featureNetwork';

/** The 16 convolutions of vgg19.features: name, index in `features`, channels in and out, block. */
export const VGG19_CONVS = [
  ['conv1_1', 0, 3, 64],
  ['conv1_2', 2, 64, 64],
  ['conv2_1', 5, 64, 128],
  ['conv2_2', 7, 128, 128],
  ['conv3_1', 10, 128, 256],
  ['conv3_2', 12, 256, 256],
  ['conv3_3', 14, 256, 256],
  ['conv3_4', 16, 256, 256],
  ['conv4_1', 19, 256, 512],
  ['conv4_2', 21, 512, 512],
  ['conv4_3', 23, 512, 512],
  ['conv4_4', 25, 512, 512],
  ['conv5_1', 28, 512, 512],
  ['conv5_2', 30, 512, 512],
  ['conv5_3', 32, 512, 512],
  ['conv5_4', 34, 512, 512],
].map(([name, index, cin, cout]) => ({
  name: name as string,
  index: index as number,
  cin: cin as number,
  cout: cout as number,
  block: Number((name as string)[4]),
}));

export type Vgg19Conv =
  | 'conv1_1'
  | 'conv1_2'
  | 'conv2_1'
  | 'conv2_2'
  | 'conv3_1'
  | 'conv3_2'
  | 'conv3_3'
  | 'conv3_4'
  | 'conv4_1'
  | 'conv4_2'
  | 'conv4_3'
  | 'conv4_4'
  | 'conv5_1'
  | 'conv5_2'
  | 'conv5_3'
  | 'conv5_4';

/** The weights, as the loader returns them: torchvision names to shape and values. */
export type Vgg19Weights = ReadonlyMap<string, { shape: readonly number[]; data: Float32Array }>;

/**
 * Gatys, Ecker & Bethge's Gram layers (2016, style transfer) up to block 4, plus relu4_4: their texture
 * paper (2015) matched pool4, the pooled relu4_4, as its deepest layer. relu4_4 sees 116 px against
 * relu4_1's 68, which a 256 px crop of bricks or tiles needs to keep its larger structure; it costs the
 * three convolutions conv4_2..conv4_4 (about 30% of the multiply-adds up to conv4_4, forward and back).
 * Pass `gramLayers: GATYS_STYLE_LAYERS` to leave it out.
 */
export const DEFAULT_GRAM_LAYERS = ['relu1_1', 'relu2_1', 'relu3_1', 'relu4_1', 'relu4_4'] as const;
export const GATYS_STYLE_LAYERS = ['relu1_1', 'relu2_1', 'relu3_1', 'relu4_1'] as const;

export const IMAGENET_MEAN = [0.485, 0.456, 0.406] as const;
export const IMAGENET_STD = [0.229, 0.224, 0.225] as const;

export interface Vgg19Options {
  /** The deepest convolution whose weights are needed (and may be used). Default conv4_4. */
  lastLayer?: Vgg19Conv;
  /**
   * Layers whose Grams the loss matches, in network order: `reluB_K` (after conv B_K) or `poolB` (after
   * block B's pooling). Default DEFAULT_GRAM_LAYERS, those up to `lastLayer`.
   */
  gramLayers?: readonly string[];
  /** 'max' (torchvision's) or 'avg' (Gatys: smoother textures). Default 'max'. */
  pool?: 'max' | 'avg';
  /** Names the weights in `name` (e.g. 'imagenet', 'random19'). Default 'weights'. */
  weightsName?: string;
  /**
   * How the 3×3 convolutions run: 'direct' (ONNX Conv), 'winograd' (F(4×4, 3×3), app/graph/winograd.ts)
   * or 'auto' (default: Winograd from 128 input channels on, where it is faster on the CPU: about 30%
   * off a loss + gradient evaluation to conv4_4, for some 160 MB more session memory and a second more
   * to load). For a GPU provider pass 'direct': cuDNN has its own fast convolutions.
   */
  convolution?: 'auto' | 'direct' | 'winograd';
}

/** One step of the network up to a layer. */
type Step = { kind: 'conv'; conv: (typeof VGG19_CONVS)[number] } | { kind: 'pool'; block: number };

export interface Vgg19Network extends FeatureNetwork {
  readonly lastLayer: Vgg19Conv;
  readonly gramLayers: readonly string[];
  readonly pool: 'max' | 'avg';
  /** Receptive field (input pixels) of each Gram layer, in order. */
  readonly receptiveFields: readonly number[];
  /** The steps up to the deepest Gram layer, and after how many of them each Gram layer comes. */
  readonly layout: { readonly steps: readonly ('conv' | 'pool')[]; readonly gramAfter: readonly number[] };
}

const POOL = { kernel: [2, 2], strides: [2, 2] } as const;

function weightError(message: string): StudioError {
  return new StudioError('PARAM_INVALID', `VGG19 weights: ${message}`);
}

/** The steps from the input up to and including `layer` (reluB_K or poolB). */
function stepsTo(layer: string): Step[] {
  const m = /^(relu|pool)(\d)(?:_(\d))?$/.exec(layer);
  const steps: Step[] = [];
  if (m && m[1] === 'relu' && m[3] !== undefined) {
    const target = `conv${m[2]}_${m[3]}`;
    if (!VGG19_CONVS.some((c) => c.name === target)) return [];
    for (const c of VGG19_CONVS) {
      if (c.block > 1 && c.name.endsWith('_1')) steps.push({ kind: 'pool', block: c.block - 1 });
      steps.push({ kind: 'conv', conv: c });
      if (c.name === target) return steps;
    }
  }
  if (m && m[1] === 'pool' && m[3] === undefined) {
    const block = Number(m[2]);
    if (block < 1 || block > 5) return [];
    for (const c of VGG19_CONVS) {
      if (c.block > block) break;
      if (c.block > 1 && c.name.endsWith('_1')) steps.push({ kind: 'pool', block: c.block - 1 });
      steps.push({ kind: 'conv', conv: c });
    }
    steps.push({ kind: 'pool', block });
    return steps;
  }
  return [];
}

function receptiveFieldOf(steps: readonly Step[]): number {
  let rf = 1,
    jump = 1;
  for (const s of steps) {
    if (s.kind === 'conv') rf += 2 * jump;
    else {
      rf += jump;
      jump *= 2;
    }
  }
  return rf;
}

const ALL_NAMES = new Set(
  VGG19_CONVS.flatMap((c) => [`features.${c.index}.weight`, `features.${c.index}.bias`]),
);

/**
 * Checks `weights` against the layout up to `lastLayer` and returns conv1_1…lastLayer's weights and
 * biases. Names of later convolutions are accepted (and unused); classifier.* entries of a full state
 * dict are ignored.
 * @throws StudioError PARAM_INVALID naming the first missing, unknown or misshapen weight
 */
export function checkVgg19Weights(
  weights: Vgg19Weights,
  lastLayer: Vgg19Conv = 'conv4_4',
): { weight: Float32Array; bias: Float32Array }[] {
  const last = VGG19_CONVS.findIndex((c) => c.name === lastLayer);
  if (last < 0) throw weightError(`unknown last layer ${lastLayer}`);
  for (const name of weights.keys())
    if (!ALL_NAMES.has(name) && !name.startsWith('classifier.'))
      throw weightError(
        `unexpected weight '${name}' (expected torchvision vgg19 names features.{0,2,5,…,34}.{weight,bias})`,
      );
  return VGG19_CONVS.slice(0, last + 1).map((c) => {
    const get = (kind: 'weight' | 'bias', shape: number[]) => {
      const key = `features.${c.index}.${kind}`;
      const w = weights.get(key);
      if (!w) throw weightError(`'${key}' (${c.name} ${kind}, [${shape}]) is missing`);
      if (w.shape.length !== shape.length || w.shape.some((d, i) => d !== shape[i]))
        throw weightError(`'${key}' (${c.name} ${kind}) has shape [${w.shape}], expected [${shape}]`);
      const n = shape.reduce((a, b) => a * b, 1);
      if (w.data.length !== n)
        throw weightError(`'${key}' (${c.name} ${kind}) has ${w.data.length} values for shape [${shape}]`);
      return w.data;
    };
    return { weight: get('weight', [c.cout, c.cin, 3, 3]), bias: get('bias', [c.cout]) };
  });
}

/**
 * VGG19 as the texture loss's feature network.
 * @throws StudioError PARAM_INVALID for a missing, unknown or misshapen weight, or a Gram layer that is
 *   not a VGG19 layer or lies beyond `lastLayer`
 */
export function vgg19Network(weights: Vgg19Weights, options: Vgg19Options = {}): Vgg19Network {
  const lastLayer = options.lastLayer ?? 'conv4_4';
  const params = checkVgg19Weights(weights, lastLayer);
  const lastIndex = params.length - 1;
  const pool = options.pool ?? 'max';
  const convsTo = (layer: string) => stepsTo(layer).filter((s) => s.kind === 'conv').length;
  const gramLayers = [
    ...(options.gramLayers ?? DEFAULT_GRAM_LAYERS.filter((l) => convsTo(l) - 1 <= lastIndex)),
  ];
  if (gramLayers.length === 0) throw new StudioError('PARAM_INVALID', 'VGG19: no Gram layers');
  const paths = gramLayers.map((l) => {
    const steps = stepsTo(l);
    if (steps.length === 0)
      throw new StudioError('PARAM_INVALID', `VGG19: '${l}' is not a layer (use reluB_K or poolB)`);
    if (convsTo(l) - 1 > lastIndex)
      throw new StudioError(
        'PARAM_INVALID',
        `VGG19: Gram layer '${l}' lies beyond the last layer ${lastLayer}`,
      );
    return steps;
  });
  const lengths = paths.map((p) => p.length);
  if (lengths.some((n, i) => i > 0 && n <= lengths[i - 1]))
    throw new StudioError('PARAM_INVALID', `VGG19: Gram layers [${gramLayers}] are not in network order`);
  const deepest = paths[paths.length - 1];
  const channelsOf = (steps: Step[]) => {
    const c = [...steps].reverse().find((s) => s.kind === 'conv');
    return c && c.kind === 'conv' ? c.conv.cout : 3;
  };
  const receptiveFields = paths.map(receptiveFieldOf);

  // conv1_1 on (x − mean)/std = conv1_1' on (x − mean), conv1_1' = conv1_1 with 1/std per input channel.
  const first = params[0].weight.slice();
  for (let i = 0; i < first.length; i++) first[i] /= IMAGENET_STD[Math.floor(i / 9) % 3];

  /** Runs the steps up to the deepest Gram layer (conv k: `onConv(h, k)`), keeping each Gram layer's output. */
  const walk = (
    x: Tensor,
    onConv: (h: Tensor, k: number) => Tensor,
    onPool: (h: Tensor) => Tensor,
  ): Tensor[] => {
    const out: Tensor[] = [];
    let h = x;
    let k = 0;
    deepest.forEach((s, i) => {
      h = s.kind === 'conv' ? onConv(h, k++) : onPool(h);
      if (lengths.includes(i + 1)) out.push(h);
    });
    return out;
  };

  const features = (x: Tensor): Tensor[] => {
    const g = x.graph;
    const mean = g.constant(IMAGENET_MEAN, [1, 3, 1, 1], 'imagenet_mean');
    const constants = params.map((p, k) => ({
      w: g.constant(k === 0 ? first : p.weight, [VGG19_CONVS[k].cout, VGG19_CONVS[k].cin, 3, 3], `vgg_w${k}`),
      b: g.constant(p.bias, [VGG19_CONVS[k].cout], `vgg_b${k}`),
    }));
    const mode = options.convolution ?? 'auto';
    const convolve = (h: Tensor, k: number) =>
      mode === 'winograd' || (mode === 'auto' && preferWinograd(VGG19_CONVS[k].cin))
        ? winogradConv3x3(h, constants[k].w, constants[k].b, [1, 1, 1, 1])
        : conv(h, constants[k].w, constants[k].b, { pads: [1, 1, 1, 1] });
    return walk(
      sub(x, mean),
      (h, k) => relu(convolve(h, k)),
      (h) => (pool === 'max' ? maxPool(h, POOL) : averagePool(h, POOL)),
    );
  };

  return {
    name: `vgg19-${options.weightsName ?? 'weights'}-${pool}pool-${gramLayers.join('+')}`,
    channels: paths.map(channelsOf),
    receptiveField: receptiveFields[receptiveFields.length - 1],
    receptiveFields,
    layout: { steps: deepest.map((s) => s.kind), gramAfter: lengths },
    lastLayer,
    gramLayers,
    pool,
    features,
    // The share of each position's cell in the region: the region averaged down by every pooling.
    coverage: (region) =>
      walk(
        region,
        (h) => h,
        (h) => averagePool(h, POOL),
      ),
    // 1 where the receptive field touches the region: a max over every conv's 3×3 window and every
    // pooling's 2×2 cell.
    influence: (region) =>
      walk(
        region,
        (h) => maxPool(h, { kernel: [3, 3], pads: [1, 1, 1, 1] }),
        (h) => maxPool(h, POOL),
      ),
  };
}

/**
 * Random VGG19 weights with the torchvision names and shapes up to `lastLayer`, deterministic for the
 * seed: He-normal weights (std √(2 / (9·Cin)), which keeps the activations' scale through the ReLUs)
 * and small normal biases (std 0.05, so the bias path is exercised). For tests and benchmarks where
 * the ImageNet weights cannot be downloaded.
 */
export function randomVgg19Weights(
  seed: number,
  lastLayer: Vgg19Conv = 'conv4_4',
): Map<string, { shape: number[]; data: Float32Array }> {
  const last = VGG19_CONVS.findIndex((c) => c.name === lastLayer);
  if (last < 0) throw weightError(`unknown last layer ${lastLayer}`);
  const rnd = new Random(seed);
  const out = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const c of VGG19_CONVS.slice(0, last + 1)) {
    const fanIn = 9 * c.cin;
    out.set(`features.${c.index}.weight`, {
      shape: [c.cout, c.cin, 3, 3],
      data: rnd.normals(c.cout * fanIn, Math.sqrt(2 / fanIn)),
    });
    out.set(`features.${c.index}.bias`, { shape: [c.cout], data: rnd.normals(c.cout, 0.05) });
  }
  return out;
}
