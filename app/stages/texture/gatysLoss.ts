/**
 * The texture stage's loss as ONNX graphs (app/graph), one model for the crop being synthesised and one
 * for the exemplar. Both depend only on sizes and the network, never on pixel values, masks or weights,
 * which are all inputs: one model serves every evaluation of a run, and every run on a crop of that size.
 *
 * Synthesis model, inputs: x [1,3,H,W] (the variable; only hole pixels matter), original [1,3,H,W],
 * hole [1,1,H,W] (1 = hole), borderX [1,1,H,W-1] and borderY [1,1,H-1,W] (weights of the horizontal /
 * vertical pixel differences in the border term), lambdaBorder (scalar), per layer l: gram{l} [C,C]
 * (the exemplar's) and layerWeight{l} (scalar); with the spectrum term also spectrumTarget [1,H,W],
 * lambdaSpectrum and spectrumScale (scalars). Outputs: loss, grad (dloss/dx, zero outside the hole),
 * each term, and layer{l}.
 *
 *   xc       = original·(1 − hole) + x·hole          pixels outside the hole are fixed
 *   texture  = Σ_l w_l ‖G_l(xc) − gram_l‖²            G_l: Gram over the hole's positions at layer l
 *                                                     (weighted by the share of each cell in the hole)
 *   border   = λ_b Σ (borderX·∂x(xc)² + borderY·∂y(xc)²)   the report's Σ_{∂Ω} (∇x² + ∇y²)
 *   spectrum = λ_s ‖|F(xc)| − T‖² / ‖T‖²               spectrum.ts (Liu, Gousseau and Xia 2016)
 *
 * The start's structure is kept by the parametrisation rather than by a term: the optimiser moves only
 * the high-frequency band of the start (band.ts).
 *
 * Exemplar model, inputs: image [1,3,He,We], valid [1,1,He,We] (1 = may be used); outputs gram{l}: the
 * Gram over the positions whose receptive field lies wholly in valid pixels.
 */
import { grad } from '../../graph/autodiff';
import { Graph, type Tensor } from '../../graph/builder';
import { toModel } from '../../graph/model';
import { add, div, gemm, mul, reduceSum, reshape, slice, sqrt, square, sub } from '../../graph/ops';
import type { FeatureNetwork } from './featureNetwork';
import { spectrumTerm } from './spectrum';

export interface SynthesisGraph {
  graph: Graph;
  inputs: {
    x: Tensor;
    original: Tensor;
    hole: Tensor;
    borderX: Tensor;
    borderY: Tensor;
    lambdaBorder: Tensor;
    grams: Tensor[];
    layerWeights: Tensor[];
    spectrum: { target: Tensor; lambda: Tensor; scale: Tensor } | null;
  };
  loss: Tensor;
  terms: Record<'texture' | 'border', Tensor> & { spectrum?: Tensor };
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

export interface SynthesisGraphOptions {
  /** Include the spectrum term (its DFTs cost about as much as a small network layer). */
  spectrum?: boolean;
}

export function synthesisGraph(
  net: FeatureNetwork,
  width: number,
  height: number,
  o: SynthesisGraphOptions = {},
): SynthesisGraph {
  const g = new Graph('texture_synthesis');
  const x = g.input('x', [1, 3, height, width]);
  const original = g.input('original', [1, 3, height, width]);
  const hole = g.input('hole', [1, 1, height, width]);
  const borderX = g.input('borderX', [1, 1, height, width - 1]);
  const borderY = g.input('borderY', [1, 1, height - 1, width]);
  const lambdaBorder = g.input('lambdaBorder', []);
  const grams = net.channels.map((c, l) => g.input(`gram${l}`, [c, c]));
  const layerWeights = net.channels.map((_, l) => g.input(`layerWeight${l}`, []));

  const xc = add(mul(original, sub(1, hole)), mul(x, hole));

  const feats = net.features(xc);
  const where = net.coverage(hole);
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

  const spectrum = o.spectrum
    ? {
        target: g.input('spectrumTarget', [1, height, width]),
        lambda: g.input('lambdaSpectrum', []),
        scale: g.input('spectrumScale', []),
      }
    : null;
  const spectral = spectrum ? spectrumTerm(xc, spectrum.target, spectrum.lambda, spectrum.scale) : null;

  const loss = spectral ? add(add(texture, border), spectral) : add(texture, border);
  return {
    graph: g,
    inputs: {
      x,
      original,
      hole,
      borderX,
      borderY,
      lambdaBorder,
      grams,
      layerWeights,
      spectrum,
    },
    loss,
    terms: spectral ? { texture, border, spectrum: spectral } : { texture, border },
    layers: perLayer,
  };
}

/** The synthesis model's bytes: outputs loss, grad, texture, border, [spectrum,] layer0..layer{L-1}. */
export function synthesisModel(
  net: FeatureNetwork,
  width: number,
  height: number,
  o: SynthesisGraphOptions = {},
): Uint8Array {
  const s = synthesisGraph(net, width, height, o);
  const [dx] = grad(s.loss, [s.inputs.x]);
  return toModel(
    { loss: s.loss, grad: dx, ...s.terms, ...Object.fromEntries(s.layers.map((t, l) => [`layer${l}`, t])) },
    { metadata: { network: net.name } },
  );
}

/** The exemplar model's bytes: inputs image, valid; outputs gram0..gram{L-1}. */
export function exemplarModel(net: FeatureNetwork, width: number, height: number): Uint8Array {
  const g = new Graph('texture_exemplar');
  const image = g.input('image', [1, 3, height, width]);
  const valid = g.input('valid', [1, 1, height, width]);
  const tainted = net.influence(sub(1, valid));
  const outputs: Record<string, Tensor> = {};
  net.features(image).forEach((f, l) => (outputs[`gram${l}`] = maskedGram(f, sub(1, tainted[l]))));
  return toModel(outputs, { metadata: { network: net.name } });
}
