/**
 * Deterministic test masks for benchmarks and galleries: a few soft-edged blobs and brush strokes
 * covering about `coverage` of the image, placed away from the borders.
 */
import { createMask, type Mask } from '../app/image/types';
import { mulberry32 } from '../app/common/random';

/** Irregular blobs (unions of discs along random walks) until `coverage` (0..0.5) of the pixels are holes. */
export function blobMask(width: number, height: number, coverage: number, seed = 1, blobs = 3): Mask {
  const mask = createMask(width, height);
  const rnd = mulberry32(seed);
  const target = Math.round(width * height * coverage);
  const short = Math.min(width, height);
  let area = 0;
  const disc = (cx: number, cy: number, r: number) => {
    const x0 = Math.max(0, Math.floor(cx - r)),
      x1 = Math.min(width - 1, Math.ceil(cx + r));
    const y0 = Math.max(0, Math.floor(cy - r)),
      y1 = Math.min(height - 1, Math.ceil(cy + r));
    for (let y = y0; y <= y1; y++)
      for (let x = x0; x <= x1; x++) {
        const i = y * width + x;
        if (!mask.data[i] && (x - cx) ** 2 + (y - cy) ** 2 <= r * r) {
          mask.data[i] = 1;
          area++;
        }
      }
  };
  const perBlob = target / blobs;
  for (let b = 0; b < blobs && area < target; b++) {
    let cx = width * (0.2 + 0.6 * rnd());
    let cy = height * (0.2 + 0.6 * rnd());
    const r = short * (0.03 + 0.03 * rnd());
    const goal = Math.min(target, area + perBlob);
    let guard = 0;
    while (area < goal && guard++ < 100000) {
      disc(cx, cy, r * (0.7 + 0.6 * rnd()));
      cx = Math.min(width * 0.9, Math.max(width * 0.1, cx + (rnd() - 0.5) * r * 1.2));
      cy = Math.min(height * 0.9, Math.max(height * 0.1, cy + (rnd() - 0.5) * r * 1.2));
    }
  }
  return mask;
}
