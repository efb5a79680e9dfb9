import { describe, expect, it } from 'vitest';
import { StudioError } from '../../common/errors';
import { Graph, type Tensor } from '../../graph/builder';
import { gradCheck } from '../../graph/gradCheck';
import { toModel } from '../../graph/model';
import { add, gemm, mul, reduceSum, reshape, square, sub } from '../../graph/ops';
import { Random } from '../../graph/random';
import { loadModelSession } from '../../ort/sessions';
import type { TensorValue } from '../../ort/types';
import {
  IMAGENET_MEAN,
  IMAGENET_STD,
  VGG19_CONVS,
  randomVgg19Weights,
  vgg19Network,
  type Vgg19Network,
  type Vgg19Weights,
} from './vgg19';

const f32 = (data: Float32Array, dims: readonly number[]): TensorValue => ({ dtype: 'float32', dims, data });

/** Runs `outputs` of a graph with one input `name`. */
async function run(
  outputs: Record<string, Tensor>,
  feeds: Record<string, TensorValue>,
): Promise<Record<string, TensorValue>> {
  const s = await loadModelSession(toModel(outputs), { providers: ['cpu'], intraOpThreads: 1 });
  try {
    return await s.run(feeds);
  } finally {
    await s.release();
  }
}

function failure(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return e instanceof StudioError ? `${e.code}: ${e.message}` : String(e);
  }
  return 'no error';
}

describe('VGG19 feature network', () => {
  const weights = randomVgg19Weights(5, 'conv4_4');

  it('random weights have the torchvision names and shapes, He scale, and repeat for a seed', () => {
    expect([...weights.keys()]).toEqual(
      VGG19_CONVS.slice(0, 12).flatMap((c) => [`features.${c.index}.weight`, `features.${c.index}.bias`]),
    );
    expect(weights.get('features.0.weight')!.shape).toEqual([64, 3, 3, 3]);
    expect(weights.get('features.25.weight')!.shape).toEqual([512, 512, 3, 3]);
    expect(weights.get('features.25.bias')!.shape).toEqual([512]);
    const w = weights.get('features.10.weight')!.data;
    const std = Math.sqrt(w.reduce((s, v) => s + v * v, 0) / w.length);
    expect(std).toBeCloseTo(Math.sqrt(2 / (9 * 128)), 3);
    const again = randomVgg19Weights(5, 'conv2_1');
    expect(again.size).toBe(6);
    expect(again.get('features.5.weight')!.data).toEqual(weights.get('features.5.weight')!.data);
    expect(randomVgg19Weights(6, 'conv1_1').get('features.0.weight')!.data).not.toEqual(
      weights.get('features.0.weight')!.data,
    );
  });

  it('gives the Gram layers with their channels, sizes and receptive fields', async () => {
    const net = vgg19Network(weights);
    expect(net.gramLayers).toEqual(['relu1_1', 'relu2_1', 'relu3_1', 'relu4_1', 'relu4_4']);
    expect(net.channels).toEqual([64, 128, 256, 512, 512]);
    expect(net.receptiveFields).toEqual([3, 10, 24, 68, 116]);
    expect(net.receptiveField).toBe(116);
    const g = new Graph('shapes');
    const x = g.input('x', [1, 3, 36, 20]);
    const feats = net.features(x);
    expect(feats.map((f) => f.shape)).toEqual([
      [1, 64, 36, 20],
      [1, 128, 18, 10],
      [1, 256, 9, 5],
      [1, 512, 4, 2],
      [1, 512, 4, 2],
    ]);
    // ONNX Runtime agrees with the builder's shapes (floor-mode pooling of odd sizes included).
    const out = await run(Object.fromEntries(feats.map((f, l) => [`f${l}`, f])), {
      x: f32(new Random(1).floats(3 * 36 * 20), [1, 3, 36, 20]),
    });
    feats.forEach((f, l) => expect(out[`f${l}`].dims).toEqual(f.shape));

    const small = vgg19Network(weights, { lastLayer: 'conv2_2', pool: 'avg' });
    expect(small.gramLayers).toEqual(['relu1_1', 'relu2_1']);
    const custom = vgg19Network(weights, { gramLayers: ['relu1_2', 'pool1', 'pool3'] });
    expect(custom.channels).toEqual([64, 64, 256]);
    expect(custom.receptiveFields).toEqual([5, 6, 52]);
    const g2 = new Graph('pools');
    expect(custom.features(g2.input('x', [1, 3, 16, 16])).map((f) => f.shape[2])).toEqual([16, 8, 2]);
  });

  it('relu1_1 is conv1_1 of the ImageNet-normalised image, zero-padded after normalisation', async () => {
    const net = vgg19Network(weights, { gramLayers: ['relu1_1'] });
    const [H, W] = [5, 6];
    const img = new Random(2).floats(3 * H * W);
    const g = new Graph('first');
    const [f] = net.features(g.input('x', [1, 3, H, W]));
    const out = (await run({ f }, { x: f32(img, [1, 3, H, W]) })).f.data as Float32Array;
    const w = weights.get('features.0.weight')!.data;
    const b = weights.get('features.0.bias')!.data;
    let worst = 0;
    for (let o = 0; o < 64; o++)
      for (let y = 0; y < H; y++)
        for (let x = 0; x < W; x++) {
          let s = b[o];
          for (let c = 0; c < 3; c++)
            for (let dy = -1; dy <= 1; dy++)
              for (let dx = -1; dx <= 1; dx++) {
                const [yy, xx] = [y + dy, x + dx];
                if (yy < 0 || yy >= H || xx < 0 || xx >= W) continue;
                const v = (img[(c * H + yy) * W + xx] - IMAGENET_MEAN[c]) / IMAGENET_STD[c];
                s += w[((o * 3 + c) * 3 + dy + 1) * 3 + dx + 1] * v;
              }
          worst = Math.max(worst, Math.abs(Math.max(0, s) - out[(o * H + y) * W + x]));
        }
    expect(worst).toBeLessThan(1e-4);
  });

  it('gives the same features with direct and Winograd convolutions', async () => {
    const g = new Graph('both');
    const x = g.input('x', [1, 3, 24, 20]);
    const direct = vgg19Network(weights, { convolution: 'direct' }).features(x);
    const fast = vgg19Network(weights, { convolution: 'winograd' }).features(x);
    const out = await run(
      Object.fromEntries([...direct.map((f, l) => [`d${l}`, f]), ...fast.map((f, l) => [`w${l}`, f])]),
      { x: f32(new Random(3).floats(3 * 24 * 20), [1, 3, 24, 20]) },
    );
    direct.forEach((_, l) => {
      const [a, b] = [out[`d${l}`].data as Float32Array, out[`w${l}`].data as Float32Array];
      let worst = 0,
        scale = 0;
      a.forEach((v, i) => {
        worst = Math.max(worst, Math.abs(v - b[i]));
        scale = Math.max(scale, Math.abs(v));
      });
      expect(worst / scale, `layer ${l}`).toBeLessThan(1e-4);
    });
  });

  /** Σ_l ‖G_l(x) − T_l‖² / ‖T_l‖², G = F Fᵀ / (h·w), T random: the bench's loss. */
  function gramLoss(net: Vgg19Network, g: Graph, x: Tensor, seed: number): Tensor {
    const rnd = new Random(seed);
    return net
      .features(x)
      .map((f) => {
        const [, c, h, w] = f.shape;
        const m = reshape(f, [c, h * w]);
        const gram = gemm(m, m, null, { transB: true, alpha: 1 / (h * w) });
        const t = g.constant(rnd.floats(c * c, 0, 0.5), [c, c], 'target');
        return mul(reduceSum(square(sub(gram, t))), 1 / (c * c));
      })
      .reduce((a, b) => add(a, b));
  }

  it.each(['max', 'avg'] as const)(
    'the gradient of a Gram loss on it matches finite differences (%s pooling)',
    async (pool) => {
      const net = vgg19Network(weights, { pool });
      const g = new Graph('loss');
      const x = g.input('x', [1, 3, 16, 16]);
      const loss = gramLoss(net, g, x, 3);
      const values = new Map([[x, new Random(4).floats(3 * 16 * 16)]]);
      // A small step: ReLU and max-pool kinks sit everywhere in 16 layers, and a step of 1e-2 crosses
      // some of them; float32 rounding of the loss over 2e-3 stays well below the gradient.
      const r = await gradCheck(loss, x, values, { yIsLoss: true, step: 1e-3, samples: 40, seed: 5 });
      console.log(
        `VGG19 Gram loss (${pool}): max rel error ${r.maxRelError.toExponential(2)}, cosine ${r.cosine}`,
      );
      expect(r.scale).toBeGreaterThan(0);
      expect(r.maxRelError).toBeLessThan(2e-2);
      expect(r.cosine).toBeGreaterThan(0.999);
    },
    60_000,
  );

  /** The input interval [lo, hi] that position i of a layer sees, through the given steps. */
  function interval(steps: readonly ('conv' | 'pool')[], i: number): [number, number] {
    let [lo, hi] = [i, i];
    for (const s of [...steps].reverse()) [lo, hi] = s === 'conv' ? [lo - 1, hi + 1] : [2 * lo, 2 * hi + 1];
    return [lo, hi];
  }
  const STEPS: Record<string, ('conv' | 'pool')[]> = {
    relu1_1: ['conv'],
    relu2_1: ['conv', 'conv', 'pool', 'conv'],
    relu3_1: ['conv', 'conv', 'pool', 'conv', 'conv', 'pool', 'conv'],
    pool3: ['conv', 'conv', 'pool', 'conv', 'conv', 'pool', 'conv', 'conv', 'conv', 'conv', 'pool'],
  };

  it('influence is 1 exactly where the receptive field touches the region; coverage is the cell share', async () => {
    const layers = Object.keys(STEPS);
    const net = vgg19Network(weights, { gramLayers: layers });
    const [H, W] = [27, 21];
    const rnd = new Random(8);
    const region = new Float32Array(H * W);
    for (let k = 0; k < 4; k++) region[Math.floor(rnd.uniform() * H * W)] = 1; // a few pixels
    for (let y = 20; y < 24; y++) for (let x = 0; x < 3; x++) region[y * W + x] = 1; // and a block at the edge
    const soft = rnd.floats(H * W); // coverage also takes fractional regions
    const g = new Graph('masks');
    const r = g.input('r', [1, 1, H, W]);
    const s = g.input('s', [1, 1, H, W]);
    const inf = net.influence(r);
    const cov = net.coverage(s);
    const out = await run(
      Object.fromEntries([...inf.map((t, l) => [`i${l}`, t]), ...cov.map((t, l) => [`c${l}`, t])]),
      { r: f32(region, [1, 1, H, W]), s: f32(soft, [1, 1, H, W]) },
    );
    layers.forEach((name, l) => {
      const steps = STEPS[name];
      const pools = steps.filter((t) => t === 'pool').length;
      const [h, w] = [H >> pools, W >> pools];
      expect(out[`i${l}`].dims).toEqual([1, 1, h, w]);
      const got = out[`i${l}`].data as Float32Array;
      const cell = 1 << pools;
      const shares = out[`c${l}`].data as Float32Array;
      for (let i = 0; i < h; i++)
        for (let j = 0; j < w; j++) {
          const [y0, y1] = interval(steps, i);
          const [x0, x1] = interval(steps, j);
          let touches = 0;
          for (let y = Math.max(0, y0); y <= Math.min(H - 1, y1); y++)
            for (let x = Math.max(0, x0); x <= Math.min(W - 1, x1); x++) touches ||= region[y * W + x];
          expect(got[i * w + j], `${name} influence at ${i},${j}`).toBe(touches);
          let sum = 0;
          for (let y = i * cell; y < (i + 1) * cell; y++)
            for (let x = j * cell; x < (j + 1) * cell; x++) sum += soft[y * W + x];
          expect(shares[i * w + j]).toBeCloseTo(sum / (cell * cell), 5);
        }
    });
    expect(net.receptiveFields).toEqual(
      layers.map((n) => interval(STEPS[n], 0)[1] - interval(STEPS[n], 0)[0] + 1),
    );
  });

  it('names a missing, misshapen or unknown weight, and a Gram layer it cannot give', () => {
    const without = (key: string): Vgg19Weights => new Map([...weights].filter(([k]) => k !== key));
    expect(failure(() => vgg19Network(without('features.7.bias')))).toMatch(
      /PARAM_INVALID: .*'features\.7\.bias' \(conv2_2 bias, \[128\]\) is missing/,
    );
    const bad = new Map(weights);
    bad.set('features.5.weight', { shape: [128, 64, 5, 5], data: new Float32Array(128 * 64 * 25) });
    expect(failure(() => vgg19Network(bad))).toMatch(
      /'features\.5\.weight' \(conv2_1 weight\) has shape \[128,64,5,5\], expected \[128,64,3,3\]/,
    );
    const short = new Map(weights);
    short.set('features.0.bias', { shape: [64], data: new Float32Array(60) });
    expect(failure(() => vgg19Network(short))).toMatch(/'features\.0\.bias' .* 60 values/);
    const extra = new Map(weights);
    extra.set('features.1.weight', { shape: [1], data: new Float32Array(1) });
    expect(failure(() => vgg19Network(extra))).toMatch(/unexpected weight 'features\.1\.weight'/);
    // Later layers and the classifier of a full state dict are accepted and unused.
    const full = new Map([...randomVgg19Weights(1, 'conv5_4')]);
    full.set('classifier.0.bias', { shape: [4096], data: new Float32Array(4096) });
    expect(vgg19Network(full, { lastLayer: 'conv3_1' }).gramLayers).toEqual([
      'relu1_1',
      'relu2_1',
      'relu3_1',
    ]);
    // Too few weights for the last layer asked for.
    expect(failure(() => vgg19Network(randomVgg19Weights(1, 'conv3_4')))).toMatch(
      /'features\.19\.weight'.*missing/,
    );
    expect(failure(() => vgg19Network(weights, { gramLayers: ['relu5_1'] }))).toMatch(
      /'relu5_1' lies beyond the last layer conv4_4/,
    );
    expect(failure(() => vgg19Network(weights, { gramLayers: ['relu2_3'] }))).toMatch(
      /'relu2_3' is not a layer/,
    );
    expect(failure(() => vgg19Network(weights, { gramLayers: ['relu2_1', 'relu1_1'] }))).toMatch(
      /network order/,
    );
  });
});
