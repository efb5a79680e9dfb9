/**
 * The engine's one Gaussian blur on float planes, plain or restricted to a region (normalised
 * convolution, Knutsson and Westin 1993): each output is the Gaussian-weighted mean of the region's values
 * around it, Σ G(p − q) w(q) x(q) / Σ G(p − q) w(q), so values outside the region never leak in and the
 * region's edge is not darkened. The image's frame is handled the same way (taps falling outside the
 * frame are left out and the rest reweighted), so a plain blur is a region of every pixel.
 *
 * Where no region pixel is within reach (the normalising weight Σ G w is below `minWeight`), the
 * `outside` option decides, explicitly: 'nan' (the default: the caller sees that nothing was measured
 * there) or 'plain' (the plain blur of the plane there, e.g. a low-pass of known pixels that must still
 * be defined deep inside a hole).
 *
 * Used for the low frequencies of a hole and of its ring taken separately (holeRing.ts, the automatic
 * correction's score), the detail transfer's bands and the hole classifier (stationarity.ts's
 * gaussianBlur and maskedLowPass are thin wrappers of this).
 */
import { StudioError } from '../common/errors';

export interface MaskedBlurOptions {
  /**
   * What a pixel with no region pixel within reach gets: 'nan' (default) or 'plain', the plain
   * (unrestricted) Gaussian blur of the plane at that pixel.
   */
  outside?: 'nan' | 'plain';
  /**
   * The normalising weight Σ G w below which a pixel counts as out of reach (with weights in 0..1 it is
   * the share of the Gaussian's mass lying on the region). Default 1e-6; ≥ 0.
   */
  minWeight?: number;
}

/** The Gaussian's taps for σ (radius ceil(3σ)), summing to 1. */
export function gaussianTaps(sigma: number): Float64Array {
  const r = Math.max(1, Math.ceil(3 * sigma));
  const k = new Float64Array(2 * r + 1);
  let s = 0;
  for (let i = -r; i <= r; i++) s += k[i + r] = Math.exp(-(i * i) / (2 * sigma * sigma));
  for (let i = 0; i < k.length; i++) k[i] /= s;
  return k;
}

/** Separable convolution of src (W x H) with k along x then y, zero outside the frame; into out. */
function convolve(src: ArrayLike<number>, W: number, H: number, k: Float64Array, out: Float32Array): void {
  const r = (k.length - 1) >> 1;
  const tmp = new Float64Array(W * H);
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

/** The taps' mass inside a frame of `size` at each position (the frame's normalisation along one axis). */
function frameMass(size: number, k: Float64Array): Float64Array {
  const r = (k.length - 1) >> 1;
  const m = new Float64Array(size);
  for (let x = 0; x < size; x++) {
    let s = 0;
    for (let d = Math.max(-r, -x); d <= Math.min(r, size - 1 - x); d++) s += k[d + r];
    m[x] = s;
  }
  return m;
}

/**
 * The Gaussian blur of each plane in `planes` (each W x H), restricted to the region `weights` (0
 * outside it, any non-negative weight inside; null: every pixel, weight 1), renormalised at the frame.
 * Pixels out of the region's reach get what `options.outside` says (default NaN). σ in pixels, > 0.
 * @throws StudioError INTERNAL when a plane or the weights are not W x H, σ is not positive or
 *   minWeight is negative.
 */
export function maskedBlur(
  planes: readonly ArrayLike<number>[],
  W: number,
  H: number,
  weights: ArrayLike<number> | null,
  sigma: number,
  options: MaskedBlurOptions = {},
): Float32Array[] {
  const n = W * H;
  const minWeight = options.minWeight ?? 1e-6;
  if (
    !(sigma > 0) ||
    !(minWeight >= 0) ||
    planes.some((p) => p.length !== n) ||
    (weights && weights.length !== n)
  ) {
    throw new StudioError(
      'INTERNAL',
      `maskedBlur expects ${W}x${H} planes and weights, σ > 0 and minWeight ≥ 0 (received σ = ${sigma}, minWeight = ${minWeight})`,
    );
  }
  const k = gaussianTaps(sigma);
  const norm = new Float32Array(n);
  if (weights) convolve(weights, W, H, k, norm);
  else {
    // A region of every pixel: the normalisation is the frame's, separable.
    const mx = frameMass(W, k);
    const my = frameMass(H, k);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) norm[y * W + x] = mx[x] * my[y];
  }
  const weighted = weights ? new Float32Array(n) : null;
  return planes.map((p) => {
    const out = new Float32Array(n);
    if (weighted) {
      for (let i = 0; i < n; i++) weighted[i] = p[i] * weights![i];
      convolve(weighted, W, H, k, out);
    } else convolve(p, W, H, k, out);
    let plain: Float32Array[] | null = null;
    for (let i = 0; i < n; i++) {
      if (norm[i] > minWeight && norm[i] > 0) out[i] /= norm[i];
      else if (options.outside === 'plain') {
        plain ??= maskedBlur([p], W, H, null, sigma);
        out[i] = plain[0][i];
      } else out[i] = NaN;
    }
    return out;
  });
}
