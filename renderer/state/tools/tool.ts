/**
 * Tools are small state machines driven by pointer events in image pixels (idle → pointing →
 * dragging, as in tldraw's StateNode). They know nothing of the DOM, so tests drive them with fake events.
 */
import type { Box } from '../box';
import type { MaskDocument } from '../maskDocument';
import type { Point } from '../shapes';

/** `sampling`: the sampling-area brush (where the fill may sample from; Alt flips include/exclude). */
export type ToolId = 'brush' | 'eraser' | 'rect' | 'lasso' | 'pick' | 'sampling';
export type ToolState = 'idle' | 'pointing' | 'dragging';

/** A pointer event in image pixels (fractional; (0, 0) is the top-left corner of the image). */
export interface ToolPointer {
  x: number;
  y: number;
  /** Alt held: shape tools subtract instead of add; the sampling brush does the other of its mode. */
  alt?: boolean;
  shift?: boolean;
}

/** What a tool shows while it works (drawn by the canvas adapter, never part of the mask). */
export type ToolOverlay =
  { kind: 'rect'; box: Box; erase: boolean } | { kind: 'lasso'; points: Point[]; erase: boolean };

export interface ToolContext {
  doc: MaskDocument;
  /** Brush diameter in image pixels (>= 1) and hardness (0..1). */
  brush: { size: number; hardness: number };
  /** The sampling brush's mode: exclude (true) or include (false) what it paints. */
  samplingExclude: boolean;
  setOverlay(overlay: ToolOverlay | null): void;
  /** The region picker's result (only the pick tool calls it). */
  pickRect(box: Box): void;
}

export interface Tool {
  readonly id: ToolId;
  readonly state: ToolState;
  down(p: ToolPointer, ctx: ToolContext): void;
  move(p: ToolPointer, ctx: ToolContext): void;
  up(p: ToolPointer, ctx: ToolContext): void;
  /** Abandons the gesture in progress (Escape, pointer lost, tool switched). */
  cancel(ctx: ToolContext): void;
}
