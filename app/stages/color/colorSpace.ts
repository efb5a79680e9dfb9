/**
 * Colour spaces of the colour stage and the CIEDE2000 colour difference.
 *
 * The engine's images are sRGB-encoded 0..1 (IEC 61966-2-1). The colour stage works in one of two spaces,
 * chosen so that the report's λ values apply unchanged (see params.ts):
 * - 'rgb': sRGB-encoded values scaled to 0..255 (the units of the report's 8-bit images);
 * - 'lab': CIE 1976 L*a*b* with the D65 white of sRGB (L 0..100, a and b roughly -128..127).
 *
 * Conversions are per pixel and write into a caller's array at an offset (no allocation), so hot loops
 * can call them; CIEDE2000 lives in app/image/ciede2000.ts (re-exported here).
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

export { ciede2000, meanCiede2000 } from '../../image/ciede2000';
