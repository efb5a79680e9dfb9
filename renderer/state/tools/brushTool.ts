/**
 * Brush, eraser and the sampling-area brush: a stroke is one gesture (one undo step). Dabs are stamped at even spacing along
 * the pointer's path, carrying the remainder between events so a slow and a fast stroke look the same.
 * Shift+click, as in Photoshop and GIMP, draws a straight stroke from where the last stroke ended (on the
 * same mask) to the click, and the drag goes on from there. The sampling brush paints the sampling area
 * (maskDocument.ts): it includes or excludes by the editor's mode, and Alt does the other for one stroke,
 * as Alt makes the rectangle and lasso subtract.
 */
import type { MaskDocument, MaskLayerId } from '../maskDocument';
import { dabSpacing, type PaintMode } from '../paint';
import type { Tool, ToolContext, ToolPointer, ToolState } from './tool';

export class BrushTool implements Tool {
  state: ToolState = 'idle';
  private last = { x: 0, y: 0 };
  /** Where the last stroke ended, and on which mask (a new image's mask starts afresh). */
  private lastEnd: { x: number; y: number; doc: MaskDocument } | null = null;

  /** The current stroke's mode (the sampling brush picks it per stroke). */
  private mode: PaintMode;
  private readonly layer: MaskLayerId;

  constructor(readonly id: 'brush' | 'eraser' | 'sampling') {
    this.mode = id === 'eraser' ? 'erase' : 'paint';
    this.layer = id === 'sampling' ? 'sampling' : 'hole';
  }

  down(p: ToolPointer, ctx: ToolContext): void {
    if (this.state !== 'idle') this.up(p, ctx);
    if (this.id === 'sampling') {
      const exclude = ctx.samplingExclude !== Boolean(p.alt);
      // The sampling area is stored as its exclusion: excluding paints it, including erases it.
      this.mode = exclude ? 'paint' : 'erase';
      ctx.doc.beginSampling(!exclude);
    } else ctx.doc.begin(this.id === 'brush' ? 'brush stroke' : 'erase stroke');
    this.state = 'dragging';
    const from = p.shift && this.lastEnd?.doc === ctx.doc ? this.lastEnd : null;
    this.last = from ? { x: from.x, y: from.y } : { x: p.x, y: p.y };
    this.stamp(this.last.x, this.last.y, ctx);
    if (from) {
      this.move(p, ctx);
      if (this.last.x !== p.x || this.last.y !== p.y) this.stamp(p.x, p.y, ctx);
      this.last = { x: p.x, y: p.y };
    }
  }

  move(p: ToolPointer, ctx: ToolContext): void {
    if (this.state !== 'dragging') return;
    const radius = Math.max(0.5, ctx.brush.size / 2);
    const spacing = dabSpacing(radius);
    let dx = p.x - this.last.x,
      dy = p.y - this.last.y;
    let dist = Math.hypot(dx, dy);
    if (dist < spacing) return;
    dx /= dist;
    dy /= dist;
    // Stamps from the last dab on; the remainder (< spacing) waits for the next event.
    while (dist >= spacing) {
      this.last = { x: this.last.x + dx * spacing, y: this.last.y + dy * spacing };
      this.stamp(this.last.x, this.last.y, ctx);
      dist -= spacing;
    }
  }

  up(p: ToolPointer, ctx: ToolContext): void {
    if (this.state !== 'dragging') return;
    this.move(p, ctx);
    if (this.last.x !== p.x || this.last.y !== p.y) this.stamp(p.x, p.y, ctx);
    this.state = 'idle';
    this.lastEnd = { x: p.x, y: p.y, doc: ctx.doc };
    ctx.doc.end();
  }

  cancel(ctx: ToolContext): void {
    if (this.state !== 'dragging') return;
    this.state = 'idle';
    ctx.doc.abort();
  }

  private stamp(x: number, y: number, ctx: ToolContext): void {
    ctx.doc.dab(x, y, Math.max(0.5, ctx.brush.size / 2), ctx.brush.hardness, this.mode, this.layer);
  }
}
