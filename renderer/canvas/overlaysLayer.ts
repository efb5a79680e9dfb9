/**
 * The overlays' canvas layer (issue 15 §4): what the corrections chose, drawn over the photo and the
 * mask — the picked rectangles, block matching's sources as arrows from each hole block to the block it
 * copied from, and a label per hole. The shapes come from renderer/state/overlays.ts (image pixels);
 * here they are only drawn, in view pixels so lines and text keep their size at any zoom. A plain 2D
 * canvas, redrawn when the view, the run or a toggle changes; it never takes the pointer.
 */
import type { Rect } from '../../app/common/params';
import type { Editor } from '../state/editor';
import {
  NO_SHAPES,
  arrowLine,
  overlayShapes,
  type OverlayKind,
  type OverlayShapes,
  type RectRole,
} from '../state/overlays';
import type { RunInfo } from '../state/runProgress';

export const RECT_COLOURS: Record<RectRole, string> = {
  context: '#64d2ff',
  exemplar: '#30d158',
  reference: '#ffd60a',
};
const REJECTED = '#ff2dd4';
const FONT = '12px system-ui, -apple-system, "Segoe UI", sans-serif';

/** Red (score <= 0) through yellow (0.5) to green (1), as block matching's own picture draws it. */
export function scoreColour(score: number): string {
  const t = Math.max(0, Math.min(1, score));
  const [r, g, b] =
    t < 0.5 ? [0.95, 0.2 + 1.4 * t, 0.15] : [0.95 - 1.7 * (t - 0.5), 0.9, 0.15 + 0.2 * (t - 0.5)];
  return `rgb(${Math.round(r * 255)},${Math.round(g * 255)},${Math.round(b * 255)})`;
}

export class OverlayLayer {
  readonly el: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private dpr = 1;
  private drawn = '';
  private shapesFor: RunInfo | null = null;
  private shapes: OverlayShapes = NO_SHAPES;
  private runs = 0;
  private readonly unsubscribe: () => void;

  /** `requestDraw` is called when a toggle changes (the adapter schedules a frame). */
  constructor(
    private readonly editor: Editor,
    requestDraw: () => void,
  ) {
    this.el = document.createElement('canvas');
    this.el.setAttribute('data-testid', 'overlay-canvas');
    this.el.style.pointerEvents = 'none';
    const ctx = this.el.getContext('2d');
    if (!ctx) throw new Error('This browser cannot draw on a 2D canvas');
    this.ctx = ctx;
    this.unsubscribe = editor.overlays.subscribe(requestDraw);
  }

  /** Sizes the layer to `w` × `h` CSS px at `dpr` device px per CSS px. */
  resize(w: number, h: number, dpr: number): void {
    this.dpr = dpr;
    this.el.width = Math.max(1, Math.round(w * dpr));
    this.el.height = Math.max(1, Math.round(h * dpr));
    this.el.style.width = `${w}px`;
    this.el.style.height = `${h}px`;
    this.drawn = '';
  }

  /** Draws the toggled overlays with the view transform `t` (image px → CSS px); cheap when unchanged. */
  draw(t: readonly number[]): void {
    const s = this.editor.getSnapshot();
    if (s.run !== this.shapesFor) {
      this.shapesFor = s.run;
      this.shapes = overlayShapes(s.run);
      this.runs++;
    }
    const on = this.editor.overlays.getSnapshot();
    const key = `${t.join(',')} ${this.el.width}x${this.el.height} ${this.runs} ${on.rects}${on.sources}${on.labels} ${s.doc?.imageId ?? ''}`;
    if (key === this.drawn) return;
    this.drawn = key;
    const { ctx, el, dpr } = this;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, el.width, el.height);
    if (!s.doc) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    paintOverlays(ctx, this.shapes, on, t);
  }

  dispose(): void {
    this.unsubscribe();
    this.el.remove();
  }
}

/** The shapes the toggles select, drawn with the view transform `t` (the context in CSS px). */
export function paintOverlays(
  ctx: CanvasRenderingContext2D,
  shapes: OverlayShapes,
  on: Record<OverlayKind, boolean>,
  t: readonly number[],
): void {
  const vx = (x: number) => t[0] * x + t[4];
  const vy = (y: number) => t[3] * y + t[5];
  const box = (r: Rect) => ({ x: vx(r.x), y: vy(r.y), w: r.width * t[0], h: r.height * t[3] });
  ctx.font = FONT;
  ctx.textBaseline = 'middle';
  ctx.lineJoin = 'round';

  if (on.sources) {
    for (const a of shapes.arrows) {
      const b = box(a.block);
      if (!a.source) {
        ctx.strokeStyle = REJECTED;
        ctx.lineWidth = 1.5;
        ctx.setLineDash([]);
        ctx.beginPath();
        ctx.rect(b.x, b.y, b.w, b.h);
        ctx.moveTo(b.x, b.y);
        ctx.lineTo(b.x + b.w, b.y + b.h);
        ctx.moveTo(b.x + b.w, b.y);
        ctx.lineTo(b.x, b.y + b.h);
        ctx.stroke();
        continue;
      }
      const colour = scoreColour(a.score ?? 0);
      const src = box(a.source);
      ctx.setLineDash([]);
      ctx.lineWidth = 1;
      ctx.strokeStyle = 'rgba(255,255,255,0.7)';
      ctx.strokeRect(src.x, src.y, src.w, src.h);
      ctx.strokeStyle = colour;
      ctx.strokeRect(b.x, b.y, b.w, b.h);
      const l = arrowLine(a);
      if (l) arrow(ctx, vx(l.x0), vy(l.y0), vx(l.x1), vy(l.y1), colour);
    }
  }

  if (on.rects) {
    for (const r of shapes.rects) {
      const b = box(r.rect);
      const colour = RECT_COLOURS[r.role];
      ctx.setLineDash(r.role === 'context' ? [6, 4] : []);
      ctx.lineWidth = 3;
      ctx.strokeStyle = 'rgba(0,0,0,0.55)';
      ctx.strokeRect(b.x, b.y, b.w, b.h);
      ctx.lineWidth = 1.5;
      ctx.strokeStyle = colour;
      ctx.strokeRect(b.x, b.y, b.w, b.h);
      ctx.setLineDash([]);
      pill(ctx, r.label, b.x, Math.max(10, b.y - 10), colour, 'left');
    }
  }

  if (on.labels) {
    for (const l of shapes.labels) {
      const b = box(l.box);
      // Above the hole, or inside its top edge when the hole touches the top of the view.
      const y = b.y - 12 >= 10 ? b.y - 12 : b.y + 12;
      pill(ctx, l.text, b.x + b.w / 2, y, '#ffffff', 'center');
    }
  }
}

/** A line with a head at its end. */
function arrow(
  ctx: CanvasRenderingContext2D,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  colour: string,
) {
  const len = Math.hypot(x1 - x0, y1 - y0);
  if (len < 1) return;
  const ux = (x1 - x0) / len,
    uy = (y1 - y0) / len;
  const head = Math.min(8, len / 2);
  ctx.strokeStyle = colour;
  ctx.fillStyle = colour;
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  ctx.moveTo(x0, y0);
  ctx.lineTo(x1 - ux * head, y1 - uy * head);
  ctx.stroke();
  ctx.beginPath();
  ctx.moveTo(x1, y1);
  ctx.lineTo(x1 - ux * head - uy * head * 0.5, y1 - uy * head + ux * head * 0.5);
  ctx.lineTo(x1 - ux * head + uy * head * 0.5, y1 - uy * head - ux * head * 0.5);
  ctx.closePath();
  ctx.fill();
}

/** Text on a dark rounded pill; `x` is its left edge or its centre, `y` its middle. */
function pill(
  ctx: CanvasRenderingContext2D,
  text: string,
  x: number,
  y: number,
  colour: string,
  align: 'left' | 'center',
) {
  const w = ctx.measureText(text).width + 10;
  const h = 18;
  const left = align === 'center' ? x - w / 2 : x;
  ctx.fillStyle = 'rgba(17,19,22,0.82)';
  ctx.beginPath();
  ctx.roundRect(left, y - h / 2, w, h, 4);
  ctx.fill();
  ctx.fillStyle = colour;
  ctx.textAlign = 'left';
  ctx.fillText(text, left + 5, y + 0.5);
}
