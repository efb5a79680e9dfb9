/**
 * Viewport math (no DOM): the transform [zoom, 0, 0, zoom, panX, panY] that maps image
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

/** A `deltaMode` 1 wheel event counts lines: this many CSS px a line. */
export const WHEEL_LINE_PX = 16;

/**
 * The view: its size in CSS px and its transform, with the zoom commands the toolbar, the menu, the wheel
 * and a pan drag use. No DOM: the adapter sizes it and draws what `onChange` reports.
 */
export class View {
  t: Transform = [1, 0, 0, 1, 0, 0];
  width = 1;
  height = 1;

  constructor(private readonly onChange: (t: Transform) => void = () => {}) {}

  set(t: Transform): void {
    this.t = t;
    this.onChange(t);
  }

  /** The image (`imgW` × `imgH` px) fitted to the view. */
  fit(imgW: number, imgH: number): void {
    this.set(fitTransform(imgW, imgH, this.width, this.height));
  }

  /** Whether the view shows the image at its fitted zoom. */
  isFitted(imgW: number, imgH: number): boolean {
    return Math.abs(this.t[0] - fitTransform(imgW, imgH, this.width, this.height)[0]) < 1e-6;
  }

  actualSize(): void {
    this.set(actualSizeTransform(this.t, this.width, this.height));
  }

  /** Zooms by `factor` about the view's centre. */
  zoomBy(factor: number): void {
    this.set(zoomAt(this.t, this.width / 2, this.height / 2, this.t[0] * factor));
  }

  /** One wheel event at view point (x, y): `deltaMode` 1 counts lines, else CSS px. */
  wheel(x: number, y: number, deltaY: number, deltaMode: number): void {
    const delta = deltaMode === 1 ? deltaY * WHEEL_LINE_PX : deltaY;
    this.set(zoomAt(this.t, x, y, wheelZoom(this.t[0], delta)));
  }

  panBy(dx: number, dy: number): void {
    this.set(pan(this.t, dx, dy));
  }

  /**
   * A new view size (whole CSS px, at least 1). A view that showed `image` fitted is fitted again; any
   * other keeps its transform. False when the size did not change.
   */
  resize(w: number, h: number, image: { width: number; height: number } | null): boolean {
    const width = Math.max(1, Math.floor(w));
    const height = Math.max(1, Math.floor(h));
    if (width === this.width && height === this.height) return false;
    const wasFit = image !== null && this.isFitted(image.width, image.height);
    this.width = width;
    this.height = height;
    if (wasFit) this.fit(image.width, image.height);
    return true;
  }

  toImage(x: number, y: number): { x: number; y: number } {
    return toImage(this.t, x, y);
  }

  toView(x: number, y: number): { x: number; y: number } {
    return toView(this.t, x, y);
  }
}
