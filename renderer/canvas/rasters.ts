/**
 * Pixels into canvases (DOM): an engine raster into a canvas element, and the mask overlay,
 * repainted only inside the box that changed so painting on a large image keeps up with the pointer.
 */
import type { Box } from '../state/box';
import type { RasterJob, RasterReply } from './rasterWorker';

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

/** Pixels per strip of a chunked upload: a strip is one short task (a few tens of ms at most). */
export const UPLOAD_STRIP_PIXELS = 1 << 20;

/** Lets the page handle input and draw a frame before the next strip. */
function yieldToPage(): Promise<void> {
  const s = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
  if (typeof s?.yield === 'function') return s.yield();
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => resolve();
    ch.port2.postMessage(null);
  });
}

/**
 * Puts a raster into a canvas in horizontal strips of about `stripPixels`, yielding to the page between
 * strips, so opening a 17.9 MP photo never blocks input for the whole upload (a single putImageData of
 * 72 MB took seconds). A raster of one strip or less is put at once. The canvas is resized (and so
 * cleared) first; `stale()` is asked before each strip, and the upload stops when it says true.
 * @returns the number of strips written (0 when it stopped before any), or -1 when it stopped early.
 */
export async function uploadRaster(
  r: RasterLike,
  canvas: HTMLCanvasElement,
  stale: () => boolean = () => false,
  stripPixels = UPLOAD_STRIP_PIXELS,
): Promise<number> {
  if (canvas.width !== r.width) canvas.width = r.width;
  if (canvas.height !== r.height) canvas.height = r.height;
  const data = new ImageData(new Uint8ClampedArray(r.rgba), r.width, r.height);
  const ctx = context(canvas);
  const rows = Math.max(1, Math.floor(stripPixels / Math.max(1, r.width)));
  let strips = 0;
  for (let y = 0; y < r.height; y += rows) {
    if (strips > 0) {
      await yieldToPage();
      if (stale()) return -1;
    }
    ctx.putImageData(data, 0, 0, 0, y, r.width, Math.min(rows, r.height - y));
    strips++;
  }
  return strips;
}

/** What the canvas draws a raster from: a canvas (page-made) or an ImageBitmap (worker-made). */
export type Drawable = HTMLCanvasElement | ImageBitmap;

/**
 * Rasters into drawables without blocking the page: a worker fills an OffscreenCanvas and hands back an
 * ImageBitmap. The raster's buffer is lent to the worker (transferred, not copied: structured-cloning
 * 72 MB took seconds on the main thread) and put back into the raster object when the worker answers;
 * meanwhile its `rgba` is a detached (empty) buffer. Where there are no workers or no OffscreenCanvas,
 * or the worker fails, the page's own chunked upload (uploadRaster) does it.
 */
export class RasterUploader {
  private worker: Worker | null = null;
  private failed = false;
  private next = 0;
  private readonly waiting = new Map<
    number,
    { raster: RasterLike; resolve: (b: ImageBitmap) => void; reject: (e: Error) => void }
  >();

  /** Rasters whose buffer is with the worker, and the answer that brings it back. */
  private readonly lent = new Map<RasterLike, Promise<ImageBitmap>>();

  /** The raster as a drawable; null when `stale()` became true before it was ready. */
  async upload(r: RasterLike, stale: () => boolean): Promise<Drawable | null> {
    // The same raster twice at once (e.g. a result that becomes the base): wait for its buffer.
    const out = this.lent.get(r);
    if (out) await out.catch(() => null);
    if (stale()) return null;
    if (r.rgba.byteLength === 0) return null;
    const w = this.start();
    if (w) {
      try {
        const bitmap = await this.viaWorker(w, r);
        if (!stale()) return bitmap;
        bitmap.close();
        return null;
      } catch {
        this.failed = true;
      }
    }
    const canvas = document.createElement('canvas');
    return (await uploadRaster(r, canvas, stale)) < 0 || stale() ? null : canvas;
  }

  dispose(): void {
    this.worker?.terminate();
    this.worker = null;
    for (const p of this.waiting.values()) p.reject(new Error('disposed'));
    this.waiting.clear();
  }

  private start(): Worker | null {
    if (this.worker || this.failed) return this.worker;
    if (typeof Worker === 'undefined' || typeof OffscreenCanvas === 'undefined') {
      this.failed = true;
      return null;
    }
    try {
      this.worker = new Worker(new URL('./rasterWorker.ts', import.meta.url), { type: 'module' });
    } catch {
      this.failed = true;
      return null;
    }
    this.worker.onmessage = (e: MessageEvent<RasterReply>) => {
      const p = this.waiting.get(e.data.id);
      if (!p) return;
      this.waiting.delete(e.data.id);
      // The lent buffer goes back where it came from.
      (p.raster as { rgba: ArrayBuffer }).rgba = e.data.rgba;
      if ('bitmap' in e.data) p.resolve(e.data.bitmap);
      else p.reject(new Error(e.data.error));
    };
    this.worker.onerror = () => {
      this.failed = true;
      for (const p of this.waiting.values()) p.reject(new Error('the raster worker failed'));
      this.waiting.clear();
      this.worker?.terminate();
      this.worker = null;
    };
    return this.worker;
  }

  private viaWorker(w: Worker, r: RasterLike): Promise<ImageBitmap> {
    const id = ++this.next;
    const answer = new Promise<ImageBitmap>((resolve, reject) => {
      this.waiting.set(id, { raster: r, resolve, reject });
      const job: RasterJob = { id, width: r.width, height: r.height, rgba: r.rgba };
      w.postMessage(job, [r.rgba]);
    });
    this.lent.set(r, answer);
    const done = () => {
      if (this.lent.get(r) === answer) this.lent.delete(r);
    };
    answer.then(done, done);
    return answer;
  }
}

/** Parses "#rrggbb" into [r, g, b]; anything else is the default red. */
export function parseHexColor(hex: string): [number, number, number] {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  return m ? [parseInt(m[1], 16), parseInt(m[2], 16), parseInt(m[3], 16)] : [255, 45, 85];
}

/** Side of an overlay tile (image px). */
export const OVERLAY_TILE = 512;

/**
 * The mask overlay: the mask's colour with alpha = coverage (the overlay's opacity is the layer's), in
 * tiles of OVERLAY_TILE px made only where the mask has ever covered something. A 17.9 MP image's
 * overlay as one canvas cost a second to allocate when the image opened; an empty mask now costs none.
 * `invert`: alpha = 255 - coverage (the sampling area's tint, drawn from its exclusion bytes), tiles made
 * only where some byte is below 255.
 */
export class MaskOverlay {
  /** Tiles by "tx,ty" (tile column and row). */
  readonly tiles = new Map<
    string,
    { x: number; y: number; canvas: HTMLCanvasElement; ctx: CanvasRenderingContext2D }
  >();
  private lut = new Uint32Array(256);
  private color = '';

  constructor(
    readonly width: number,
    readonly height: number,
    readonly invert = false,
  ) {}

  /** Sets the colour; returns whether it changed (then the whole overlay needs repainting). */
  setColor(hex: string): boolean {
    if (hex === this.color) return false;
    this.color = hex;
    const [r, g, b] = parseHexColor(hex);
    const little = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
    for (let c = 0; c < 256; c++) {
      const a = this.invert ? 255 - c : c;
      this.lut[c] = little
        ? ((a << 24) | (b << 16) | (g << 8) | r) >>> 0
        : ((r << 24) | (g << 16) | (b << 8) | a) >>> 0;
    }
    return true;
  }

  /** Drops every tile and paints only what the mask covers (`bounds`; null: nothing). */
  repaintAll(mask: Uint8Array, bounds: Box | null): void {
    this.tiles.clear();
    if (bounds) this.paint(mask, bounds);
  }

  /** Repaints the box (clamped) from the mask's coverage bytes; a tile is made where coverage appears. */
  paint(mask: Uint8Array, box: Box): void {
    const x0 = Math.max(0, box.x0),
      y0 = Math.max(0, box.y0);
    const x1 = Math.min(this.width, box.x1),
      y1 = Math.min(this.height, box.y1);
    if (x1 <= x0 || y1 <= y0) return;
    const T = OVERLAY_TILE;
    for (let ty = Math.floor(y0 / T); ty * T < y1; ty++)
      for (let tx = Math.floor(x0 / T); tx * T < x1; tx++) {
        const bx0 = Math.max(x0, tx * T),
          by0 = Math.max(y0, ty * T);
        const bx1 = Math.min(x1, (tx + 1) * T),
          by1 = Math.min(y1, (ty + 1) * T);
        let tile = this.tiles.get(`${tx},${ty}`);
        if (!tile) {
          if (!covers(mask, this.width, bx0, by0, bx1, by1, this.invert ? 255 : 0)) continue;
          const canvas = document.createElement('canvas');
          canvas.width = Math.min(T, this.width - tx * T);
          canvas.height = Math.min(T, this.height - ty * T);
          tile = { x: tx * T, y: ty * T, canvas, ctx: context(canvas) };
          this.tiles.set(`${tx},${ty}`, tile);
        }
        const w = bx1 - bx0,
          h = by1 - by0;
        const img = tile.ctx.createImageData(w, h);
        const px = new Uint32Array(img.data.buffer);
        const lut = this.lut;
        for (let y = 0; y < h; y++) {
          const src = (y + by0) * this.width + bx0;
          const dst = y * w;
          for (let x = 0; x < w; x++) px[dst + x] = lut[mask[src + x]];
        }
        tile.ctx.putImageData(img, bx0 - tile.x, by0 - tile.y);
      }
  }
}

/** Whether any byte of the box differs from `none` (the value that draws nothing). */
function covers(
  mask: Uint8Array,
  width: number,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  none: number,
): boolean {
  for (let y = y0; y < y1; y++) {
    const row = y * width;
    for (let i = row + x0, end = row + x1; i < end; i++) if (mask[i] !== none) return true;
  }
  return false;
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
   * Draws the overlay's tiles with the view transform `t` (image px → CSS px): all of it, or only where
   * the image box `box` shows, with a margin for the filter's reach.
   */
  draw(overlay: MaskOverlay, t: readonly number[], box: Box | null): void {
    const { ctx, el, dpr } = this;
    const z = t[0] * dpr,
      tx = t[4] * dpr,
      ty = t[5] * dpr;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.imageSmoothingEnabled = t[0] < 2;
    if (!box) {
      ctx.clearRect(0, 0, el.width, el.height);
      ctx.setTransform(z, 0, 0, z, tx, ty);
      // Additive: where two tiles share an edge inside a device pixel, their antialiased parts sum to
      // the whole pixel (source-over would leave a faint seam); nowhere else do tiles overlap.
      ctx.globalCompositeOperation = 'lighter';
      for (const tile of overlay.tiles.values()) ctx.drawImage(tile.canvas, tile.x, tile.y);
      ctx.globalCompositeOperation = 'source-over';
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
    ctx.globalCompositeOperation = 'lighter';
    // The tiles the cleared area reaches (one tile of margin for the filter at tile edges).
    const ix0 = (x0 - tx) / z - 1,
      iy0 = (y0 - ty) / z - 1,
      ix1 = (x1 - tx) / z + 1,
      iy1 = (y1 - ty) / z + 1;
    for (const tile of overlay.tiles.values())
      if (
        tile.x < ix1 &&
        tile.y < iy1 &&
        tile.x + tile.canvas.width > ix0 &&
        tile.y + tile.canvas.height > iy0
      )
        ctx.drawImage(tile.canvas, tile.x, tile.y);
    ctx.restore();
    ctx.globalCompositeOperation = 'source-over';
  }
}
