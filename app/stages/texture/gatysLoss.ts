/**
 * The texture stage's loss as ONNX graphs (app/graph), one model for the crop being synthesised and one
 * for the exemplar. Both depend only on sizes and the network, never on pixel values, masks or weights,
 * which are all inputs: one model serves every evaluation of a run.
 *
 * Synthesis model, inputs: x [1,3,H,W] (the variable; only hole pixels matter), original [1,3,H,W],
 * hole [1,1,H,W] (1 = hole), anchor [1,3,H,W] (the starting fill, for the structure term), borderX
 * [1,1,H,W-1] and borderY [1,1,H-1,W] (weights of the horizontal/vertical pixel differences in the border
 * term), lambdaBorder, lambdaStructure (scalars), and per block l: gram{l} [C,C] (the exemplar's) and
 * layerWeight{l} (scalar). Outputs: loss, grad (dloss/dx, zero outside the hole), and the three terms.
 *
 *   xc       = original·(1 − hole) + x·hole          pixels outside the hole are fixed
 *   texture  = Σ_l w_l ‖G_l(xc) − gram_l‖²            G_l: Gram over the hole's positions at block l
 *                                                     (weighted by the share of each cell in the hole)
 *   border   = λ_b Σ (borderX·∂x(xc)² + borderY·∂y(xc)²)   the report's Σ_{∂Ω} (∇x² + ∇y²)
 *   struct   = λ_s Σ_p h_p (low(xc) − low(anchor))² / Σ h_p   keeps the start's low frequencies
 *              (low: Gaussian blur, σ = 4 px, sampled every 4 px; h = low(hole))
 *
 * Exemplar model, inputs: image [1,3,He,We], valid [1,1,He,We] (1 = may be used); outputs gram{l}: the
 * Gram over the positions whose receptive field lies wholly in valid pixels.
 */
import { grad } from '../../graph/autodiff';
import { Graph, type Tensor } from '../../graph/builder';
import { toModel } from '../../graph/model';
import { conv } from '../../graph/nn';
import { add, div, gemm, mul, reduceSum, reshape, slice, sqrt, square, sub } from '../../graph/ops';
import { coverage, features, influence, type FeatureNetwork } from './randomNetwork';

export interface SynthesisGraph {
  graph: Graph;
  inputs: {
    x: Tensor;
    original: Tensor;
    hole: Tensor;
    anchor: Tensor;
    borderX: Tensor;
    borderY: Tensor;
    lambdaBorder: Tensor;
    lambdaStructure: Tensor;
    grams: Tensor[];
    layerWeights: Tensor[];
  };
  loss: Tensor;
  terms: { texture: Tensor; border: Tensor; structure: Tensor };
  /** The texture term of each layer (weighted). */
  layers: Tensor[];
}

/** Gram of features f [1,C,h,w] weighted by `weight` [1,1,h,w] (0..1) per position, divided by the weights' sum. */
export function maskedGram(f: Tensor, weight: Tensor): Tensor {
  const [, c, h, w] = f.shape;
  const m = reshape(weight, [1, h * w]);
  // (F·√m)(F·√m)ᵀ: one operand twice, so the backward pass needs a single product (see the Gemm rule).
  const fm = mul(reshape(f, [c, h * w]), sqrt(m));
  return div(gemm(fm, fm, null, { transB: true }), add(reduceSum(m), 1e-6));
}

/** Standard deviation (px) of the Gaussian low-pass of the structure term; it is sampled every σ px. */
export const STRUCTURE_SIGMA = 4;

/**
 * A Gaussian blur (σ = STRUCTURE_SIGMA) sampled every σ pixels, as two separable depthwise
 * convolutions. Its gradient is a blur as well, so the term pulls on smooth shapes; box averages over
 * cells have piecewise-constant gradients that print their grid into the fill.
 */
function lowPass(t: Tensor): Tensor {
  const s = STRUCTURE_SIGMA;
  const r = 2 * s;
  const taps = Array.from({ length: 2 * r + 1 }, (_, i) => Math.exp(-((i - r) ** 2) / (2 * s * s)));
  const sum = taps.reduce((a, b) => a + b, 0);
  const c = t.shape[1];
  const kernel = (h: number, w: number) =>
    t.graph.constant(Array.from({ length: c }, () => taps.map((v) => v / sum)).flat(), [c, 1, h, w], 'gauss');
  const rows = conv(t, kernel(1, 2 * r + 1), null, { group: c, strides: [1, s], pads: [0, r, 0, r] });
  return conv(rows, kernel(2 * r + 1, 1), null, { group: c, strides: [s, 1], pads: [r, 0, r, 0] });
}

export function synthesisGraph(net: FeatureNetwork, width: number, height: number): SynthesisGraph {
  const g = new Graph('texture_synthesis');
  const x = g.input('x', [1, 3, height, width]);
  const original = g.input('original', [1, 3, height, width]);
  const hole = g.input('hole', [1, 1, height, width]);
  const anchor = g.input('anchor', [1, 3, height, width]);
  const borderX = g.input('borderX', [1, 1, height, width - 1]);
  const borderY = g.input('borderY', [1, 1, height - 1, width]);
  const lambdaBorder = g.input('lambdaBorder', []);
  const lambdaStructure = g.input('lambdaStructure', []);
  const grams = net.channels.map((c, l) => g.input(`gram${l}`, [c, c]));
  const layerWeights = net.channels.map((_, l) => g.input(`layerWeight${l}`, []));

  const xc = add(mul(original, sub(1, hole)), mul(x, hole));

  const feats = features(net, xc);
  const where = coverage(net, hole);
  const perLayer = feats.map((f, l) =>
    mul(layerWeights[l], reduceSum(square(sub(maskedGram(f, where[l]), grams[l])))),
  );
  const texture = perLayer.reduce((a, b) => add(a, b));

  const dx = sub(slice(xc, [1], [width], [3]), slice(xc, [0], [width - 1], [3]));
  const dy = sub(slice(xc, [1], [height], [2]), slice(xc, [0], [height - 1], [2]));
  const border = mul(
    lambdaBorder,
    add(reduceSum(mul(borderX, square(dx))), reduceSum(mul(borderY, square(dy)))),
  );

  const share = lowPass(hole);
  const drift = square(sub(lowPass(xc), lowPass(anchor)));
  const structure = mul(lambdaStructure, div(reduceSum(mul(drift, share)), add(reduceSum(share), 1e-6)));

  const loss = add(add(texture, border), structure);
  return {
    graph: g,
    inputs: {
      x,
      original,
      hole,
      anchor,
      borderX,
      borderY,
      lambdaBorder,
      lambdaStructure,
      grams,
      layerWeights,
    },
    loss,
    terms: { texture, border, structure },
    layers: perLayer,
  };
}

/** The synthesis model's bytes: outputs loss, grad, texture, border, structure, layer0..layer{L-1}. */
export function synthesisModel(net: FeatureNetwork, width: number, height: number): Uint8Array {
  const s = synthesisGraph(net, width, height);
  const [dx] = grad(s.loss, [s.inputs.x]);
  return toModel(
    { loss: s.loss, grad: dx, ...s.terms, ...Object.fromEntries(s.layers.map((t, l) => [`layer${l}`, t])) },
    { metadata: { network: net.spec.name, seed: String(net.spec.seed) } },
  );
}

/** The exemplar model's bytes: inputs image, valid; outputs gram0..gram{L-1}. */
export function exemplarModel(net: FeatureNetwork, width: number, height: number): Uint8Array {
  const g = new Graph('texture_exemplar');
  const image = g.input('image', [1, 3, height, width]);
  const valid = g.input('valid', [1, 1, height, width]);
  const tainted = influence(net, sub(1, valid));
  const outputs: Record<string, Tensor> = {};
  features(net, image).forEach((f, l) => (outputs[`gram${l}`] = maskedGram(f, sub(1, tainted[l]))));
  return toModel(outputs, { metadata: { network: net.spec.name, seed: String(net.spec.seed) } });
}
