/** Small synthetic images and masks for the block-matching tests. */
import { createImage, createMask, type Mask, type RgbImage } from '../image/types';
import { mulberry32 } from '../common/random';
import type { MatchOptions } from '../stages/blockmatch/match';

/** Exhaustive ZNCC search over 16 px blocks with no histogram, distance or penalty limits. */
export const EXHAUSTIVE_MATCH: MatchOptions = {
  blockSize: 16,
  stride: 1,
  margin: 2,
  similarity: 'zncc',
  histogramThreshold: 1,
  maxDistance: 0,
  distancePenalty: 0,
  search: 'exhaustive',
};

/** Smooth colourful noise with detail at a few scales (values within 0.1..0.9), deterministic. */
export function noiseTexture(w: number, h: number, seed = 1): RgbImage {
  const rnd = mulberry32(seed);
  const img = createImage(w, h);
  const n = w * h;
  const waves = Array.from({ length: 18 }, () => ({
    fx: (rnd() - 0.5) * 0.9,
    fy: (rnd() - 0.5) * 0.9,
    phase: rnd() * 6.283,
    amp: [rnd(), rnd(), rnd()].map((v) => 0.05 * v),
  }));
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      for (let c = 0; c < 3; c++) {
        let v = 0.5;
        for (const wv of waves) v += wv.amp[c] * Math.sin(wv.fx * x + wv.fy * y + wv.phase);
        img.data[c * n + i] = Math.min(0.9, Math.max(0.1, v));
      }
    }
  return img;
}

/** A texture periodic with periods px (x) and py (y) in whole pixels. */
export function periodicTexture(w: number, h: number, px: number, py: number): RgbImage {
  const img = createImage(w, h);
  const n = w * h;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const a = (2 * Math.PI * x) / px;
      const b = (2 * Math.PI * y) / py;
      img.data[i] = 0.5 + 0.3 * Math.sin(a) * Math.cos(b);
      img.data[n + i] = 0.5 + 0.25 * Math.cos(a + 2 * b);
      img.data[2 * n + i] = 0.45 + 0.2 * Math.sin(2 * a - b) + (((x % px) + (y % py)) % 7 === 0 ? 0.2 : 0);
    }
  return img;
}

export function discMask(w: number, h: number, cx: number, cy: number, r: number): Mask {
  const m = createMask(w, h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) if ((x - cx) ** 2 + (y - cy) ** 2 <= r * r) m.data[y * w + x] = 1;
  return m;
}

/**
 * What a fill might leave in the hole: the truth blurred (3x3 box, twice) plus noise of the given
 * amplitude; outside the hole the truth itself.
 */
export function roughFill(truth: RgbImage, mask: Mask, noise = 0.04, seed = 9): RgbImage {
  const { width: w, height: h } = truth;
  const n = w * h;
  const rnd = mulberry32(seed);
  let src = truth.data;
  for (let pass = 0; pass < 2; pass++) {
    const out = new Float32Array(src.length);
    for (let c = 0; c < 3; c++)
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) {
          let s = 0;
          let k = 0;
          for (let dy = -1; dy <= 1; dy++)
            for (let dx = -1; dx <= 1; dx++) {
              const xx = x + dx;
              const yy = y + dy;
              if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
              s += src[c * n + yy * w + xx];
              k++;
            }
          out[c * n + y * w + x] = s / k;
        }
    src = out;
  }
  const data = truth.data.slice();
  for (let i = 0; i < n; i++)
    if (mask.data[i])
      for (let c = 0; c < 3; c++)
        data[c * n + i] = Math.min(1, Math.max(0, src[c * n + i] + (rnd() - 0.5) * 2 * noise));
  return { width: w, height: h, data };
}
