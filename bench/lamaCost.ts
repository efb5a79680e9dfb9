/**
 * A cost-equivalent stand-in for big-LaMa (Carve/LaMa-ONNX `lama_fp32.onnx`), for timing only.
 *
 * The real 208 MB model cannot be fetched everywhere the benchmark runs, and the small generated
 * test networks (native-models/generated) run in milliseconds, so they cannot say what share of
 * the LaMa stage is spent outside session.run. This network has big-LaMa's architecture, tensor
 * shapes and operators (FFCResNetGenerator of configs/training/big-lama.yaml, Suvorov et al. 2021)
 * with random, seeded weights, so one session.run costs what the real model's does on the same
 * CPU. Its output is noise composited over the known pixels: it is NEVER an inpainter. The model
 * says so in its metadata (`inpaint_studio.purpose` = `timing-standin`).
 *
 * Architecture (ngf = 64 by default; BatchNorm folded into conv biases, as an inference export
 * would after fusion):
 *   in   = concat(image * (1 - mask), mask)                         4 x S x S
 *   ReflectPad 3, Conv 7x7 4->ngf, ReLU
 *   3 x (ReflectPad 1, Conv 3x3 stride 2, ReLU): ngf -> 2ngf -> 4ngf -> 8ngf, the last one split
 *     into a local (25%) and a global (75%) branch, as FFC with ratio_gout 0.75 does
 *   `blocks` FFC ResNet blocks at S/8 with 8ngf channels (local 2ngf, global 6ngf); each is two
 *     FFC layers + residual add; an FFC layer is
 *       local'  = ReLU(conv3x3_l2l(local) + conv3x3_g2l(global))
 *       global' = ReLU(conv3x3_l2g(local) + SpectralTransform(global))
 *     with reflect padding, and SpectralTransform(x) = conv1x1(h + FourierUnit(h)) with
 *     h = ReLU(conv1x1 6ngf->3ngf (x)) and FourierUnit(h) = irfft2(ReLU(conv1x1 over the rfft2's
 *     real/imaginary parts stacked as channels)), 'ortho' norm; no LFU (enable_lfu false)
 *   concat(local, global), 3 x (ConvTranspose 3x3 stride 2, ReLU): 8ngf -> 4ngf -> 2ngf -> ngf
 *   ReflectPad 3, Conv 7x7 ngf->3, Sigmoid
 *   output = ((1 - mask) * image + mask * prediction) * 255
 * FFTs: by default matrix products with fixed cos/sin matrices (rfft along W onto the onesided
 * half, complex product along H; inverse along H, conjugate-symmetric extension along W, real part
 * of the inverse along W), because that is how the Carve export is reported to express them (its
 * FourierUnitJIT builds the DFT from cos/sin and matmul, since torch's FFT ops did not export to
 * ONNX then; the exact node layout of that file is not known here). `fft: 'dft'`
 * uses ONNX DFT nodes instead (opset 17: onesided DFT along W, full along H; the inverse, with
 * ONNX Runtime 1.30's onesided inverse along W): the same function, but ONNX Runtime's CPU DFT
 * kernel costs several times the matrix products, so it would overstate the real model's time.
 */
import { StudioError, describeValue } from '../app/common/errors';
import { writeCachedModel } from '../native-models/generated/index';
import { GENERATED_PRODUCER } from '../native-models/generated/models';
import { GraphBuilder } from '../app/graph/onnxBuilder';
import { mulberry32 } from '../app/common/random';

export const LAMA_COST_PURPOSE = 'timing-standin';
/** Bump when the builder changes in a way its options would not show. */
export const LAMA_COST_VERSION = '1';

/**
 * How the FourierUnit's FFTs are expressed: 'matmul' (default) as products with fixed cos/sin
 * matrices, as the Carve export does; 'dft' as ONNX DFT nodes (ONNX Runtime's CPU DFT kernel is
 * several times slower than the matrix products at these sizes).
 */
export type LamaCostFft = 'matmul' | 'dft';

export interface LamaCostOptions {
  /** FFC ResNet blocks; big-LaMa has 18. Integer 0..64. */
  blocks?: number;
  /** Square input size; the real export takes 512. A multiple of 8, 16..2048. */
  size?: number;
  /** Channels of the first conv (ngf); big-LaMa has 64. A multiple of 4, 4..64. */
  baseChannels?: number;
  /** Seed of the random weights (any integer). Default 1. */
  seed?: number;
  /** FFT form, default 'matmul'. The weights do not depend on it. */
  fft?: LamaCostFft;
}

/** Weights and multiply-accumulates of one network (conv weights + biases; MACs of the convs). */
export interface LamaCostFootprint {
  parameters: number;
  /** Multiply-accumulates of the convolutions (element-wise ops not counted). */
  macs: number;
  /** Multiply-accumulates of the DFT matrix products ('matmul' FFT; 0 for 'dft'). */
  dftMacs: number;
}

interface Resolved {
  blocks: number;
  size: number;
  ngf: number;
  seed: number;
  fft: LamaCostFft;
}

function resolveOptions(o: LamaCostOptions): Resolved {
  const r = {
    blocks: o.blocks ?? 18,
    size: o.size ?? 512,
    ngf: o.baseChannels ?? 64,
    seed: o.seed ?? 1,
    fft: o.fft ?? 'matmul',
  };
  const bad = (name: string, want: string, v: unknown): never => {
    throw new StudioError(
      'PARAM_INVALID',
      `Expected ${want} for lamaCost.${name} but received ${describeValue(v)}`,
    );
  };
  if (!Number.isInteger(r.blocks) || r.blocks < 0 || r.blocks > 64)
    bad('blocks', 'an integer between 0 and 64', r.blocks);
  if (!Number.isInteger(r.size) || r.size % 8 !== 0 || r.size < 16 || r.size > 2048)
    bad('size', 'a multiple of 8 between 16 and 2048', r.size);
  if (!Number.isInteger(r.ngf) || r.ngf % 4 !== 0 || r.ngf < 4 || r.ngf > 64)
    bad('baseChannels', 'a multiple of 4 between 4 and 64', r.ngf);
  if (!Number.isInteger(r.seed)) bad('seed', 'an integer', r.seed);
  if (r.fft !== 'matmul' && r.fft !== 'dft') bad('fft', "'matmul' or 'dft'", r.fft);
  return r;
}

/**
 * Emits the network into a GraphBuilder, or (with `g` null) only counts it. Every weight tensor is
 * drawn from one seeded stream in a fixed order, so the same options give the same bytes.
 */
class Net {
  parameters = 0;
  macs = 0;
  /** Multiply-accumulates of the DFT matrix products (matmul FFT only). */
  dftMacs = 0;
  private readonly rand: () => number;
  private n = 0;
  private readonly matrices = new Map<
    number,
    { cos: string; sin: string; cosHalf: string; negSinHalf: string }
  >();

  constructor(
    readonly g: GraphBuilder | null,
    seed: number,
    readonly fft: LamaCostFft,
  ) {
    this.rand = mulberry32(seed);
  }

  /** He-uniform weights (bound sqrt(6 / fanIn) * gain) and small biases. */
  private weights(dims: readonly number[], fanIn: number, gain: number): string {
    const count = dims.reduce((a, b) => a * b, 1);
    this.parameters += count;
    if (!this.g) return '';
    const bound = Math.sqrt(6 / fanIn) * gain;
    const data = new Float32Array(count);
    for (let i = 0; i < count; i++) data[i] = (this.rand() * 2 - 1) * bound;
    return this.g.floats(`w${this.n++}`, dims, data);
  }

  private bias(count: number): string {
    this.parameters += count;
    if (!this.g) return '';
    const data = new Float32Array(count);
    for (let i = 0; i < count; i++) data[i] = (this.rand() * 2 - 1) * 0.05;
    return this.g.floats(`b${this.n++}`, [count], data);
  }

  op(type: string, inputs: readonly string[], attrs: Parameters<GraphBuilder['op']>[2] = {}): string {
    return this.g ? this.g.op(type, inputs, attrs) : '';
  }

  ints(values: readonly number[]): string {
    return this.g ? this.g.int64s(`i${this.n++}`, [values.length], values) : '';
  }

  scalar(v: number): string {
    return this.g ? this.g.scalar(v) : '';
  }

  /**
   * Conv k x k (stride `stride`, reflect padding k/2 as a Pad node, as torch exports
   * padding_mode='reflect') on an input of `inSize` x `inSize`. `fanIn` sets the weight scale
   * (the inputs of convs that are summed count together). `bias` false for the second conv of a sum.
   */
  conv(
    x: string,
    cin: number,
    cout: number,
    k: number,
    inSize: number,
    opts: { stride?: number; pad?: number; fanIn?: number; gain?: number; bias?: boolean } = {},
  ): string {
    const stride = opts.stride ?? 1;
    const pad = opts.pad ?? (k - 1) / 2;
    const outSize = Math.floor((inSize + 2 * pad - k) / stride) + 1;
    this.macs += cin * cout * k * k * outSize * outSize;
    const w = this.weights([cout, cin, k, k], opts.fanIn ?? cin * k * k, opts.gain ?? 1);
    const b = opts.bias === false ? '' : this.bias(cout);
    const padded = pad > 0 ? this.reflectPad(x, pad) : x;
    const inputs = b ? [padded, w, b] : [padded, w];
    return this.op('Conv', inputs, { kernel_shape: [k, k], strides: [stride, stride] });
  }

  reflectPad(x: string, p: number): string {
    return this.op('Pad', [x, this.ints([0, 0, p, p, 0, 0, p, p])], { mode: 'reflect' });
  }

  /** ConvTranspose 3x3 stride 2, padding 1, output_padding 1 (doubles the size), + ReLU. */
  up(x: string, cin: number, cout: number, inSize: number): string {
    this.macs += cin * cout * 9 * inSize * inSize;
    const w = this.weights([cin, cout, 3, 3], (cin * 9) / 4, 1);
    const b = this.bias(cout);
    const y = this.op('ConvTranspose', [x, w, b], {
      kernel_shape: [3, 3],
      strides: [2, 2],
      pads: [1, 1, 1, 1],
      output_padding: [1, 1],
    });
    return this.op('Relu', [y]);
  }

  /**
   * FourierUnit on [1,c,s,s]: rfft2 ('ortho'), real/imaginary parts stacked as 2c channels
   * (c0.re, c0.im, c1.re, ... as torch's permute + view gives), conv1x1 2c->2c + ReLU, irfft2.
   */
  fourierUnit(x: string, c: number, s: number): string {
    const half = Math.floor(s / 2) + 1;
    this.macs += 4 * c * c * s * half;
    const spectrum = this.fft === 'dft' ? this.rfft2Dft(x, s) : this.rfft2MatMul(x, c, s); // [1,c,s,half,2]
    const stacked = this.op('Reshape', [
      this.op('Transpose', [spectrum], { perm: [0, 1, 4, 2, 3] }),
      this.ints([1, 2 * c, s, half]),
    ]); // [1,2c,s,half]
    const w = this.weights([2 * c, 2 * c, 1, 1], 2 * c, 1);
    const b = this.bias(2 * c);
    const mixed = this.op('Relu', [this.op('Conv', [stacked, w, b], { kernel_shape: [1, 1] })]);
    const complex = this.op('Transpose', [this.op('Reshape', [mixed, this.ints([1, c, 2, s, half])])], {
      perm: [0, 1, 3, 4, 2],
    }); // [1,c,s,half,2]
    return this.fft === 'dft' ? this.irfft2Dft(complex, c, s) : this.irfft2MatMul(complex, c, s, half);
  }

  /** rfft2 with ONNX DFT nodes: onesided along W, then full along H; returns [1,c,s,half,2]. */
  private rfft2Dft(x: string, s: number): string {
    const real = this.op('Unsqueeze', [x, this.ints([-1])]); // [1,c,s,s,1]
    const alongW = this.op('DFT', [real], { axis: 3, onesided: 1 }); // [1,c,s,half,2]
    return this.op('Mul', [this.op('DFT', [alongW], { axis: 2 }), this.scalar(1 / s)]);
  }

  /** irfft2 of [1,c,s,half,2] with ONNX DFT nodes (inverse along H, onesided inverse along W). */
  private irfft2Dft(complex: string, c: number, s: number): string {
    const backH = this.op('DFT', [complex], { axis: 2, inverse: 1 });
    const length = this.g ? this.g.int64s(`i${this.n++}`, [], [s]) : '';
    const backW = this.op('DFT', [backH, length], { axis: 3, inverse: 1, onesided: 1 }); // [1,c,s,s,1]
    // ONNX's inverse DFT divides by n per axis; 'ortho' wants 1/sqrt(n) per axis in each direction.
    return this.op('Mul', [this.op('Reshape', [backW, this.ints([1, c, s, s])]), this.scalar(s)]);
  }

  /**
   * rfft2 as matrix products with fixed cos/sin matrices (what the Carve export's FourierUnitJIT
   * does instead of FFT nodes): along W onto the onesided half, then a complex product along H.
   * Returns real and imaginary parts stacked last, [1,c,s,half,2].
   */
  private rfft2MatMul(x: string, c: number, s: number): string {
    const half = Math.floor(s / 2) + 1;
    this.dftMacs += 2 * c * s * s * half + 4 * c * s * s * half;
    const m = this.dftMatrices(s);
    const xr = this.op('MatMul', [x, m.cosHalf]); // [1,c,s,half]
    const xi = this.op('MatMul', [x, m.negSinHalf]);
    // Along H, F = C - iS: Y = F X.
    const yr = this.op('Add', [this.op('MatMul', [m.cos, xr]), this.op('MatMul', [m.sin, xi])]);
    const yi = this.op('Sub', [this.op('MatMul', [m.cos, xi]), this.op('MatMul', [m.sin, xr])]);
    const last = this.ints([-1]);
    return this.op('Concat', [this.op('Unsqueeze', [yr, last]), this.op('Unsqueeze', [yi, last])], {
      axis: 4,
    });
  }

  /**
   * irfft2 of [1,c,s,half,2] as matrix products: a complex product along H (G = C + iS), then the
   * onesided spectrum along W is extended by conjugate symmetry (slice, flip, concat) and only the
   * real part of the inverse along W is formed.
   */
  private irfft2MatMul(complex: string, c: number, s: number, half: number): string {
    this.dftMacs += 4 * c * s * s * half + 2 * c * s * s * s;
    const m = this.dftMatrices(s);
    const [re5, im5] = this.g ? this.g.node('Split', [complex, this.ints([1, 1])], { axis: 4 }, 2) : ['', ''];
    const shape = this.ints([1, c, s, half]);
    const yr = this.op('Reshape', [re5, shape]);
    const yi = this.op('Reshape', [im5, shape]);
    const zr = this.op('Sub', [this.op('MatMul', [m.cos, yr]), this.op('MatMul', [m.sin, yi])]);
    const zi = this.op('Add', [this.op('MatMul', [m.cos, yi]), this.op('MatMul', [m.sin, yr])]);
    // Bins half..s-1 are the conjugates of bins half-2..1 (reversed).
    const mirror = (t: string) =>
      this.op('Slice', [t, this.ints([half - 2]), this.ints([0]), this.ints([3]), this.ints([-1])]);
    const er = this.op('Concat', [zr, mirror(zr)], { axis: 3 }); // [1,c,s,s]
    const ei = this.op('Concat', [zi, this.op('Neg', [mirror(zi)])], { axis: 3 });
    return this.op('Sub', [this.op('MatMul', [er, m.cos]), this.op('MatMul', [ei, m.sin])]);
  }

  /** cos/sin DFT matrices for length s, scaled 1/sqrt(s) ('ortho'); shared by every FourierUnit. */
  private dftMatrices(s: number): { cos: string; sin: string; cosHalf: string; negSinHalf: string } {
    const cached = this.matrices.get(s);
    if (cached) return cached;
    const half = Math.floor(s / 2) + 1;
    const scale = 1 / Math.sqrt(s);
    const cos = new Float32Array(s * s);
    const sin = new Float32Array(s * s);
    const cosHalf = new Float32Array(s * half);
    const negSinHalf = new Float32Array(s * half);
    for (let n = 0; n < s; n++) {
      for (let k = 0; k < s; k++) {
        const angle = (2 * Math.PI * ((n * k) % s)) / s;
        cos[n * s + k] = Math.cos(angle) * scale;
        sin[n * s + k] = Math.sin(angle) * scale;
        if (k < half) {
          cosHalf[n * half + k] = Math.cos(angle) * scale;
          negSinHalf[n * half + k] = -Math.sin(angle) * scale;
        }
      }
    }
    const g = this.g;
    const put = (name: string, dims: number[], data: Float32Array) =>
      g ? g.floats(`${name}${s}`, dims, data) : '';
    const m = {
      cos: put('dft_cos', [s, s], cos),
      sin: put('dft_sin', [s, s], sin),
      cosHalf: put('dft_cos_half', [s, half], cosHalf),
      negSinHalf: put('dft_negsin_half', [s, half], negSinHalf),
    };
    this.matrices.set(s, m);
    return m;
  }

  /** SpectralTransform (stride 1, no LFU): conv1x1(h + FU(h)), h = ReLU(conv1x1 cin->cin/2). */
  spectral(x: string, cin: number, cout: number, s: number, gain: number): string {
    const mid = cout / 2;
    const h = this.op('Relu', [this.conv(x, cin, mid, 1, s)]);
    const fu = this.fourierUnit(h, mid, s);
    return this.conv(this.op('Add', [h, fu]), mid, cout, 1, s, { fanIn: 2 * mid, gain, bias: false });
  }

  /** One FFC layer + (folded) BN + ReLU on the (local, global) pair at s x s. */
  ffc(local: string, global: string, cl: number, cg: number, s: number, gain: number): [string, string] {
    const fanIn = (cl + cg) * 9;
    const l2l = this.conv(local, cl, cl, 3, s, { fanIn, gain });
    const g2l = this.conv(global, cg, cl, 3, s, { fanIn, gain, bias: false });
    const l2g = this.conv(local, cl, cg, 3, s, { fanIn, gain });
    const g2g = this.spectral(global, cg, cg, s, gain);
    return [this.op('Relu', [this.op('Add', [l2l, g2l])]), this.op('Relu', [this.op('Add', [l2g, g2g])])];
  }
}

/** Emits the whole generator; returns the output name. */
function addNetwork(net: Net, r: Resolved, image: string, mask: string): string {
  const { ngf, size, blocks } = r;
  const one = net.scalar(1);
  const hole = net.op('Clip', [mask, net.scalar(0), one]);
  const known = net.op('Sub', [one, hole]);
  const input = net.op('Concat', [net.op('Mul', [image, known]), hole], { axis: 1 });

  let x = net.op('Relu', [net.conv(net.reflectPad(input, 3), 4, ngf, 7, size + 6, { pad: 0 })]);
  x = net.op('Relu', [net.conv(x, ngf, 2 * ngf, 3, size, { stride: 2 })]);
  x = net.op('Relu', [net.conv(x, 2 * ngf, 4 * ngf, 3, size / 2, { stride: 2 })]);
  // The last downsampling FFC has ratio_gin 0, ratio_gout 0.75: two convs from the same input.
  const c = 8 * ngf;
  const cl = c / 4;
  const cg = c - cl;
  const s = size / 8;
  let local = net.op('Relu', [net.conv(x, 4 * ngf, cl, 3, size / 4, { stride: 2 })]);
  let global = net.op('Relu', [net.conv(x, 4 * ngf, cg, 3, size / 4, { stride: 2 })]);

  // Without BatchNorm's renormalisation each residual add would grow the activations; a small gain
  // on each block's second layer keeps 18 blocks finite (the cost does not depend on the values).
  const residualGain = 1 / Math.sqrt(Math.max(1, blocks));
  for (let b = 0; b < blocks; b++) {
    const [l1, g1] = net.ffc(local, global, cl, cg, s, 1);
    const [l2, g2] = net.ffc(l1, g1, cl, cg, s, residualGain);
    local = net.op('Add', [local, l2]);
    global = net.op('Add', [global, g2]);
  }

  x = net.op('Concat', [local, global], { axis: 1 });
  x = net.up(x, c, 4 * ngf, s);
  x = net.up(x, 4 * ngf, 2 * ngf, 2 * s);
  x = net.up(x, 2 * ngf, ngf, 4 * s);
  const prediction = net.op('Sigmoid', [net.conv(net.reflectPad(x, 3), ngf, 3, 7, size + 6, { pad: 0 })]);
  const composite = net.op('Add', [net.op('Mul', [image, known]), net.op('Mul', [prediction, hole])]);
  return net.op('Mul', [composite, net.scalar(255)]);
}

/**
 * Parameters and conv multiply-accumulates of the stand-in for `options` (no weights are drawn).
 * @throws StudioError PARAM_INVALID for options out of range.
 */
export function lamaCostFootprint(options: LamaCostOptions = {}): LamaCostFootprint {
  const r = resolveOptions(options);
  const net = new Net(null, r.seed, r.fft);
  addNetwork(net, r, '', '');
  return { parameters: net.parameters, macs: net.macs, dftMacs: net.dftMacs };
}

/**
 * Builds the stand-in: inputs `image` float32 [1,3,S,S] (RGB 0..1) and `mask` float32 [1,1,S,S]
 * (1 = hole), output `output` float32 [1,3,S,S] in 0..255 with known pixels = image * 255 (the
 * lama-fixed-rgb convention). Deterministic for given options. The default (18 blocks, 512) is
 * about 51 M parameters, ~205 MB of bytes: write it to a cache (ensureLamaCostModel), never the repo.
 * @throws StudioError PARAM_INVALID for options out of range.
 */
export function buildLamaCostModel(options: LamaCostOptions = {}): Uint8Array {
  const r = resolveOptions(options);
  const g = new GraphBuilder('lama_cost_standin');
  const image = g.input('image', 'float32', [1, 3, r.size, r.size]);
  const mask = g.input('mask', 'float32', [1, 1, r.size, r.size]);
  const net = new Net(g, r.seed, r.fft);
  g.output(addNetwork(net, r, image, mask), 'output', 'float32', [1, 3, r.size, r.size]);
  return g.build({
    metadata: {
      'inpaint_studio.generated': 'true',
      'inpaint_studio.convention': 'lama-fixed-rgb',
      'inpaint_studio.color_order': 'RGB',
      'inpaint_studio.purpose': LAMA_COST_PURPOSE,
      'inpaint_studio.architecture': `big-lama FFCResNetGenerator, ${r.blocks} blocks, ngf ${r.ngf}, ${r.size}x${r.size}, ${r.fft} FFT, random weights (seed ${r.seed})`,
      'inpaint_studio.parameters': String(net.parameters),
      'inpaint_studio.conv_macs': String(net.macs),
    },
    producerName: GENERATED_PRODUCER,
    producerVersion: LAMA_COST_VERSION,
    docString:
      'Timing stand-in for big-LaMa (random weights): the cost of LaMa, not its output. Never an inpainter.',
  });
}

/**
 * Builds the stand-in and writes it (atomically, writeCachedModel) to `cacheDir` (default the user's
 * model cache, defaultModelCacheDir()) as `lama-cost-standin-b<blocks>-s<size>-<fft>-<hash16>.onnx`,
 * unless that file holds these bytes already; returns its path.
 * Building the default model takes a few seconds and ~0.5 GB of memory.
 * @throws StudioError PARAM_INVALID for bad options; IO when the folder cannot be written.
 */
export async function ensureLamaCostModel(cacheDir?: string, options: LamaCostOptions = {}): Promise<string> {
  const r = resolveOptions(options);
  return writeCachedModel(
    buildLamaCostModel(options),
    `lama-cost-standin-b${r.blocks}-s${r.size}-${r.fft}`,
    cacheDir,
  );
}
