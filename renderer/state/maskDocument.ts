/**
 * The mask with its history: every write goes through here, so the tiles it touches are saved for
 * undo before they change and the canvas learns which box to redraw. One gesture = one undo step.
 */
import { clampBox, type Box } from './box';
import { History, type HistoryOptions } from './history';
import { FULL, MaskBuffer } from './mask';
import { MAX_GROW_PX, growBox, growInPlace } from './morphology';
import { stampDab, type PaintMode } from './paint';
import { fillBox, fillPolygon, polygonBox, type Point } from './shapes';

export class MaskDocument {
  readonly mask: MaskBuffer;
  readonly history: History;
  /** Bumped on every change (a cheap "did the mask change" for subscribers). */
  version = 0;

  constructor(
    width: number,
    height: number,
    private readonly onChange: () => void = () => {},
    opts: HistoryOptions = {},
  ) {
    this.mask = new MaskBuffer(width, height);
    this.history = new History(this.mask, opts);
  }

  get width(): number {
    return this.mask.width;
  }
  get height(): number {
    return this.mask.height;
  }

  /** Starts a gesture (one undo step). */
  begin(label: string): void {
    this.history.begin(label);
  }

  /** Ends the gesture; returns whether it left an undo step. */
  end(): boolean {
    const changed = this.history.commit();
    this.changed();
    return changed;
  }

  /** Ends the gesture and reverts it (e.g. Escape during a stroke). */
  abort(): void {
    this.history.abort();
    this.changed();
  }

  /** Runs `write` on the mask's bytes after saving the tiles `box` touches; inside a gesture. */
  write(box: Box, write: (data: Uint8Array) => void): void {
    const b = clampBox(box, this.width, this.height);
    if (!b) return;
    const own = !this.history.inGesture;
    if (own) this.history.begin('edit');
    this.history.touch(b);
    write(this.mask.data);
    this.mask.markDirty(b);
    if (own) this.history.commit();
    this.changed();
  }

  dab(x: number, y: number, radius: number, hardness: number, mode: PaintMode): void {
    const r = Math.max(0.5, radius);
    this.write({ x0: x - r - 1, y0: y - r - 1, x1: x + r + 2, y1: y + r + 2 }, (d) =>
      stampDab(d, this.width, this.height, x, y, r, hardness, mode),
    );
  }

  rect(box: Box, mode: PaintMode): void {
    this.write(box, (d) => fillBox(d, this.width, this.height, box, mode === 'paint' ? FULL : 0));
  }

  polygon(points: readonly Point[], mode: PaintMode): void {
    if (points.length < 3) return;
    this.write(polygonBox(points), (d) =>
      fillPolygon(d, this.width, this.height, points, mode === 'paint' ? FULL : 0),
    );
  }

  /** Whole-mask operations, each one undo step. */
  fill(): void {
    this.step('fill', () => this.rect(this.mask.full, 'paint'));
  }
  clear(): void {
    this.step('clear', () => this.rect(this.mask.full, 'erase'));
  }
  invert(): void {
    this.step('invert', () =>
      this.write(this.mask.full, (d) => {
        for (let i = 0; i < d.length; i++) d[i] = FULL - d[i];
      }),
    );
  }
  /** Grows (n > 0) or shrinks (n < 0) the hole by |n| px; n is rounded, |n| <= MAX_GROW_PX. One step. */
  grow(n: number): void {
    const k = Math.max(-MAX_GROW_PX, Math.min(MAX_GROW_PX, Math.round(n)));
    const box = growBox(this.mask.bounds(), k, this.width, this.height);
    if (!box) return;
    this.step(k > 0 ? 'grow' : 'shrink', () => this.write(box, (d) => growInPlace(d, this.width, box, k)));
  }

  /** Replaces the mask with the given coverage (e.g. an imported mask image), as one step. */
  replace(coverage: Uint8Array): void {
    if (coverage.length !== this.mask.data.length)
      throw new RangeError(`Expected ${this.mask.data.length} mask bytes but received ${coverage.length}`);
    this.step('import mask', () => this.write(this.mask.full, (d) => d.set(coverage)));
  }

  undo(): boolean {
    const box = this.history.undo();
    this.changed();
    return box !== null;
  }
  redo(): boolean {
    const box = this.history.redo();
    this.changed();
    return box !== null;
  }

  private step(label: string, body: () => void): void {
    this.history.begin(label);
    body();
    this.end();
  }

  private changed(): void {
    this.version++;
    this.onChange();
  }
}
