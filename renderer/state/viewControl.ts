/**
 * How the image is shown: the before/after split and its divider, holding `\` for the original, Space
 * for panning, and the zoom (written by the canvas adapter, which also carries out Fit and 100 %).
 */
import type { EditorCore, Viewport } from './editorState';

export class ViewControl {
  private viewport: Viewport | null = null;

  constructor(private readonly core: EditorCore) {}

  setViewport(v: Viewport | null): void {
    this.viewport = v;
  }
  setSplit(split: boolean): void {
    this.core.update({ split });
  }
  setSplitAt(at: number): void {
    this.core.update({ splitAt: Math.max(0, Math.min(1, at)) });
  }
  setHoldBefore(hold: boolean): void {
    this.core.update({ holdBefore: hold });
  }
  setPanning(panning: boolean): void {
    this.core.update({ panning });
  }
  setZoom(zoom: number): void {
    this.core.update({ zoom });
  }
  zoomFit(): void {
    this.viewport?.fit();
  }
  zoomActual(): void {
    this.viewport?.actualSize();
  }
  /** Zooms in (factor > 1) or out about the view's centre. */
  zoomBy(factor: number): void {
    this.viewport?.zoomBy(factor);
  }
}
