/**
 * Gaussian blur restricted to a region (normalised convolution, Knutsson and Westin 1993): each output
 * is the Gaussian-weighted mean of the region's values around it, so values outside the region never
 * leak in and the region's edge is not darkened. Used to take the low frequencies of a hole and of the
 * ring around it separately (the automatic correction's score) and for plain blurs (a region of every
 * pixel).
 */
import { StudioError } from '../common/errors';

/** The Gaussian's taps for σ (radius ceil(3σ)), summing to 1. */
function taps(sigma: number): Float64Array {
  const r = Math.max(1, Math.ceil(3 * sigma));
  const k = new Float64Array(2 * r + 1);
  let s = 0;
  for (let i = -r; i <= r; i++) s += k[i + r] = Math.exp(-(i * i) / (2 * sigma * sigma));
  for (let i = 0; i < k.length; i++) k[i] /= s;
  return k;
}

/** Separable convolution of src (W x H) with k along x then y, zero outside; into out. */
function convolve(src: Float32Array, W: number, H: number, k: Float64Array, out: Float32Array): void {
  const r = (k.length - 1) >> 1;
  const tmp = new Float32Array(W * H);
  for (let y = 0; y < H; y++) {
    const row = y * W;
    for (let x = 0; x < W; x++) {
      let s = 0;
      const lo = Math.max(-r, -x);
      const hi = Math.min(r, W - 1 - x);
      for (let d = lo; d <= hi; d++) s += k[d + r] * src[row + x + d];
      tmp[row + x] = s;
    }
  }
  for (let y = 0; y < H; y++) {
    const lo = Math.max(-r, -y);
    const hi = Math.min(r, H - 1 - y);
    const row = y * W;
    for (let x = 0; x < W; x++) {
      let s = 0;
      for (let d = lo; d <= hi; d++) s += k[d + r] * tmp[row + d * W + x];
      out[row + x] = s;
    }
  }
}

/**
 * The region-restricted Gaussian blur of each plane in `planes` (each W x H): at every pixel within
 * reach of the region, Σ G(p − q) w(q) x(q) / Σ G(p − q) w(q) over the region's pixels q (w: the
 * region's weights, 0 outside; null: every pixel, weight 1); NaN where no region pixel is within 3σ.
 * σ in pixels, > 0.
 * @throws StudioError INTERNAL when a plane or the weights are not W x H, or σ is not positive.
 */
export function maskedBlur(
  planes: readonly Float32Array[],
  W: number,
  H: number,
  weights: ArrayLike<number> | null,
  sigma: number,
): Float32Array[] {
  const n = W * H;
  if (!(sigma > 0) || planes.some((p) => p.length !== n) || (weights && weights.length !== n)) {
    throw new StudioError(
      'INTERNAL',
      `maskedBlur expects ${W}x${H} planes and weights and σ > 0 (received σ = ${sigma})`,
    );
  }
  const k = taps(sigma);
  const w = new Float32Array(n);
  for (let i = 0; i < n; i++) w[i] = weights ? weights[i] : 1;
  const norm = new Float32Array(n);
  convolve(w, W, H, k, norm);
  const weighted = new Float32Array(n);
  return planes.map((p) => {
    for (let i = 0; i < n; i++) weighted[i] = p[i] * w[i];
    const out = new Float32Array(n);
    convolve(weighted, W, H, k, out);
    for (let i = 0; i < n; i++) out[i] = norm[i] > 1e-6 ? out[i] / norm[i] : NaN;
    return out;
  });
}
