/**
 * Brush and eraser: a stroke is one gesture (one undo step). Dabs are stamped at even spacing along
 * the pointer's path, carrying the remainder between events so a slow and a fast stroke look the same.
 */
import { dabSpacing, type PaintMode } from '../paint';
import type { Tool, ToolContext, ToolPointer, ToolState } from './tool';

export class BrushTool implements Tool {
  state: ToolState = 'idle';
  private last = { x: 0, y: 0 };

  constructor(
    readonly id: 'brush' | 'eraser',
    private readonly mode: PaintMode = id === 'brush' ? 'paint' : 'erase',
  ) {}

  down(p: ToolPointer, ctx: ToolContext): void {
    if (this.state !== 'idle') this.up(p, ctx);
    ctx.doc.begin(this.id === 'brush' ? 'brush stroke' : 'erase stroke');
    this.state = 'dragging';
    this.last = { x: p.x, y: p.y };
    this.stamp(p.x, p.y, ctx);
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
    ctx.doc.end();
  }

  cancel(ctx: ToolContext): void {
    if (this.state !== 'dragging') return;
    this.state = 'idle';
    ctx.doc.abort();
  }

  private stamp(x: number, y: number, ctx: ToolContext): void {
    ctx.doc.dab(x, y, Math.max(0.5, ctx.brush.size / 2), ctx.brush.hardness, this.mode);
  }
}
