/**
 * sRGB-encoded 0..1 ↔ CIE 1976 L*a*b* (D65 white of sRGB, L 0..100), per pixel, writing into a caller's
 * array at an offset (no allocation) so hot loops can call them. Used by the colour stage's working space
 * and by the automatic correction's no-reference score.
 */

/** D65 reference white of sRGB, Y normalised to 1. */
export const XN = 0.95047;
export const YN = 1.0;
export const ZN = 1.08883;
export const EPS = 216 / 24389;
export const KAPPA = 24389 / 27;

/** sRGB-encoded 0..1 to linear light 0..1 (values outside 0..1 are extended symmetrically). */
export function srgbToLinear(c: number): number {
  const a = c < 0 ? -c : c;
  const v = a <= 0.04045 ? a / 12.92 : Math.pow((a + 0.055) / 1.055, 2.4);
  return c < 0 ? -v : v;
}

/** Linear light 0..1 to sRGB-encoded 0..1 (values outside 0..1 are extended symmetrically). */
export function linearToSrgb(c: number): number {
  const a = c < 0 ? -c : c;
  const v = a <= 0.0031308 ? a * 12.92 : 1.055 * Math.pow(a, 1 / 2.4) - 0.055;
  return c < 0 ? -v : v;
}

/** The CIELab companding function f(t) (cube root above EPS, linear below). */
export function labF(t: number): number {
  return t > EPS ? Math.cbrt(t) : (KAPPA * t + 16) / 116;
}

/** The inverse of labF. */
export function labFInv(f: number): number {
  const f3 = f * f * f;
  return f3 > EPS ? f3 : (116 * f - 16) / KAPPA;
}

/** sRGB-encoded 0..1 to CIELab (D65); writes L, a, b at out[o..o+2]. */
export function srgbToLab(
  r: number,
  g: number,
  b: number,
  out: Float32Array | Float64Array,
  o: number,
): void {
  const lr = srgbToLinear(r);
  const lg = srgbToLinear(g);
  const lb = srgbToLinear(b);
  const x = (0.4124564 * lr + 0.3575761 * lg + 0.1804375 * lb) / XN;
  const y = (0.2126729 * lr + 0.7151522 * lg + 0.072175 * lb) / YN;
  const z = (0.0193339 * lr + 0.119192 * lg + 0.9503041 * lb) / ZN;
  const fx = labF(x);
  const fy = labF(y);
  const fz = labF(z);
  out[o] = 116 * fy - 16;
  out[o + 1] = 500 * (fx - fy);
  out[o + 2] = 200 * (fy - fz);
}

/** CIELab (D65) to sRGB-encoded values (not clamped: out-of-gamut colours leave 0..1); writes at out[o..o+2]. */
export function labToSrgb(
  L: number,
  a: number,
  b: number,
  out: Float32Array | Float64Array,
  o: number,
): void {
  const fy = (L + 16) / 116;
  const fx = fy + a / 500;
  const fz = fy - b / 200;
  const x = labFInv(fx) * XN;
  const y = (L > KAPPA * EPS ? fy * fy * fy : L / KAPPA) * YN;
  const z = labFInv(fz) * ZN;
  out[o] = linearToSrgb(3.2404542 * x - 1.5371385 * y - 0.4985314 * z);
  out[o + 1] = linearToSrgb(-0.969266 * x + 1.8760108 * y + 0.041556 * z);
  out[o + 2] = linearToSrgb(0.0556434 * x - 0.2040259 * y + 1.0572252 * z);
}
