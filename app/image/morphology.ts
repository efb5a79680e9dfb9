/**
 * Distances in masks, in one place. Mask morphology on exact Euclidean distances: distanceTransform,
 * growMask and featherWeights; the algorithms are pure TypeScript shared with the editor, in
 * app/common/maskMorphology.ts (see there for how they work); a Mask (./types) is the ByteMask they take
 * and return. And distanceToKnown: the cheap chamfer (3-4) distance, within 8% of the Euclidean one, that
 * the embedded fills and the colour stage's seam fade weigh by (their results are tuned on it).
 */
export { distanceTransform, featherWeights, growMask } from '../common/maskMorphology';

/**
 * Chamfer (3-4) distance, in pixels, from each pixel where `hole` is non-zero to the nearest pixel where it
 * is zero; 0 on known pixels. Pixels outside the array count as unknown (a hole touching the border is
 * measured from its known side only). Returns a large value (width + height) when no pixel is known. Exact multiples of
 * 1/3 px: 3 × the value, rounded, is the integer chamfer distance.
 */
export function distanceToKnown(hole: Uint8Array, width: number, height: number): Float32Array {
  const W = width;
  const big = 3 * (width + height);
  const d = new Float32Array(W * height);
  for (let i = 0; i < d.length; i++) d[i] = hole[i] ? big : 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      let v = d[i];
      if (v === 0) continue;
      if (x > 0 && d[i - 1] + 3 < v) v = d[i - 1] + 3;
      if (y > 0) {
        const u = i - W;
        if (d[u] + 3 < v) v = d[u] + 3;
        if (x > 0 && d[u - 1] + 4 < v) v = d[u - 1] + 4;
        if (x < W - 1 && d[u + 1] + 4 < v) v = d[u + 1] + 4;
      }
      d[i] = v;
    }
  }
  for (let y = height - 1; y >= 0; y--) {
    for (let x = W - 1; x >= 0; x--) {
      const i = y * W + x;
      let v = d[i];
      if (v === 0) continue;
      if (x < W - 1 && d[i + 1] + 3 < v) v = d[i + 1] + 3;
      if (y < height - 1) {
        const b = i + W;
        if (d[b] + 3 < v) v = d[b] + 3;
        if (x < W - 1 && d[b + 1] + 4 < v) v = d[b + 1] + 4;
        if (x > 0 && d[b - 1] + 4 < v) v = d[b - 1] + 4;
      }
      d[i] = v;
    }
  }
  for (let i = 0; i < d.length; i++) d[i] /= 3;
  return d;
}
