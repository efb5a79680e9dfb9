/**
 * Viewport math (no DOM, no fabric): the transform [zoom, 0, 0, zoom, panX, panY] that maps image
 * pixels to the view's CSS pixels, fitting, zooming about a point, and the inverse.
 */
export type Transform = [number, number, number, number, number, number];

export const MIN_ZOOM = 0.01;
export const MAX_ZOOM = 32;

export function clampZoom(z: number): number {
  return Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, z));
}

/** The image centred in the view, as large as fits with `margin` CSS px around it (never above 100 %... unless tiny). */
export function fitTransform(
  imgW: number,
  imgH: number,
  viewW: number,
  viewH: number,
  margin = 16,
): Transform {
  const z = clampZoom(Math.min((viewW - 2 * margin) / imgW, (viewH - 2 * margin) / imgH));
  return [z, 0, 0, z, (viewW - imgW * z) / 2, (viewH - imgH * z) / 2];
}

/** 100 %, keeping the image point under the view's centre where it is. */
export function actualSizeTransform(t: Transform, viewW: number, viewH: number): Transform {
  return zoomAt(t, viewW / 2, viewH / 2, 1);
}

/** A new transform at `zoom` that keeps the image point under view point (x, y) fixed. */
export function zoomAt(t: Transform, x: number, y: number, zoom: number): Transform {
  const z = clampZoom(zoom);
  const ix = (x - t[4]) / t[0],
    iy = (y - t[5]) / t[3];
  return [z, 0, 0, z, x - ix * z, y - iy * z];
}

export function pan(t: Transform, dx: number, dy: number): Transform {
  return [t[0], 0, 0, t[3], t[4] + dx, t[5] + dy];
}

/** View CSS px → image px. */
export function toImage(t: Transform, x: number, y: number): { x: number; y: number } {
  return { x: (x - t[4]) / t[0], y: (y - t[5]) / t[3] };
}

/** Image px → view CSS px. */
export function toView(t: Transform, x: number, y: number): { x: number; y: number } {
  return { x: x * t[0] + t[4], y: y * t[3] + t[5] };
}

/** The zoom after one wheel event (deltaY in CSS px; negative zooms in). */
export function wheelZoom(zoom: number, deltaY: number): number {
  return clampZoom(zoom * Math.pow(0.998, Math.max(-300, Math.min(300, deltaY))));
}
