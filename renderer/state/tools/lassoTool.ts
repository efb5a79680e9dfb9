/** Lasso: the pointer's path, closed on release, fills the polygon it encloses (Alt subtracts). */
import type { Point } from '../shapes';
import type { Tool, ToolContext, ToolPointer, ToolState } from './tool';

/** Minimum distance (image px) between recorded points, so a long drag stays a small polygon. */
const MIN_STEP = 1;

export class LassoTool implements Tool {
  readonly id = 'lasso' as const;
  state: ToolState = 'idle';
  private points: Point[] = [];

  down(p: ToolPointer, ctx: ToolContext): void {
    this.cancel(ctx);
    this.points = [{ x: p.x, y: p.y }];
    this.state = 'pointing';
  }

  move(p: ToolPointer, ctx: ToolContext): void {
    if (this.state === 'idle') return;
    const last = this.points[this.points.length - 1];
    if (Math.hypot(p.x - last.x, p.y - last.y) < MIN_STEP) return;
    this.points.push({ x: p.x, y: p.y });
    this.state = 'dragging';
    ctx.setOverlay({ kind: 'lasso', points: [...this.points], erase: Boolean(p.alt) });
  }

  up(p: ToolPointer, ctx: ToolContext): void {
    if (this.state === 'idle') return;
    this.move(p, ctx);
    const points = this.points;
    this.points = [];
    this.state = 'idle';
    ctx.setOverlay(null);
    if (points.length < 3) return;
    ctx.doc.begin('lasso');
    ctx.doc.polygon(points, p.alt ? 'erase' : 'paint');
    ctx.doc.end();
  }

  cancel(ctx: ToolContext): void {
    if (this.state === 'idle') return;
    this.points = [];
    this.state = 'idle';
    ctx.setOverlay(null);
  }
}
