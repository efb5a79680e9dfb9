/**
 * The texture stage's detail band. The optimisation changes only the high-frequency band of the
 * starting fill: the hole becomes a + HP(Δ), where a is the start, Δ the variables (zero outside the
 * hole) and HP = I − G_σ a Gaussian high-pass. The start's low frequencies (its shapes, shading and
 * colour layout, which LaMa gets right) stay where they are; the texture the base fill lacks is added
 * on top. Within a hole the low-pass is normalised by the hole's own blurred indicator (a normalised
 * convolution, `maskedHighPass`), so Δ's edge at the hole's border does not print a rim.
 */

/** Normalised Gaussian taps for σ (radius ⌈3σ⌉). */
function taps(sigma: number): Float64Array {
  const r = Math.max(1, Math.ceil(3 * sigma));
  const k = new Float64Array(2 * r + 1);
  let s = 0;
  for (let i = -r; i <= r; i++) s += k[i + r] = Math.exp(-(i * i) / (2 * sigma * sigma));
  for (let i = 0; i < k.length; i++) k[i] /= s;
  return k;
}

/**
 * Separable Gaussian blur of `planes` planes of width×height (zero padding), into a new array.
 * σ ≤ 0 returns zeros (nothing is low-passed: HP = I).
 */
export function gaussianBlur(
  src: ArrayLike<number>,
  width: number,
  height: number,
  planes: number,
  sigma: number,
): Float32Array {
  const out = new Float32Array(width * height * planes);
  if (!(sigma > 0)) return out;
  const k = taps(sigma);
  const r = (k.length - 1) >> 1;
  const row = new Float64Array(width * height);
  const n = width * height;
  for (let p = 0; p < planes; p++) {
    const o = p * n;
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) {
        let s = 0;
        const a = Math.max(0, x - r),
          b = Math.min(width - 1, x + r);
        for (let t = a; t <= b; t++) s += k[t - x + r] * src[o + y * width + t];
        row[y * width + x] = s;
      }
    for (let y = 0; y < height; y++) {
      const a = Math.max(0, y - r),
        b = Math.min(height - 1, y + r);
      for (let x = 0; x < width; x++) {
        let s = 0;
        for (let t = a; t <= b; t++) s += k[t - y + r] * row[t * width + x];
        out[o + y * width + x] = s;
      }
    }
  }
  return out;
}

/** Rec. 601 luma plane of a planar RGB image. */
export function luma(data: ArrayLike<number>, n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = 0.299 * data[i] + 0.587 * data[n + i] + 0.114 * data[2 * n + i];
  return out;
}

/**
 * HP(v) = v − G(v)/D on the hole, with D = G(hole): the high-pass of values that exist only inside the
 * hole. Not symmetric, so the adjoint is given too: HPᵀ(g) = g − G(g/D) (g zero outside the hole).
 */
export function maskedHighPass(
  hole: Float32Array,
  width: number,
  height: number,
  planes: number,
  sigma: number,
) {
  const n = width * height;
  const norm = gaussianBlur(hole, width, height, 1, sigma);
  const inv = new Float32Array(n);
  for (let i = 0; i < n; i++) inv[i] = hole[i] && norm[i] > 1e-6 ? 1 / norm[i] : 0;
  return {
    /** In place. */
    apply(v: Float32Array): Float32Array {
      const low = gaussianBlur(v, width, height, planes, sigma);
      for (let p = 0; p < planes; p++)
        for (let i = 0; i < n; i++) if (hole[i]) v[p * n + i] -= low[p * n + i] * inv[i];
      return v;
    },
    /** In place; `g` must be zero outside the hole. */
    adjoint(g: Float32Array): Float32Array {
      const scaled = new Float32Array(g.length);
      for (let p = 0; p < planes; p++) for (let i = 0; i < n; i++) scaled[p * n + i] = g[p * n + i] * inv[i];
      const low = gaussianBlur(scaled, width, height, planes, sigma);
      for (let p = 0; p < planes; p++)
        for (let i = 0; i < n; i++) if (hole[i]) g[p * n + i] -= low[p * n + i];
      return g;
    },
  };
}
