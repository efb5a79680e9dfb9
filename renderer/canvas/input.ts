/**
 * The canvas's input: pointer and wheel gestures into editor calls and view changes. `CanvasInput` holds
 * the gesture logic without the DOM (a stroke, a pan drag, a divider drag, the wheel; which cursor the
 * pointer shows), in view CSS px; `bindInput` attaches it to the host element's events.
 */
import type { EditorState } from '../state/editorState';
import type { ToolPointer } from '../state/tools/tool';
import type { View } from './viewport';

/** How near (CSS px) the pointer must be to grab the split divider. */
export const DIVIDER_GRAB = 10;

/** The editor as the input sees it. */
export interface InputEditor {
  getSnapshot(): Pick<EditorState, 'doc' | 'panning' | 'split' | 'splitAt' | 'holdBefore' | 'tool'>;
  /** The displayed "after" raster, if any (the divider exists only with one). */
  readonly afterRaster: unknown;
  pointerDown(p: ToolPointer): void;
  pointerMove(p: ToolPointer): void;
  pointerUp(p: ToolPointer): void;
  pointerCancel(): void;
  readonly view: { setSplitAt(at: number): void };
}

/** A pointer event in view CSS px (relative to the host's top-left). */
export interface PointerSample {
  x: number;
  y: number;
  /** The button pressed (pointerdown only): 0 main, 1 middle. */
  button?: number;
  alt?: boolean;
  shift?: boolean;
}

export type Drag = { kind: 'pan'; x: number; y: number } | { kind: 'divider' } | { kind: 'tool' } | null;

export class CanvasInput {
  drag: Drag = null;
  /** Where the pointer is over the view (null when it left). */
  pointer: { x: number; y: number } | null = null;

  constructor(
    private readonly editor: InputEditor,
    private readonly view: View,
  ) {}

  /**
   * A press: the middle button (or the main one while panning) pans, the main one near the split divider
   * drags it, else it starts a tool's stroke. False when there is no image (the press is not the view's).
   */
  down(e: PointerSample): boolean {
    const s = this.editor.getSnapshot();
    if (!s.doc) return false;
    this.pointer = { x: e.x, y: e.y };
    if (e.button === 1 || (e.button === 0 && s.panning)) this.drag = { kind: 'pan', x: e.x, y: e.y };
    else if (e.button === 0 && this.nearDivider()) this.drag = { kind: 'divider' };
    else if (e.button === 0) {
      this.drag = { kind: 'tool' };
      this.editor.pointerDown(this.toTool(e, e));
    }
    return true;
  }

  /**
   * A move to `e`; `samples` are every position the pointer passed through since the last move (the
   * coalesced events, `e` last), so a fast stroke follows the hand's path.
   */
  move(e: PointerSample, samples: readonly PointerSample[] = [e]): void {
    this.pointer = { x: e.x, y: e.y };
    const drag = this.drag;
    const s = this.editor.getSnapshot();
    if (drag?.kind === 'pan') {
      this.view.panBy(e.x - drag.x, e.y - drag.y);
      this.drag = { kind: 'pan', x: e.x, y: e.y };
    } else if (drag?.kind === 'divider' && s.doc) {
      this.editor.view.setSplitAt(this.view.toImage(e.x, e.y).x / s.doc.width);
    } else if (drag?.kind === 'tool') {
      for (const c of samples.length ? samples : [e]) this.editor.pointerMove(this.toTool(c, e));
    }
  }

  up(e: PointerSample): void {
    if (this.drag?.kind === 'tool') this.editor.pointerUp(this.toTool(e, e));
    this.drag = null;
  }

  cancel(): void {
    if (this.drag?.kind === 'tool') this.editor.pointerCancel();
    this.drag = null;
  }

  leave(): void {
    if (!this.drag) this.pointer = null;
  }

  /** A wheel event at view point (x, y). False when there is nothing to zoom (no image). */
  wheel(x: number, y: number, deltaY: number, deltaMode: number): boolean {
    if (!this.editor.getSnapshot().doc) return false;
    this.view.wheel(x, y, deltaY, deltaMode);
    return true;
  }

  /** Whether the pointer is over the split divider (within DIVIDER_GRAB CSS px). */
  nearDivider(): boolean {
    const s = this.editor.getSnapshot();
    const p = this.pointer;
    if (!s.doc || !s.split || !this.editor.afterRaster || s.holdBefore || !p) return false;
    return Math.abs(p.x - this.view.toView(s.splitAt * s.doc.width, 0).x) <= DIVIDER_GRAB;
  }

  /** Whether the brush outline replaces the pointer (a brush tool, over the view, not panning). */
  brushCursor(): boolean {
    const s = this.editor.getSnapshot();
    const brushy = s.tool === 'brush' || s.tool === 'eraser' || s.tool === 'sampling';
    return brushy && this.pointer !== null && !s.panning && this.drag?.kind !== 'pan';
  }

  /** The CSS cursor over the view. */
  cursor(): string {
    const panning = this.editor.getSnapshot().panning || this.drag?.kind === 'pan';
    if (panning) return this.drag ? 'grabbing' : 'grab';
    if (this.brushCursor()) return 'none';
    return this.nearDivider() ? 'ew-resize' : 'crosshair';
  }

  /** A sample as the tools take it: image px, with the modifiers of the event `mods`. */
  private toTool(p: PointerSample, mods: PointerSample): ToolPointer {
    const q = this.view.toImage(p.x, p.y);
    return { x: q.x, y: q.y, alt: mods.alt ?? false, shift: mods.shift ?? false };
  }
}

/**
 * Attaches `input` to the host's pointer and wheel events; `changed` is called after each (to draw a
 * frame). Returns what detaches them.
 */
export function bindInput(host: HTMLElement, input: CanvasInput, changed: () => void): () => void {
  const local = (e: PointerEvent | WheelEvent, mods: PointerEvent | WheelEvent = e): PointerSample => {
    const r = host.getBoundingClientRect();
    return {
      x: e.clientX - r.left,
      y: e.clientY - r.top,
      button: e instanceof PointerEvent ? e.button : undefined,
      alt: mods.altKey,
      shift: mods.shiftKey,
    };
  };
  const onDown = (e: PointerEvent) => {
    if (!input.down(local(e))) return;
    host.focus();
    host.setPointerCapture(e.pointerId);
    e.preventDefault();
    changed();
  };
  const onMove = (e: PointerEvent) => {
    const coalesced = input.drag?.kind === 'tool' && typeof e.getCoalescedEvents === 'function';
    const events = coalesced ? e.getCoalescedEvents() : [];
    input.move(
      local(e),
      events.map((c) => local(c, e)),
    );
    changed();
  };
  const onUp = (e: PointerEvent) => {
    input.up(local(e));
    if (host.hasPointerCapture(e.pointerId)) host.releasePointerCapture(e.pointerId);
    changed();
  };
  const onCancel = () => {
    input.cancel();
    changed();
  };
  const onLeave = () => {
    input.leave();
    changed();
  };
  const onWheel = (e: WheelEvent) => {
    const p = local(e);
    if (input.wheel(p.x, p.y, e.deltaY, e.deltaMode)) e.preventDefault();
  };
  host.addEventListener('pointerdown', onDown);
  host.addEventListener('pointermove', onMove);
  host.addEventListener('pointerup', onUp);
  host.addEventListener('pointercancel', onCancel);
  host.addEventListener('pointerleave', onLeave);
  host.addEventListener('wheel', onWheel, { passive: false });
  return () => {
    host.removeEventListener('pointerdown', onDown);
    host.removeEventListener('pointermove', onMove);
    host.removeEventListener('pointerup', onUp);
    host.removeEventListener('pointercancel', onCancel);
    host.removeEventListener('pointerleave', onLeave);
    host.removeEventListener('wheel', onWheel);
  };
}
