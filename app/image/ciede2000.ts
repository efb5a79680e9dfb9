/**
 * The CIEDE2000 colour difference (Sharma, Wu and Dalal, "The CIEDE2000 color-difference formula:
 * implementation notes, supplementary test data, and mathematical observations", 2005), per colour and
 * as a mean over two images: the metric the colour stage, the corrections benchmark and the tests of
 * the corrections score fills with.
 */
import { srgbToLab } from './lab';
import type { Mask, RgbImage } from './types';

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
