/**
 * Brush dabs on a coverage mask. A dab is a disc of `radius` px whose coverage is full out to
 * radius × hardness and falls smoothly to nothing at the radius. Painting keeps the larger coverage,
 * erasing the smaller remainder, so overlapping dabs of one stroke never build up.
 */
import type { Box } from './box';
import { FULL } from './mask';

export type PaintMode = 'paint' | 'erase';

/** Coverage (0..1) at distance d from a dab's centre. radius > 0, hardness 0..1. */
export function dabCoverage(d: number, radius: number, hardness: number): number {
  if (hardness >= 1) return d <= radius ? 1 : 0;
  const inner = radius * hardness;
  if (d <= inner) return 1;
  if (d >= radius) return 0;
  const t = (d - inner) / (radius - inner);
  return 1 - t * t * (3 - 2 * t);
}

/** The pixels a dab at (cx, cy) can touch (unclamped). */
export function dabBox(cx: number, cy: number, radius: number): Box {
  return {
    x0: Math.floor(cx - radius),
    y0: Math.floor(cy - radius),
    x1: Math.ceil(cx + radius) + 1,
    y1: Math.ceil(cy + radius) + 1,
  };
}

/**
 * Stamps one dab into `data` (width × height, row-major). Pixel (x, y) is sampled at its centre.
 * @param radius px, > 0; hardness 0..1.
 */
export function stampDab(
  data: Uint8Array,
  width: number,
  height: number,
  cx: number,
  cy: number,
  radius: number,
  hardness: number,
  mode: PaintMode,
): void {
  const b = dabBox(cx, cy, radius);
  const x0 = Math.max(0, b.x0),
    y0 = Math.max(0, b.y0);
  const x1 = Math.min(width, b.x1),
    y1 = Math.min(height, b.y1);
  const r2 = radius * radius;
  for (let y = y0; y < y1; y++) {
    const dy = y + 0.5 - cy;
    const row = y * width;
    for (let x = x0; x < x1; x++) {
      const dx = x + 0.5 - cx;
      const d2 = dx * dx + dy * dy;
      if (d2 > r2) continue;
      const a = dabCoverage(Math.sqrt(d2), radius, hardness);
      if (a <= 0) continue;
      const v = Math.round(a * FULL);
      const i = row + x;
      if (mode === 'paint') {
        if (v > data[i]) data[i] = v;
      } else {
        const keep = FULL - v;
        if (keep < data[i]) data[i] = keep;
      }
    }
  }
}

/** Distance between dabs along a stroke: a quarter of the radius, at least half a pixel. */
export function dabSpacing(radius: number): number {
  return Math.max(0.5, radius / 4);
}
