/**
 * Rectangle: press, drag, release fills the box (Alt subtracts). The pick variant hands the box to
 * the region picker instead of the mask. A click without a drag does nothing.
 */
import { boxFromCorners } from '../box';
import type { Tool, ToolContext, ToolPointer, ToolState } from './tool';

/** Movement (image px) below which a press is a click, not a drag. */
const DRAG_MIN = 1;

export class RectTool implements Tool {
  state: ToolState = 'idle';
  private start = { x: 0, y: 0 };

  constructor(readonly id: 'rect' | 'pick' = 'rect') {}

  down(p: ToolPointer, ctx: ToolContext): void {
    this.cancel(ctx);
    this.start = { x: p.x, y: p.y };
    this.state = 'pointing';
  }

  move(p: ToolPointer, ctx: ToolContext): void {
    if (this.state === 'idle') return;
    if (this.state === 'pointing') {
      if (Math.max(Math.abs(p.x - this.start.x), Math.abs(p.y - this.start.y)) < DRAG_MIN) return;
      this.state = 'dragging';
    }
    ctx.setOverlay({ kind: 'rect', box: this.box(p, ctx), erase: Boolean(p.alt) && this.id === 'rect' });
  }

  up(p: ToolPointer, ctx: ToolContext): void {
    if (this.state === 'idle') return;
    this.move(p, ctx);
    const dragged = this.state === 'dragging';
    this.state = 'idle';
    ctx.setOverlay(null);
    if (!dragged) return;
    const box = this.box(p, ctx);
    if (box.x1 <= box.x0 || box.y1 <= box.y0) return;
    if (this.id === 'pick') {
      ctx.pickRect(box);
      return;
    }
    ctx.doc.begin('rectangle');
    ctx.doc.rect(box, p.alt ? 'erase' : 'paint');
    ctx.doc.end();
  }

  cancel(ctx: ToolContext): void {
    if (this.state === 'idle') return;
    this.state = 'idle';
    ctx.setOverlay(null);
  }

  private box(p: ToolPointer, ctx: ToolContext) {
    const cx = (v: number) => Math.max(0, Math.min(ctx.doc.width, v));
    const cy = (v: number) => Math.max(0, Math.min(ctx.doc.height, v));
    return boxFromCorners(cx(this.start.x), cy(this.start.y), cx(p.x), cy(p.y));
  }
}
