/**
 * Grow or shrink the painted hole by N pixels (Euclidean, between pixel centres), in place on the mask's
 * coverage bytes, over the only box that can change. The result is hard-edged (0 or 255) inside the box.
 *
 * The algorithm is the engine's (app/image/morphology.ts, growMask): per column, the vertical distance g
 * to the nearest target (two running sweeps); then per row, each column with g <= N covers the interval
 * |x - x'| <= half(g), and two running sweeps mark the union of those intervals — linear in the box's
 * area whatever N is, and exact (the half-widths are whole numbers from exact integer tests).
 * It is written again here, not imported, because the renderer may import from app/ only app/contract
 * and app/common (the layering rule in eslint.config.js; app/image also needs Node's types), and it reads
 * the editor's soft coverage (a pixel is in the hole at coverage >= THRESHOLD), not a 0/1 mask.
 * Distances are held in 16 bits: N <= MAX_GROW_PX keeps them below 65535.
 */
import type { Box } from './box';
import { FULL, THRESHOLD } from './mask';

/** Largest |n| grow and shrink accept. */
export const MAX_GROW_PX = 1024;

/**
 * The box a grow/shrink by n can change, given the hole's bounds (null: nothing can change). Growing
 * reaches n pixels out (plus one); shrinking only needs the known ring around the hole: a known pixel
 * further out is never nearer to a hole pixel than that ring, which is known too.
 * @param n px, negative shrinks.
 */
export function growBox(bounds: Box | null, n: number, width: number, height: number): Box | null {
  if (!bounds || n === 0) return null;
  const m = Math.max(0, n) + 1;
  return {
    x0: Math.max(0, bounds.x0 - m),
    y0: Math.max(0, bounds.y0 - m),
    x1: Math.min(width, bounds.x1 + m),
    y1: Math.min(height, bounds.y1 + m),
  };
}

/** Largest whole R >= 0 with R * R <= r2. */
function reachOf(r2: number): number {
  let r = Math.floor(Math.sqrt(r2));
  while (r * r > r2) r--;
  while ((r + 1) * (r + 1) <= r2) r++;
  return r;
}

/**
 * Grows (n > 0) or shrinks (n < 0) the hole by |n| whole pixels inside `box` (from growBox), in place.
 * Grow: a pixel joins when its centre is within n of a hole pixel's centre. Shrink: a hole pixel stays
 * when it is farther than |n| from every known pixel of the box (the image border does not erode; the
 * box's ring outside the hole is known). Every pixel of the box ends as FULL or 0.
 * @param n a whole number, |n| <= MAX_GROW_PX.
 * @throws RangeError for any other n.
 */
export function growInPlace(data: Uint8Array, width: number, box: Box, n: number): void {
  if (!Number.isInteger(n) || Math.abs(n) > MAX_GROW_PX)
    throw new RangeError(
      `Expected a whole number of pixels from -${MAX_GROW_PX} to ${MAX_GROW_PX} but received ${n}`,
    );
  if (n === 0) return;
  const grow = n > 0;
  const bw = box.x1 - box.x0;
  const bh = box.y1 - box.y0;
  if (bw <= 0 || bh <= 0) return;
  const r2 = n * n;
  const reach = reachOf(r2);
  const cap = reach + 1;
  // half[g]: the half-width of the row interval that a column at vertical distance g covers; half[cap]
  // puts the interval out of every sweep's way.
  const half = new Int32Array(cap + 1);
  for (let gy = 0; gy <= reach; gy++) {
    let k = reach;
    while (k * k + gy * gy > r2) k--;
    half[gy] = k;
  }
  half[cap] = -2 * bw - 2;
  // A target is a hole pixel when growing, a known pixel when shrinking. Coverage >= THRESHOLD (128) is
  // bit 7, so `keep` below is 1 for a pixel that is not a target and 0 for one that is, without a branch.
  const flip = grow ? 1 : 0;

  // Top-down: up[y * bw + x] = rows up to the nearest target at or above, saturating at cap.
  const up = new Uint16Array(bw * bh);
  let any = false;
  for (let y = 0, o = 0; y < bh; y++, o += bw) {
    const row = (box.y0 + y) * width + box.x0;
    if (y === 0) {
      for (let x = 0; x < bw; x++) up[x] = cap * ((data[row + x] >> 7) ^ flip);
    } else {
      for (let x = 0; x < bw; x++) {
        const p = up[o - bw + x] + 1;
        up[o + x] = (p < cap ? p : cap) * ((data[row + x] >> 7) ^ flip);
      }
    }
    if (!any)
      for (let x = 0; x < bw; x++)
        if (up[o + x] === 0) {
          any = true;
          break;
        }
  }
  if (!any) {
    // Growing nothing leaves no hole; shrinking with no known pixel keeps the whole hole.
    for (let y = 0; y < bh; y++) {
      const row = (box.y0 + y) * width + box.x0;
      if (grow) data.fill(0, row, row + bw);
      else for (let x = 0; x < bw; x++) data[row + x] = data[row + x] >= THRESHOLD ? FULL : 0;
    }
    return;
  }

  // Bottom-up, one row at a time: g = min(up, down) from the row's pixels, then the row is written (the
  // left-to-right sweep in the same loop: it reads a pixel before it writes it).
  const down = new Uint16Array(bw).fill(cap);
  const g = new Uint16Array(bw);
  for (let y = bh - 1, o = (bh - 1) * bw; y >= 0; y--, o -= bw) {
    const row = (box.y0 + y) * width + box.x0;
    let right = -1;
    if (grow) {
      for (let x = 0; x < bw; x++) {
        const p = down[x] + 1;
        const d = (p < cap ? p : cap) * ((data[row + x] >> 7) ^ 1);
        down[x] = d;
        const u = up[o + x];
        const gx = u < d ? u : d;
        g[x] = gx;
        const e = x + half[gx];
        if (e > right) right = e;
        data[row + x] = x <= right ? FULL : 0;
      }
    } else {
      for (let x = 0; x < bw; x++) {
        const v = data[row + x];
        const p = down[x] + 1;
        const d = (p < cap ? p : cap) * (v >> 7);
        down[x] = d;
        const u = up[o + x];
        const gx = u < d ? u : d;
        g[x] = gx;
        const e = x + half[gx];
        if (e > right) right = e;
        data[row + x] = x > right && v >= THRESHOLD ? FULL : 0;
      }
    }
    // Right to left: covered by an interval whose centre is at or right of x.
    let left = bw;
    const mark = grow ? FULL : 0;
    for (let x = bw - 1; x >= 0; x--) {
      const e = x - half[g[x]];
      if (e < left) left = e;
      if (x >= left) data[row + x] = mark;
    }
  }
}
