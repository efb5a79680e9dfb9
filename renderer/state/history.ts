/**
 * Undo/redo of mask edits and applied results, one step per gesture or Apply. An Apply step carries the
 * engine's base step it went from and to (`base`): undoing it puts the mask back as it was and asks the
 * engine for the earlier base (applyControl.ts). Mask edits: before a gesture first writes into a 64×64 tile, the
 * tile's bytes are saved (copy on write); when the gesture ends, tiles that did not change are dropped.
 * Undo and redo swap the stored tiles with the mask's, so each step holds one copy of what it changed,
 * and a tile of one value (the usual case for a mask) is stored as that value alone.
 *
 * A history may cover several buffers of the image's size (layers: the hole, the sampling area), so one
 * undo stack orders the edits of both as the user made them. A saved tile's key is layer × tiles + tile.
 */
import type { Box } from './box';
import type { MaskBuffer } from './mask';

const TILE = 64;

/** A saved tile: its bytes, or the one value every byte has. */
type Saved = Uint8Array | number;

/** An Apply step's change of the engine's base image: from step `from` to step `to` (0 = as opened). */
export interface BaseChange {
  from: number;
  to: number;
}

export interface HistoryEntry {
  label: string;
  tiles: Map<number, Saved>;
  base?: BaseChange;
}

/** How to reach a base step: this many undos or redos (0 of either: already there). */
export type BasePath = { undo: number } | { redo: number };

export interface HistoryOptions {
  /** Steps kept (default 100; at least 50). */
  limit?: number;
  /** Bytes of saved tiles above which the oldest steps are dropped, but never below 50 steps (default 512 MiB). */
  maxBytes?: number;
}

export class History {
  private readonly undoStack: HistoryEntry[] = [];
  private readonly redoStack: HistoryEntry[] = [];
  private open: HistoryEntry | null = null;
  private readonly tilesX: number;
  private readonly tilesY: number;
  private readonly tiles: number;
  private readonly limit: number;
  private readonly maxBytes: number;
  private readonly layers: readonly MaskBuffer[];

  /**
   * @param layers the buffer it tracks, or several of one size (layer 0 first); touch() names the layer.
   * @throws RangeError when the layers' sizes differ.
   */
  constructor(layers: MaskBuffer | readonly MaskBuffer[], opts: HistoryOptions = {}) {
    this.layers = Array.isArray(layers) ? layers : [layers as MaskBuffer];
    const mask = this.layers[0];
    for (const l of this.layers)
      if (l.width !== mask.width || l.height !== mask.height)
        throw new RangeError(
          `History layers must share one size: ${l.width}x${l.height} vs ${mask.width}x${mask.height}`,
        );
    this.tilesX = Math.ceil(mask.width / TILE);
    this.tilesY = Math.ceil(mask.height / TILE);
    this.tiles = this.tilesX * this.tilesY;
    this.limit = Math.max(50, opts.limit ?? 100);
    this.maxBytes = opts.maxBytes ?? 512 * 1024 * 1024;
  }

  get canUndo(): boolean {
    return this.undoStack.length > 0;
  }
  get canRedo(): boolean {
    return this.redoStack.length > 0;
  }
  get size(): number {
    return this.undoStack.length;
  }
  get inGesture(): boolean {
    return this.open !== null;
  }
  /** Label of the step undo would revert. */
  get undoLabel(): string | null {
    return this.undoStack.at(-1)?.label ?? null;
  }
  get redoLabel(): string | null {
    return this.redoStack.at(-1)?.label ?? null;
  }

  /** The base change the next undo would revert (an Apply step), or null for a mask edit or nothing. */
  get undoBase(): BaseChange | null {
    return this.undoStack.at(-1)?.base ?? null;
  }
  /** The base change the next redo would make again, or null. */
  get redoBase(): BaseChange | null {
    return this.redoStack.at(-1)?.base ?? null;
  }
  /** The step undo would revert (its identity tells whether a gesture left a step). */
  get top(): HistoryEntry | null {
    return this.undoStack.at(-1) ?? null;
  }

  /** Marks the open gesture as an Apply step (kept even if the mask did not change). */
  markBase(base: BaseChange): void {
    if (!this.open) throw new Error('History.markBase outside a gesture');
    this.open.base = base;
  }

  /**
   * Undos or redos that reach the state right after base step `step` was applied (step 0: right before
   * the first Apply was made), or null when the history no longer holds the steps between.
   * `current` is the engine's base step now.
   */
  pathToBase(step: number, current: number): BasePath | null {
    if (step === current) return { undo: 0 };
    if (step < current) {
      for (let i = this.undoStack.length - 1, n = 0; i >= 0; i--, n++) {
        const b = this.undoStack[i].base;
        if (b && b.to === step) return { undo: n };
        // Step 0 has no Apply of its own: the state right before the first one.
        if (b && step === 0 && b.from === 0) return { undo: n + 1 };
      }
      return null;
    }
    for (let i = this.redoStack.length - 1, n = 1; i >= 0; i--, n++)
      if (this.redoStack[i].base?.to === step) return { redo: n };
    return null;
  }

  /**
   * After a reload: the engine's applied steps as Apply entries with no mask change, steps 1..current to
   * undo and the later ones to redo (what was undone before the reload).
   */
  restoreBaseSteps(labels: readonly string[], current: number): void {
    this.clear();
    for (let i = 1; i <= current; i++)
      this.undoStack.push({ label: labels[i - 1], tiles: new Map(), base: { from: i - 1, to: i } });
    for (let i = labels.length; i > current; i--)
      this.redoStack.push({ label: labels[i - 1], tiles: new Map(), base: { from: i - 1, to: i } });
  }

  /** Starts a gesture; a gesture left open is committed first. */
  begin(label: string): void {
    if (this.open) this.commit();
    this.open = { label, tiles: new Map() };
  }

  /**
   * Saves every tile the box touches (of layer `layer`, 0 by default) that this gesture has not saved
   * yet. Call before writing.
   */
  touch(box: Box, layer = 0): void {
    if (!this.open) throw new Error('History.touch outside a gesture');
    if (!(layer >= 0 && layer < this.layers.length)) throw new RangeError(`No history layer ${layer}`);
    const tx0 = Math.max(0, Math.floor(box.x0 / TILE));
    const ty0 = Math.max(0, Math.floor(box.y0 / TILE));
    const tx1 = Math.min(this.tilesX - 1, Math.floor((box.x1 - 1) / TILE));
    const ty1 = Math.min(this.tilesY - 1, Math.floor((box.y1 - 1) / TILE));
    for (let ty = ty0; ty <= ty1; ty++)
      for (let tx = tx0; tx <= tx1; tx++) {
        const i = layer * this.tiles + ty * this.tilesX + tx;
        if (!this.open.tiles.has(i)) this.open.tiles.set(i, this.read(i));
      }
  }

  /** Ends the gesture; returns whether it changed anything (an unchanged gesture leaves no step). */
  commit(): boolean {
    const entry = this.open;
    this.open = null;
    if (!entry) return false;
    for (const [i, saved] of entry.tiles) if (this.equals(i, saved)) entry.tiles.delete(i);
    if (entry.tiles.size === 0 && !entry.base) return false;
    this.undoStack.push(entry);
    this.redoStack.length = 0;
    this.trim();
    return true;
  }

  /** Ends the gesture and puts back what it changed; returns the box to redraw. */
  abort(): Box | null {
    const entry = this.open;
    this.open = null;
    if (!entry) return null;
    return this.swap(entry);
  }

  /** Reverts the last step; returns the box to redraw, or null when there is nothing to undo. */
  undo(): Box | null {
    if (this.open) this.commit();
    const e = this.undoStack.pop();
    if (!e) return null;
    const box = this.swap(e);
    this.redoStack.push(e);
    return box;
  }

  redo(): Box | null {
    if (this.open) this.commit();
    const e = this.redoStack.pop();
    if (!e) return null;
    const box = this.swap(e);
    this.undoStack.push(e);
    return box;
  }

  clear(): void {
    this.undoStack.length = 0;
    this.redoStack.length = 0;
    this.open = null;
  }

  /** Bytes held by saved tiles. */
  bytes(): number {
    let n = 0;
    for (const e of [...this.undoStack, ...this.redoStack])
      for (const t of e.tiles.values()) n += typeof t === 'number' ? 8 : t.byteLength;
    return n;
  }

  private trim(): void {
    while (this.undoStack.length > this.limit) this.undoStack.shift();
    while (this.undoStack.length > 50 && this.bytes() > this.maxBytes) this.undoStack.shift();
  }

  /** The box of tile key `i` (any layer's). */
  private tileBox(i: number): Box {
    const t = i % this.tiles;
    const tx = t % this.tilesX;
    const ty = (t - tx) / this.tilesX;
    const { width, height } = this.layers[0];
    return {
      x0: tx * TILE,
      y0: ty * TILE,
      x1: Math.min(width, (tx + 1) * TILE),
      y1: Math.min(height, (ty + 1) * TILE),
    };
  }

  /** The buffer tile key `i` belongs to. */
  private layerOf(i: number): MaskBuffer {
    return this.layers[Math.floor(i / this.tiles)];
  }

  private read(i: number): Saved {
    const { x0, y0, x1, y1 } = this.tileBox(i);
    const { width: w, data: d } = this.layerOf(i);
    const first = d[y0 * w + x0];
    let uniform = true;
    for (let y = y0; y < y1 && uniform; y++)
      for (let x = x0; x < x1; x++)
        if (d[y * w + x] !== first) {
          uniform = false;
          break;
        }
    if (uniform) return first;
    const out = new Uint8Array((x1 - x0) * (y1 - y0));
    for (let y = y0; y < y1; y++) out.set(d.subarray(y * w + x0, y * w + x1), (y - y0) * (x1 - x0));
    return out;
  }

  private write(i: number, saved: Saved): void {
    const { x0, y0, x1, y1 } = this.tileBox(i);
    const { width: w, data: d } = this.layerOf(i);
    for (let y = y0; y < y1; y++) {
      if (typeof saved === 'number') d.fill(saved, y * w + x0, y * w + x1);
      else d.set(saved.subarray((y - y0) * (x1 - x0), (y - y0 + 1) * (x1 - x0)), y * w + x0);
    }
  }

  private equals(i: number, saved: Saved): boolean {
    const { x0, y0, x1, y1 } = this.tileBox(i);
    const { width: w, data: d } = this.layerOf(i);
    const tw = x1 - x0;
    for (let y = y0; y < y1; y++)
      for (let x = x0; x < x1; x++) {
        const v = typeof saved === 'number' ? saved : saved[(y - y0) * tw + (x - x0)];
        if (d[y * w + x] !== v) return false;
      }
    return true;
  }

  /** Exchanges the entry's tiles with the layers'; returns the box covering them (any layer's). */
  private swap(e: HistoryEntry): Box | null {
    let box: Box | null = null;
    for (const [i, saved] of e.tiles) {
      const current = this.read(i);
      this.write(i, saved);
      e.tiles.set(i, current);
      const b = this.tileBox(i);
      this.layerOf(i).markDirty(b);
      box = box
        ? {
            x0: Math.min(box.x0, b.x0),
            y0: Math.min(box.y0, b.y0),
            x1: Math.max(box.x1, b.x1),
            y1: Math.max(box.y1, b.y1),
          }
        : b;
    }
    return box;
  }
}
