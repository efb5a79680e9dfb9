/** Filled shapes on a coverage mask: rectangles and polygons (the lasso), hard-edged. */
import { clampBox, type Box } from './box';

export interface Point {
  x: number;
  y: number;
}

/** Sets every pixel of the box (clamped) to `value` (0..255). */
export function fillBox(data: Uint8Array, width: number, height: number, box: Box, value: number): void {
  const b = clampBox(box, width, height);
  if (!b) return;
  for (let y = b.y0; y < b.y1; y++) data.fill(value, y * width + b.x0, y * width + b.x1);
}

/** The bounding box of the points, in whole pixels (unclamped). */
export function polygonBox(points: readonly Point[]): Box {
  let x0 = Infinity,
    y0 = Infinity,
    x1 = -Infinity,
    y1 = -Infinity;
  for (const p of points) {
    x0 = Math.min(x0, p.x);
    y0 = Math.min(y0, p.y);
    x1 = Math.max(x1, p.x);
    y1 = Math.max(y1, p.y);
  }
  return { x0: Math.floor(x0), y0: Math.floor(y0), x1: Math.ceil(x1) + 1, y1: Math.ceil(y1) + 1 };
}

/**
 * Fills the closed polygon (even-odd rule; pixels whose centre lies inside) with `value`.
 * Fewer than three points fill nothing.
 */
export function fillPolygon(
  data: Uint8Array,
  width: number,
  height: number,
  points: readonly Point[],
  value: number,
): void {
  const n = points.length;
  if (n < 3) return;
  const b = clampBox(polygonBox(points), width, height);
  if (!b) return;
  const xs: number[] = [];
  for (let y = b.y0; y < b.y1; y++) {
    const cy = y + 0.5;
    xs.length = 0;
    for (let i = 0, j = n - 1; i < n; j = i++) {
      const a = points[i],
        c = points[j];
      if (a.y > cy !== c.y > cy) xs.push(a.x + ((cy - a.y) * (c.x - a.x)) / (c.y - a.y));
    }
    xs.sort((p, q) => p - q);
    for (let k = 0; k + 1 < xs.length; k += 2) {
      // Pixels whose centre x + 0.5 lies in [xs[k], xs[k+1]).
      const from = Math.max(b.x0, Math.ceil(xs[k] - 0.5));
      const to = Math.min(b.x1, Math.ceil(xs[k + 1] - 0.5));
      if (to > from) data.fill(value, y * width + from, y * width + to);
    }
  }
}
