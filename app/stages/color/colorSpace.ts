/**
 * Colour spaces of the colour stage and the CIEDE2000 colour difference.
 *
 * The engine's images are sRGB-encoded 0..1 (IEC 61966-2-1). The colour stage works in one of two spaces,
 * chosen so that the report's λ values apply unchanged (see params.ts):
 * - 'rgb': sRGB-encoded values scaled to 0..255 (the units of the report's 8-bit images);
 * - 'lab': CIE 1976 L*a*b* with the D65 white of sRGB (L 0..100, a and b roughly -128..127).
 *
 * Conversions are per pixel and write into a caller's array at an offset (no allocation), so hot loops
 * can call them; CIEDE2000 follows Sharma, Wu and Dalal, "The CIEDE2000 color-difference formula:
 * implementation notes, supplementary test data, and mathematical observations" (2005).
 */
import {
  EPS,
  KAPPA,
  XN,
  YN,
  ZN,
  labF,
  labFInv,
  labToSrgb,
  linearToSrgb,
  srgbToLab,
  srgbToLinear,
} from '../../image/lab';
import type { Mask, RgbImage } from '../../image/types';

export { labToSrgb, linearToSrgb, srgbToLab, srgbToLinear } from '../../image/lab';

export type WorkingSpace = 'rgb' | 'lab';

/** sRGB 0..1 to the working space; writes 3 values at out[o..o+2]. */
export function toWorking(
  space: WorkingSpace,
  r: number,
  g: number,
  b: number,
  out: Float32Array | Float64Array,
  o: number,
): void {
  if (space === 'lab') {
    srgbToLab(r, g, b, out, o);
  } else {
    out[o] = r * 255;
    out[o + 1] = g * 255;
    out[o + 2] = b * 255;
  }
}

/** Working space to sRGB 0..1 (not clamped); writes 3 values at out[o..o+2]. */
export function fromWorking(
  space: WorkingSpace,
  x: number,
  y: number,
  z: number,
  out: Float32Array | Float64Array,
  o: number,
): void {
  if (space === 'lab') {
    labToSrgb(x, y, z, out, o);
  } else {
    out[o] = x / 255;
    out[o + 1] = y / 255;
    out[o + 2] = z / 255;
  }
}

/** Table of f on [0, top] at `size` + 1 points, read with linear interpolation (exact f outside). */
class Table {
  private readonly values: Float64Array;
  private readonly scale: number;
  private readonly size: number;
  private readonly top: number;
  private readonly f: (x: number) => number;
  constructor(f: (x: number) => number, top: number, size: number) {
    this.f = f;
    this.top = top;
    this.size = size;
    this.scale = size / top;
    this.values = new Float64Array(size + 1);
    for (let i = 0; i <= size; i++) this.values[i] = f(i / this.scale);
  }
  at(x: number): number {
    if (!(x >= 0 && x < this.top)) return this.f(x);
    const t = x * this.scale;
    const i = t | 0;
    return this.values[i] + (t - i) * (this.values[i + 1] - this.values[i]);
  }
}

/**
 * Fast sRGB ↔ working-space conversion for whole regions (building, writing back, previews): the
 * transfer curves and the CIELab cube root are read from tables with linear interpolation. Measured
 * against the exact functions (colorSpace.test.ts): under 2e-4 in L*a*b* and 2e-6 in sRGB 0..1 (a tenth of
 * a 16-bit level). It holds no other state.
 */
export class SpaceConverter {
  readonly space: WorkingSpace;
  private readonly toLinear: Table;
  private readonly fromLinear: Table;
  private readonly cubeRoot: Table;

  /** Building the CIELab tables takes about 5 ms: make one per run and pass it around. */
  constructor(space: WorkingSpace) {
    this.space = space;
    // The RGB space needs no table (a scale); tiny tables keep the fields one type.
    const lab = space === 'lab';
    this.toLinear = new Table(srgbToLinear, 1, lab ? 8192 : 1);
    this.fromLinear = new Table(linearToSrgb, 1, lab ? 32768 : 1);
    this.cubeRoot = new Table(labF, 1.1, lab ? 32768 : 1);
  }

  /** sRGB 0..1 to the working space; writes 3 values at out[o..o+2]. */
  toWorking(r: number, g: number, b: number, out: Float32Array | Float64Array, o: number): void {
    if (this.space === 'rgb') {
      out[o] = r * 255;
      out[o + 1] = g * 255;
      out[o + 2] = b * 255;
      return;
    }
    const lr = this.toLinear.at(r);
    const lg = this.toLinear.at(g);
    const lb = this.toLinear.at(b);
    const fx = this.cubeRoot.at((0.4124564 * lr + 0.3575761 * lg + 0.1804375 * lb) / XN);
    const fy = this.cubeRoot.at((0.2126729 * lr + 0.7151522 * lg + 0.072175 * lb) / YN);
    const fz = this.cubeRoot.at((0.0193339 * lr + 0.119192 * lg + 0.9503041 * lb) / ZN);
    out[o] = 116 * fy - 16;
    out[o + 1] = 500 * (fx - fy);
    out[o + 2] = 200 * (fy - fz);
  }

  /** Working space to sRGB 0..1 (not clamped); writes 3 values at out[o..o+2]. */
  toSrgb(x: number, y: number, z: number, out: Float32Array | Float64Array, o: number): void {
    if (this.space === 'rgb') {
      out[o] = x / 255;
      out[o + 1] = y / 255;
      out[o + 2] = z / 255;
      return;
    }
    const fy = (x + 16) / 116;
    const fx = fy + y / 500;
    const fz = fy - z / 200;
    const X = labFInv(fx) * XN;
    const Y = (x > KAPPA * EPS ? fy * fy * fy : x / KAPPA) * YN;
    const Z = labFInv(fz) * ZN;
    out[o] = this.fromLinear.at(3.2404542 * X - 1.5371385 * Y - 0.4985314 * Z);
    out[o + 1] = this.fromLinear.at(-0.969266 * X + 1.8760108 * Y + 0.041556 * Z);
    out[o + 2] = this.fromLinear.at(0.0556434 * X - 0.2040259 * Y + 1.0572252 * Z);
  }
}

const DEG = Math.PI / 180;
const POW25_7 = Math.pow(25, 7);

/** Hue angle in degrees 0..360 (0 for the achromatic a = b = 0, as in Sharma's notes). */
function hueDeg(b: number, a: number): number {
  if (a === 0 && b === 0) return 0;
  const h = Math.atan2(b, a) / DEG;
  return h < 0 ? h + 360 : h;
}

/**
 * CIEDE2000 colour difference ΔE00 between two CIELab colours, with kL = kC = kH = 1.
 * 0 for equal colours; about 1 is a just-noticeable difference.
 */
export function ciede2000(L1: number, a1: number, b1: number, L2: number, a2: number, b2: number): number {
  const C1 = Math.hypot(a1, b1);
  const C2 = Math.hypot(a2, b2);
  const Cm = (C1 + C2) / 2;
  const Cm7 = Math.pow(Cm, 7);
  const G = 0.5 * (1 - Math.sqrt(Cm7 / (Cm7 + POW25_7)));
  const a1p = (1 + G) * a1;
  const a2p = (1 + G) * a2;
  const C1p = Math.hypot(a1p, b1);
  const C2p = Math.hypot(a2p, b2);
  const h1p = hueDeg(b1, a1p);
  const h2p = hueDeg(b2, a2p);

  const dLp = L2 - L1;
  const dCp = C2p - C1p;
  let dhp = 0;
  if (C1p * C2p !== 0) {
    dhp = h2p - h1p;
    if (dhp > 180) dhp -= 360;
    else if (dhp < -180) dhp += 360;
  }
  const dHp = 2 * Math.sqrt(C1p * C2p) * Math.sin((dhp / 2) * DEG);

  const Lpm = (L1 + L2) / 2;
  const Cpm = (C1p + C2p) / 2;
  let hpm = h1p + h2p;
  if (C1p * C2p !== 0) {
    if (Math.abs(h1p - h2p) <= 180) hpm = (h1p + h2p) / 2;
    else if (h1p + h2p < 360) hpm = (h1p + h2p + 360) / 2;
    else hpm = (h1p + h2p - 360) / 2;
  }
  const T =
    1 -
    0.17 * Math.cos((hpm - 30) * DEG) +
    0.24 * Math.cos(2 * hpm * DEG) +
    0.32 * Math.cos((3 * hpm + 6) * DEG) -
    0.2 * Math.cos((4 * hpm - 63) * DEG);
  const dTheta = 30 * Math.exp(-(((hpm - 275) / 25) ** 2));
  const Cpm7 = Math.pow(Cpm, 7);
  const RC = 2 * Math.sqrt(Cpm7 / (Cpm7 + POW25_7));
  const Lm50 = (Lpm - 50) ** 2;
  const SL = 1 + (0.015 * Lm50) / Math.sqrt(20 + Lm50);
  const SC = 1 + 0.045 * Cpm;
  const SH = 1 + 0.015 * Cpm * T;
  const RT = -Math.sin(2 * dTheta * DEG) * RC;
  const l = dLp / SL;
  const c = dCp / SC;
  const h = dHp / SH;
  return Math.sqrt(l * l + c * c + h * h + RT * c * h);
}

/**
 * Mean CIEDE2000 between two sRGB images over the hole pixels of `mask` (mask 1), or over every pixel
 * when no mask is given; 0 when there is nothing to compare. Values are clamped to 0..1 first, as a
 * display would. The images and mask must have the same size (not checked: callers compare images of one run).
 */
export function meanCiede2000(a: RgbImage, b: RgbImage, mask?: Mask): number {
  const n = a.width * a.height;
  const la = new Float64Array(3);
  const lb = new Float64Array(3);
  const clamp = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);
  let sum = 0;
  let count = 0;
  for (let i = 0; i < n; i++) {
    if (mask && !mask.data[i]) continue;
    srgbToLab(clamp(a.data[i]), clamp(a.data[n + i]), clamp(a.data[2 * n + i]), la, 0);
    srgbToLab(clamp(b.data[i]), clamp(b.data[n + i]), clamp(b.data[2 * n + i]), lb, 0);
    sum += ciede2000(la[0], la[1], la[2], lb[0], lb[1], lb[2]);
    count++;
  }
  return count === 0 ? 0 : sum / count;
}
