/**
 * The embedded, download-free feature network of the texture stage: blocks of random multi-scale
 * convolutions + ReLU with pooling between them, generated from a fixed seed. Ustyuzhaninov et al.
 * (2017, "What does it take to generate natural textures?") showed that Gram losses over random
 * filters synthesise natural textures well when the filters span several scales; here the scales come
 * both from filter sizes beyond 3×3 inside a block (3, 5, 7) and from the (blurred) pooling between
 * blocks, so the deepest block sees about 100 px.
 *
 * No biases, so every feature is positively homogeneous in the (centred) input; the loss normalises
 * each layer by the exemplar's Gram norm, so the overall weight scale does not matter, only He-style
 * balance between branches of one block.
 */
import type { Tensor } from '../../graph/builder';
import { averagePool, conv, maxPool } from '../../graph/nn';
import { concat, relu, sub } from '../../graph/ops';
import { Random } from '../../graph/random';
import type { FeatureNetwork } from './featureNetwork';

export interface BranchSpec {
  filters: number;
  kernel: number;
  dilation?: number;
}

/** A block: parallel convolutions ('same' padding) whose outputs are concatenated, then ReLU. */
export interface BlockSpec {
  branches: readonly BranchSpec[];
}

export interface NetworkSpec {
  name: string;
  seed: number;
  blocks: readonly BlockSpec[];
  /** Pooling between blocks (2×2, stride 2). Gatys found average pooling gives smoother textures. */
  pool: 'avg' | 'max';
  /**
   * Blur (3×3 binomial, per channel) before each pooling: an anti-aliased downsampling (Zhang 2019,
   * "Making convolutional networks shift-invariant again"). Without it the stride-2 pooling imprints
   * its 2/4/8 px grid on the synthesised texture through the gradient.
   */
  blurPool?: boolean;
  /**
   * Also match the Gram of the (centred) pixels themselves, a first "layer" of 3 channels: the colour
   * covariance. Without it random filters leave chroma loosely tied (grey textures come out tinted).
   */
  pixelGram?: boolean;
}

/**
 * The default: 4 blocks of 48/64/96/128 channels, filters of 3, 5 and 7 px, blurred average pooling.
 * Chosen by looking at free synthesis (no hole) on the grass and brick fixtures at 128 px: v1 (dilated
 * 5×5 in blocks 2–4, plain 2×2 pooling) printed a regular dot grid of 8 px on grass, since a dilation of
 * 2 cannot smooth the nearest-neighbour spread of the pooling gradient; the blur removes most of it and
 * undilated kernels the rest.
 */
export const DEFAULT_NETWORK: NetworkSpec = {
  name: 'random-multiscale-v2',
  seed: 20170501,
  pool: 'avg',
  blurPool: true,
  pixelGram: true,
  blocks: [
    {
      branches: [
        { filters: 16, kernel: 3 },
        { filters: 16, kernel: 5 },
        { filters: 16, kernel: 7 },
      ],
    },
    {
      branches: [
        { filters: 32, kernel: 3 },
        { filters: 32, kernel: 5 },
      ],
    },
    {
      branches: [
        { filters: 48, kernel: 3 },
        { filters: 48, kernel: 5 },
      ],
    },
    {
      branches: [
        { filters: 64, kernel: 3 },
        { filters: 64, kernel: 5 },
      ],
    },
  ],
};

interface Branch {
  weights: Float32Array;
  shape: [number, number, number, number];
  dilation: number;
}

/** A network with its weights drawn. */
export interface RandomNetwork extends FeatureNetwork {
  spec: NetworkSpec;
  blocks: Branch[][];
  /** Channels of each Gram layer: the pixels (when `pixelGram`), then each block's output. */
  channels: number[];
}

/** Draws the weights of `spec` (deterministic for its seed). Cheap: a few hundred thousand normals. */
export function randomNetwork(spec: NetworkSpec = DEFAULT_NETWORK): RandomNetwork {
  const rnd = new Random(spec.seed);
  let cin = 3;
  const blocks: Branch[][] = [];
  const channels: number[] = [];
  let rf = 1;
  let jump = 1;
  spec.blocks.forEach((b, i) => {
    if (i > 0) {
      if (spec.blurPool) rf += 2 * jump; // 3×3 blur
      rf += jump; // 2×2 pooling
      jump *= 2;
    }
    let widest = 1;
    const branches = b.branches.map((br): Branch => {
      const dilation = br.dilation ?? 1;
      widest = Math.max(widest, (br.kernel - 1) * dilation + 1);
      const fanIn = cin * br.kernel * br.kernel;
      const shape: Branch['shape'] = [br.filters, cin, br.kernel, br.kernel];
      return { weights: rnd.normals(br.filters * fanIn, Math.sqrt(2 / fanIn)), shape, dilation };
    });
    rf += (widest - 1) * jump;
    blocks.push(branches);
    cin = b.branches.reduce((s, br) => s + br.filters, 0);
    channels.push(cin);
  });
  if (spec.pixelGram) channels.unshift(3);
  const net: RandomNetwork = {
    name: `${spec.name}@${spec.seed}`,
    spec,
    blocks,
    channels,
    receptiveField: rf,
    features: (x) => features(net, x),
    coverage: (region) => coverage(net, region),
    influence: (region) => influence(net, region),
  };
  return net;
}

/**
 * Branches with the same dilation as one convolution: smaller kernels zero-padded (centred) to the
 * largest. One Conv is cheaper than several plus a Concat (and its Split backwards), even counting
 * the zeros, in the first block where the input has only three channels.
 */
function mergeByDilation(branches: readonly Branch[]): Branch[] {
  const out: Branch[] = [];
  for (const d of [...new Set(branches.map((b) => b.dilation))]) {
    const group = branches.filter((b) => b.dilation === d);
    if (group.length === 1) {
      out.push(group[0]);
      continue;
    }
    const k = Math.max(...group.map((b) => b.shape[2]));
    const cin = group[0].shape[1];
    const filters = group.reduce((s, b) => s + b.shape[0], 0);
    const weights = new Float32Array(filters * cin * k * k);
    let f0 = 0;
    for (const b of group) {
      const [fo, , kb] = b.shape;
      const off = (k - kb) >> 1;
      for (let f = 0; f < fo; f++)
        for (let c = 0; c < cin; c++)
          for (let y = 0; y < kb; y++)
            for (let x = 0; x < kb; x++)
              weights[(((f0 + f) * cin + c) * k + y + off) * k + x + off] =
                b.weights[((f * cin + c) * kb + y) * kb + x];
      f0 += fo;
    }
    out.push({ weights, shape: [filters, cin, k, k], dilation: d });
  }
  return out;
}

const BINOMIAL = [1, 2, 1, 2, 4, 2, 1, 2, 1].map((v) => v / 16);

/** 3×3 binomial blur per channel (zero padding, like the convolutions). */
function blur(h: Tensor): Tensor {
  const c = h.shape[1];
  const k = h.graph.constant(Array.from({ length: c }, () => BINOMIAL).flat(), [c, 1, 3, 3], 'blur');
  return conv(h, k, null, { group: c, pads: [1, 1, 1, 1] });
}

const POOL = { kernel: [2, 2], strides: [2, 2], ceilMode: true } as const;

function samePads(k: number, d: number): [number, number, number, number] {
  const span = (k - 1) * d;
  return [span >> 1, span >> 1, span - (span >> 1), span - (span >> 1)];
}

/**
 * The Gram layers' features for an image `x` [1, 3, H, W] in 0..1: the centred pixels (with
 * `pixelGram`), then each block's output after its ReLU. Sizes halve (rounding up) from block to block.
 */
function features(net: RandomNetwork, x: Tensor): Tensor[] {
  const g = x.graph;
  let h = sub(x, 0.5);
  const out: Tensor[] = net.spec.pixelGram ? [h] : [];
  net.blocks.forEach((branches, i) => {
    if (i > 0) {
      if (net.spec.blurPool) h = blur(h);
      h = net.spec.pool === 'avg' ? averagePool(h, POOL) : maxPool(h, POOL);
    }
    const maps = mergeByDilation(branches).map((b) =>
      conv(h, g.constant(b.weights, b.shape, `w${i}`), null, {
        pads: samePads(b.shape[2], b.dilation),
        dilations: [b.dilation, b.dilation],
      }),
    );
    h = relu(maps.length === 1 ? maps[0] : concat(maps, 1));
    out.push(h);
  });
  return out;
}

/**
 * How much of each block's cells lies in `region` ([1, 1, H, W], 0..1): the region averaged down with
 * the network's pooling, so a position weighs by the share of its own cell that is in the region.
 * No gradient flows through it.
 */
function coverage(net: RandomNetwork, region: Tensor): Tensor[] {
  let m = region;
  const out = net.blocks.map((_, i) => {
    if (i > 0) m = averagePool(m, POOL);
    return m;
  });
  return net.spec.pixelGram ? [region, ...out] : out;
}

/**
 * Where each block's features are influenced by the pixels of `region` ([1, 1, H, W], 1 = in it): a
 * max-pool that mirrors every convolution's window and every pooling step, so position p of block l is 1
 * exactly when p's receptive field touches the region. No gradient flows through it.
 */
function influence(net: RandomNetwork, region: Tensor): Tensor[] {
  let m = region;
  const out: Tensor[] = [];
  net.blocks.forEach((branches, i) => {
    if (i > 0) {
      if (net.spec.blurPool) m = maxPool(m, { kernel: [3, 3], pads: [1, 1, 1, 1] });
      m = maxPool(m, POOL);
    }
    const span = Math.max(...branches.map((b) => (b.shape[2] - 1) * b.dilation + 1));
    m = maxPool(m, { kernel: [span, span], pads: samePads(span, 1) });
    out.push(m);
  });
  return net.spec.pixelGram ? [region, ...out] : out;
}
