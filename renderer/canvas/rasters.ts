/**
 * Pixels into canvases (DOM, no fabric): an engine raster into a canvas element, and the mask overlay,
 * repainted only inside the box that changed so painting on a large image keeps up with the pointer.
 */
import type { Box } from '../state/box';

export interface RasterLike {
  width: number;
  height: number;
  rgba: ArrayBuffer;
}

function context(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
  const ctx = canvas.getContext('2d', { willReadFrequently: false });
  if (!ctx) throw new Error('This browser cannot draw on a 2D canvas');
  return ctx;
}

/** A canvas holding the raster's pixels. */
export function rasterToCanvas(r: RasterLike, into?: HTMLCanvasElement): HTMLCanvasElement {
  const canvas = into ?? document.createElement('canvas');
  if (canvas.width !== r.width) canvas.width = r.width;
  if (canvas.height !== r.height) canvas.height = r.height;
  const data = new ImageData(new Uint8ClampedArray(r.rgba), r.width, r.height);
  context(canvas).putImageData(data, 0, 0);
  return canvas;
}

/** Parses "#rrggbb" into [r, g, b]; anything else is the default red. */
export function parseHexColor(hex: string): [number, number, number] {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  return m ? [parseInt(m[1], 16), parseInt(m[2], 16), parseInt(m[3], 16)] : [255, 45, 85];
}

/** The mask overlay: the mask's colour with alpha = coverage (the overlay's opacity is the object's). */
export class MaskOverlay {
  readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private lut = new Uint32Array(256);
  private color = '';

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.canvas = document.createElement('canvas');
    this.canvas.width = width;
    this.canvas.height = height;
    this.ctx = context(this.canvas);
  }

  /** Sets the colour; returns whether it changed (then the whole overlay needs repainting). */
  setColor(hex: string): boolean {
    if (hex === this.color) return false;
    this.color = hex;
    const [r, g, b] = parseHexColor(hex);
    const little = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
    for (let a = 0; a < 256; a++)
      this.lut[a] = little
        ? ((a << 24) | (b << 16) | (g << 8) | r) >>> 0
        : ((r << 24) | (g << 16) | (b << 8) | a) >>> 0;
    return true;
  }

  /** Repaints the box (clamped) from the mask's coverage bytes. */
  paint(mask: Uint8Array, box: Box): void {
    const x0 = Math.max(0, box.x0),
      y0 = Math.max(0, box.y0);
    const x1 = Math.min(this.width, box.x1),
      y1 = Math.min(this.height, box.y1);
    const w = x1 - x0,
      h = y1 - y0;
    if (w <= 0 || h <= 0) return;
    const img = this.ctx.createImageData(w, h);
    const px = new Uint32Array(img.data.buffer);
    const lut = this.lut;
    for (let y = 0; y < h; y++) {
      const src = (y + y0) * this.width + x0;
      const dst = y * w;
      for (let x = 0; x < w; x++) px[dst + x] = lut[mask[src + x]];
    }
    this.ctx.putImageData(img, x0, y0);
  }
}

/**
 * The mask overlay as the view shows it: a canvas of the view's size (device pixels) holding the
 * overlay drawn under the view's transform. A view change redraws all of it; a brush dab redraws only
 * the dab's box, so a frame while painting costs a few hundred pixels, not a scaled 8 MP image.
 * Opacity and visibility are the element's (CSS), not redraws.
 */
export class MaskLayer {
  readonly el: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private dpr = 1;

  constructor() {
    this.el = document.createElement('canvas');
    this.ctx = context(this.el);
  }

  /** Sizes the layer to `w` × `h` CSS px (its contents are lost: redraw all of it). */
  resize(w: number, h: number, dpr: number): void {
    this.dpr = dpr;
    this.el.width = Math.max(1, Math.round(w * dpr));
    this.el.height = Math.max(1, Math.round(h * dpr));
    this.el.style.width = `${w}px`;
    this.el.style.height = `${h}px`;
  }

  /**
   * Draws `source` (the image-sized overlay) with the view transform `t` (image px → CSS px): all of
   * it, or only where the image box `box` shows, with a margin for the filter's reach.
   */
  draw(source: HTMLCanvasElement, t: readonly number[], box: Box | null): void {
    const { ctx, el, dpr } = this;
    const z = t[0] * dpr,
      tx = t[4] * dpr,
      ty = t[5] * dpr;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.imageSmoothingEnabled = t[0] < 2;
    if (!box) {
      ctx.clearRect(0, 0, el.width, el.height);
      ctx.setTransform(z, 0, 0, z, tx, ty);
      ctx.drawImage(source, 0, 0);
      return;
    }
    // Bilinear filtering reads a source pixel's neighbours: a pixel of the box reaches z + 1 device px.
    const pad = Math.ceil(z) + 2;
    const x0 = Math.max(0, Math.floor(box.x0 * z + tx) - pad);
    const y0 = Math.max(0, Math.floor(box.y0 * z + ty) - pad);
    const x1 = Math.min(el.width, Math.ceil(box.x1 * z + tx) + pad);
    const y1 = Math.min(el.height, Math.ceil(box.y1 * z + ty) + pad);
    if (x1 <= x0 || y1 <= y0) return;
    ctx.clearRect(x0, y0, x1 - x0, y1 - y0);
    ctx.save();
    ctx.beginPath();
    ctx.rect(x0, y0, x1 - x0, y1 - y0);
    ctx.clip();
    ctx.setTransform(z, 0, 0, z, tx, ty);
    ctx.drawImage(source, 0, 0);
    ctx.restore();
  }
}
