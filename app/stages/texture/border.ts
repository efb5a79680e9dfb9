/**
 * Weights of the border term Σ_{∂Ω} (∇x² + ∇y²): which neighbouring-pixel differences count as "at
 * the border" of the hole Ω. A difference counts when one of its two pixels is in the hole and one of
 * them lies less than `band` pixels from a known pixel (band 1: the seam itself; 2: also the first ring inside).
 * Weights are 1/count, so the term is the mean squared difference over the border.
 */
import { distanceTransform } from '../../image/morphology';

export interface BorderWeights {
  /** Horizontal differences (x+1 − x): height × (width − 1). */
  x: Float32Array;
  /** Vertical differences (y+1 − y): (height − 1) × width. */
  y: Float32Array;
  count: number;
}

/**
 * @param hole width*height, 1 = hole
 * @param band pixels into the hole (≥ 1; 1 = only the seam between known and hole pixels)
 */
export function borderWeights(hole: Uint8Array, width: number, height: number, band = 2): BorderWeights {
  const known = new Uint8Array(hole.length);
  for (let i = 0; i < hole.length; i++) known[i] = hole[i] ? 0 : 1;
  const dist = distanceTransform(known, width, height);
  const x = new Float32Array(height * (width - 1));
  const y = new Float32Array((height - 1) * width);
  const counts = (p: number, q: number): boolean =>
    (hole[p] === 1 || hole[q] === 1) && Math.min(dist[p], dist[q]) < band;
  let count = 0;
  for (let r = 0; r < height; r++)
    for (let c = 0; c + 1 < width; c++)
      if (counts(r * width + c, r * width + c + 1)) {
        x[r * (width - 1) + c] = 1;
        count++;
      }
  for (let r = 0; r + 1 < height; r++)
    for (let c = 0; c < width; c++)
      if (counts(r * width + c, (r + 1) * width + c)) {
        y[r * width + c] = 1;
        count++;
      }
  if (count > 0) {
    for (let i = 0; i < x.length; i++) x[i] /= count;
    for (let i = 0; i < y.length; i++) y[i] /= count;
  }
  return { x, y, count };
}
