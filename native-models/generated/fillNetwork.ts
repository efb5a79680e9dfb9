/**
 * The convolutional fill shared by every generated model: a hand-designed normalized-convolution
 * push-pull pyramid followed by a few masked diffusion steps at full resolution.
 *
 * Push (down): the known colour, premultiplied by the known weight, and the weight itself travel
 * together as 4 channels [x*w, w]. Each level halves the size with a 2x2 average (ceil mode, so any
 * size works down to 1x1) and smooths with a depthwise (group=4) 3x3 binomial blur; a level's
 * colour is A/W and W is how much of it was known.
 * Pull (up): from the coarsest level, F = A/W; then at each finer level F_k = A_k + (1 - W_k) * up(F_k+1)
 * with a bilinear Resize: where a level knew its colour it keeps it, where it did not it takes the
 * coarser estimate. At level 0 (W = the binary mask) this is exactly the composite
 * x*w + (1 - w) * fill, so known pixels pass through unchanged. Diffusion steps
 * y <- w*x + (1 - w) * blur(y) with a depthwise (group=3) 3x3 blur then smooth the seams of the
 * bilinear upsampling.
 *
 * With ten levels the receptive field spans 1024+ pixels, so a 100-px hole in a 512 image fills
 * from its surroundings: a hole in a uniform colour fills with that colour, and across a colour edge
 * each side of the hole leans towards its own side. Weights are fixed (binomial kernels); nothing is
 * learned, nothing is constant-output.
 */
import type { GraphBuilder } from '../../app/graph/onnxBuilder';

export interface FillOptions {
  /** Pyramid levels below full resolution (each halves the size). Default 10. */
  levels?: number;
  /** Masked diffusion steps at full resolution after the pull. Default 3. */
  smoothSteps?: number;
}

const BINOMIAL_3 = [1, 2, 1, 2, 4, 2, 1, 2, 1].map((v) => v / 16);

/**
 * Adds the fill to `g`.
 * @param x colour, float32 [N,3,H,W] (any range; the fill is a weighted mean of known values)
 * @param w known weight, float32 [N,1,H,W]: 1 = known, 0 = hole (fractions blend)
 * @returns float32 [N,3,H,W]: known pixels as `x`, hole pixels filled
 */
export function addFill(g: GraphBuilder, x: string, w: string, options: FillOptions = {}): string {
  const levels = options.levels ?? 10;
  const smoothSteps = options.smoothSteps ?? 3;
  const blur4 = g.floats(g.name + '_blur4', [4, 1, 3, 3], repeat(BINOMIAL_3, 4));
  const blur3 = g.floats(g.name + '_blur3', [3, 1, 3, 3], repeat(BINOMIAL_3, 3));
  const edgePad = g.int64s(g.name + '_pad1', [8], [0, 0, 1, 1, 0, 0, 1, 1]);
  const eps = g.scalar(1e-6, 'eps');
  const one = g.scalar(1, 'one');
  const splitSizes = g.int64s(g.name + '_split31', [2], [3, 1]);

  const blur = (t: string, kernel: string, group: number): string =>
    g.op('Conv', [g.op('Pad', [t, edgePad], { mode: 'edge' }), kernel], { group, kernel_shape: [3, 3] });

  // Push: P_0 = [x*w, w]; P_k+1 = blur(avgpool2x2(P_k)).
  const known = g.op('Mul', [x, w]);
  const pyramid: string[] = [g.op('Concat', [known, w], { axis: 1 })];
  for (let k = 0; k < levels; k++) {
    const pooled = g.op('AveragePool', [pyramid[k]], {
      kernel_shape: [2, 2],
      strides: [2, 2],
      ceil_mode: 1,
      count_include_pad: 0,
    });
    pyramid.push(blur(pooled, blur4, 4));
  }
  const split = (p: string): [string, string] => {
    const [a, wk] = g.node('Split', [p, splitSizes], { axis: 1 }, 2);
    return [a, wk];
  };

  // Pull: the coarsest level is normalised; each finer one blends in the coarser estimate.
  const [aTop, wTop] = split(pyramid[levels]);
  let fill = g.op('Div', [aTop, g.op('Max', [wTop, eps])]);
  for (let k = levels - 1; k >= 0; k--) {
    const [a, wk] = k === 0 ? [known, w] : split(pyramid[k]);
    const sizes = g.op('Concat', [g.op('Shape', [fill], { end: 2 }), g.op('Shape', [wk], { start: 2 })], {
      axis: 0,
    });
    const up = g.op('Resize', [fill, '', '', sizes], {
      mode: 'linear',
      coordinate_transformation_mode: 'half_pixel',
    });
    fill = g.op('Add', [a, g.op('Mul', [g.op('Sub', [one, wk]), up])]);
  }

  // Smooth inside the hole only; known pixels stay x*w + (1-w)*... = x where w = 1.
  const holeWeight = g.op('Sub', [one, w]);
  for (let i = 0; i < smoothSteps; i++) {
    fill = g.op('Add', [known, g.op('Mul', [holeWeight, blur(fill, blur3, 3)])]);
  }
  return fill;
}

function repeat(values: readonly number[], times: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < times; i++) out.push(...values);
  return out;
}
