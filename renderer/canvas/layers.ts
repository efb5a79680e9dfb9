/**
 * The canvas's own layers, plain Canvas 2D: the photo (the original, and the result or preview with the
 * split's clip) and the marks (the tools' shapes, the brush outline, the split divider). Each is a canvas
 * of the view's size in device pixels; what to draw is worked out by pure functions (photoPlan, marks),
 * so the drawing is tested without a browser. The mask and sampling tints are rasters.ts's MaskLayer,
 * the corrections' overlays overlaysLayer.ts's.
 */
import type { EditorState } from '../state/editorState';
import { toImage, toView, type Transform } from './viewport';

/** The view's background where no photo is. */
export const BACKGROUND = '#1b1d21';
/** The split divider's knob radius (CSS px). */
export const KNOB_RADIUS = 8;

/** A 2D canvas sized to the view in device pixels; `dpr` device px per CSS px. */
export class ViewCanvas {
  readonly el: HTMLCanvasElement;
  readonly ctx: CanvasRenderingContext2D;
  dpr = 1;

  constructor(testId?: string) {
    this.el = document.createElement('canvas');
    if (testId) this.el.setAttribute('data-testid', testId);
    const ctx = this.el.getContext('2d');
    if (!ctx) throw new Error('This browser cannot draw on a 2D canvas');
    this.ctx = ctx;
  }

  /** Sizes the canvas to `w` × `h` CSS px (its contents are lost). */
  resize(w: number, h: number, dpr: number): void {
    this.dpr = dpr;
    this.el.width = Math.max(1, Math.round(w * dpr));
    this.el.height = Math.max(1, Math.round(h * dpr));
    this.el.style.width = `${w}px`;
    this.el.style.height = `${h}px`;
  }
}

/** What the photo layer draws an image from (a canvas or an ImageBitmap). */
export type Source = CanvasImageSource & { width: number; height: number };

export interface PhotoInput {
  /** The image's size (image px): both rasters are drawn to it, whatever their own size. */
  doc: { width: number; height: number } | null;
  before: Source | null;
  after: Source | null;
  /** The image x where the after side starts (the split), or null for the after image whole. */
  splitX: number | null;
}

/** One drawImage: `src` to the image rectangle (0, 0, w, h), clipped to image x >= clipX. */
export interface PhotoDraw {
  src: Source;
  w: number;
  h: number;
  clipX: number | null;
}

/** The draws of the photo layer, bottom first. */
export function photoPlan(p: PhotoInput): PhotoDraw[] {
  const { doc } = p;
  if (!doc) return [];
  const out: PhotoDraw[] = [];
  if (p.before) out.push({ src: p.before, w: doc.width, h: doc.height, clipX: null });
  if (p.after) out.push({ src: p.after, w: doc.width, h: doc.height, clipX: p.splitX });
  return out;
}

/** Paints the photo layer: the background, then the plan's images under the view transform `t`. */
export function paintPhoto(
  ctx: CanvasRenderingContext2D,
  size: { width: number; height: number },
  dpr: number,
  t: Transform,
  plan: readonly PhotoDraw[],
): void {
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.fillStyle = BACKGROUND;
  ctx.fillRect(0, 0, size.width, size.height);
  ctx.setTransform(t[0] * dpr, 0, 0, t[3] * dpr, t[4] * dpr, t[5] * dpr);
  // Pixels stay crisp from 200 % on: a zoomed-in view shows the pixels themselves.
  ctx.imageSmoothingEnabled = t[0] < 2;
  for (const d of plan) {
    ctx.save();
    if (d.clipX !== null) {
      ctx.beginPath();
      ctx.rect(d.clipX, 0, Math.max(1, d.w - d.clipX), d.h);
      ctx.clip();
    }
    ctx.drawImage(d.src, 0, 0, d.w, d.h);
    ctx.restore();
  }
}

/** A shape of the marks layer, in view CSS px. */
export type Mark =
  | { kind: 'circle'; x: number; y: number; r: number; stroke: string; width: number; fill?: string }
  | {
      kind: 'rect';
      x: number;
      y: number;
      w: number;
      h: number;
      fill: string;
      stroke?: string;
      width?: number;
      dash?: number[];
    }
  | {
      kind: 'path';
      points: { x: number; y: number }[];
      fill: string;
      stroke: string;
      width: number;
      dash: number[];
    };

const SHAPE_FILL = 'rgba(255,255,255,0.08)';
const DASH = [6, 4];

export interface MarksInput {
  state: Pick<EditorState, 'doc' | 'overlay' | 'tool' | 'brush' | 'splitAt'>;
  t: Transform;
  viewHeight: number;
  /** The split's divider shows (split on, a result shown). */
  split: boolean;
  /** The pointer (view CSS px) when the brush outline shows, else null. */
  brushAt: { x: number; y: number } | null;
}

/**
 * The marks, bottom first: the split divider and its knob, the rectangle or lasso tool's shape, the
 * brush outline (white, with a black ring inside, visible on any photo). Line widths and dashes are CSS
 * px: they keep their size at any zoom.
 */
export function marks(m: MarksInput): Mark[] {
  const { state: s, t } = m;
  const doc = s.doc;
  if (!doc) return [];
  const z = t[0];
  const out: Mark[] = [];
  if (m.split) {
    const splitX = Math.round(s.splitAt * doc.width);
    const top = toView(t, splitX, 0);
    out.push({ kind: 'rect', x: top.x - 1, y: top.y, w: 2, h: doc.height * t[3], fill: '#ffffff' });
    // The knob at the view's middle height, kept on the image.
    const mid = toImage(t, top.x, m.viewHeight / 2).y;
    const y = toView(t, 0, Math.max(0, Math.min(doc.height, mid))).y;
    out.push({ kind: 'circle', x: top.x, y, r: KNOB_RADIUS, fill: '#ffffff', stroke: BACKGROUND, width: 2 });
  }
  const o = s.overlay;
  const stroke = s.tool === 'pick' ? '#ffd60a' : o?.erase ? '#0a84ff' : '#ffffff';
  if (o?.kind === 'rect') {
    const a = toView(t, o.box.x0, o.box.y0);
    const b = toView(t, o.box.x1, o.box.y1);
    out.push({
      kind: 'rect',
      x: a.x,
      y: a.y,
      w: b.x - a.x,
      h: b.y - a.y,
      fill: SHAPE_FILL,
      stroke,
      width: 1.5,
      dash: DASH,
    });
  } else if (o?.kind === 'lasso' && o.points.length > 1) {
    const points = o.points.map((p) => toView(t, p.x, p.y));
    out.push({ kind: 'path', points, fill: SHAPE_FILL, stroke, width: 1.5, dash: DASH });
  }
  if (m.brushAt) {
    const r = (s.brush.size / 2) * z;
    out.push({ kind: 'circle', x: m.brushAt.x, y: m.brushAt.y, r, stroke: '#ffffff', width: 1.5 });
    out.push({
      kind: 'circle',
      x: m.brushAt.x,
      y: m.brushAt.y,
      r: Math.max(0, r - 1.5),
      stroke: '#000000',
      width: 1,
    });
  }
  return out;
}

/** Paints the marks (view CSS px) on a cleared layer. */
export function paintMarks(
  ctx: CanvasRenderingContext2D,
  size: { width: number; height: number },
  dpr: number,
  list: readonly Mark[],
): void {
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, size.width, size.height);
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  for (const m of list) {
    ctx.beginPath();
    if (m.kind === 'circle') ctx.arc(m.x, m.y, m.r, 0, 2 * Math.PI);
    else if (m.kind === 'rect') ctx.rect(m.x, m.y, m.w, m.h);
    else m.points.forEach((p, i) => (i ? ctx.lineTo(p.x, p.y) : ctx.moveTo(p.x, p.y)));
    if (m.fill) {
      ctx.fillStyle = m.fill;
      ctx.fill();
    }
    if (m.stroke && m.width) {
      ctx.setLineDash(m.kind === 'circle' ? [] : (m.dash ?? []));
      ctx.strokeStyle = m.stroke;
      ctx.lineWidth = m.width;
      ctx.stroke();
    }
  }
  ctx.setLineDash([]);
}
