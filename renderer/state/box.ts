/** Pixel boxes: half-open [x0, x1) × [y0, y1) in image pixels. */
export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** The box clamped to a width × height image, or null when nothing is left. */
export function clampBox(b: Box, width: number, height: number): Box | null {
  const x0 = Math.max(0, Math.floor(b.x0));
  const y0 = Math.max(0, Math.floor(b.y0));
  const x1 = Math.min(width, Math.ceil(b.x1));
  const y1 = Math.min(height, Math.ceil(b.y1));
  return x1 > x0 && y1 > y0 ? { x0, y0, x1, y1 } : null;
}

export function unionBox(a: Box | null, b: Box | null): Box | null {
  if (!a) return b;
  if (!b) return a;
  return {
    x0: Math.min(a.x0, b.x0),
    y0: Math.min(a.y0, b.y0),
    x1: Math.max(a.x1, b.x1),
    y1: Math.max(a.y1, b.y1),
  };
}

/** The box spanning two corner points (in any order), in whole pixels. */
export function boxFromCorners(ax: number, ay: number, bx: number, by: number): Box {
  return {
    x0: Math.floor(Math.min(ax, bx)),
    y0: Math.floor(Math.min(ay, by)),
    x1: Math.ceil(Math.max(ax, bx)),
    y1: Math.ceil(Math.max(ay, by)),
  };
}
