/**
 * The mask and its tools: which tool is active, the brush, pointer gestures, whole-mask operations
 * (fill, clear, invert, grow/shrink, import), the region picker and the overlay's look. The editor exposes
 * it as `editor.masking`.
 */
import type { Box } from './box';
import type { EditorCore, EditorState } from './editorState';
import { wireError } from './editorState';
import { MaskDocument } from './maskDocument';
import {
  combineCoverage,
  maskImportQuestion,
  resizeCoverage,
  type MaskImage,
  type MaskImportMode,
} from './maskImport';
import { BrushTool } from './tools/brushTool';
import { LassoTool } from './tools/lassoTool';
import { RectTool } from './tools/rectTool';
import type { Tool, ToolContext, ToolId, ToolPointer } from './tools/tool';

export class MaskEditing {
  private doc: MaskDocument | null = null;
  private readonly tools: Record<ToolId, Tool> = {
    brush: new BrushTool('brush'),
    eraser: new BrushTool('eraser'),
    rect: new RectTool('rect'),
    lasso: new LassoTool(),
    pick: new RectTool('pick'),
    sampling: new BrushTool('sampling'),
  };

  constructor(
    private readonly core: EditorCore,
    /** The region picker's result: a rect parameter's new value. */
    private readonly picked: (stage: string, param: string, rect: Box) => void,
  ) {}

  get mask(): MaskDocument | null {
    return this.doc;
  }

  /** A fresh, empty mask for a newly opened image (history cleared). */
  reset(width: number, height: number): void {
    this.doc = new MaskDocument(width, height, () => this.changed());
  }

  setTool(tool: ToolId): void {
    const s = this.core.state;
    if (tool === s.tool) return;
    this.tools[s.tool].cancel(this.context());
    this.core.update({ tool, picking: tool === 'pick' ? s.picking : null, overlay: null });
  }

  setBrush(patch: Partial<EditorState['brush']>): void {
    const b = this.core.state.brush;
    const size = Math.max(1, Math.min(2000, Math.round(patch.size ?? b.size)));
    const hardness = Math.max(0, Math.min(1, patch.hardness ?? b.hardness));
    this.core.update({ brush: { size, hardness } });
  }

  pointerDown(p: ToolPointer): void {
    if (!this.doc) return;
    const s = this.core.state;
    if (s.tool !== 'pick' && s.tool !== 'sampling' && !s.showMask) this.core.update({ showMask: true });
    this.tools[this.core.state.tool].down(p, this.context());
  }
  pointerMove(p: ToolPointer): void {
    if (this.doc) this.tools[this.core.state.tool].move(p, this.context());
  }
  pointerUp(p: ToolPointer): void {
    if (this.doc) this.tools[this.core.state.tool].up(p, this.context());
  }
  pointerCancel(): void {
    if (this.doc) this.tools[this.core.state.tool].cancel(this.context());
  }
  /** Whether the current tool is in the middle of a gesture. */
  get gestureActive(): boolean {
    return this.tools[this.core.state.tool].state !== 'idle';
  }

  fill(): void {
    this.doc?.fill();
  }
  /** Clears the mask (only the mask) as one undo step, and says so. */
  clear(): void {
    const m = this.doc;
    if (!m) return;
    if (m.mask.bounds() === null) {
      this.core.notify('info', 'The mask is already empty.');
      return;
    }
    m.clear();
    this.core.notify('info', 'Mask cleared. Undo (Ctrl+Z) brings it back.');
  }
  invert(): void {
    this.doc?.invert();
  }

  /** The sampling brush's mode: exclude what it paints (true) or include it (false). */
  setSamplingExclude(samplingExclude: boolean): void {
    this.core.update({ samplingExclude });
  }
  /** "Sample from anywhere": clears the sampling area as one undo step, and says so. */
  resetSampling(): void {
    const m = this.doc;
    if (!m) return;
    if (!m.samplingSet) {
      this.core.notify('info', 'The fill already samples from anywhere outside the hole.');
      return;
    }
    m.resetSampling();
    this.core.notify('info', 'The fill samples from anywhere again. Undo (Ctrl+Z) brings the area back.');
  }

  /** Grows (n > 0) or shrinks (n < 0) the hole by |n| px (rounded, at most 1024), one undo step. */
  grow(n: number): void {
    this.doc?.grow(n);
  }

  /** Replaces the mask with imported coverage (width × height bytes, 0..255). */
  importCoverage(coverage: Uint8Array): void {
    try {
      this.doc?.replace(coverage);
    } catch (e) {
      this.core.notify('error', wireError(e).message);
    }
  }

  /**
   * Imports a decoded mask image. One of another size than the image, or onto a mask that is not empty,
   * waits for the user's answer (answerImport); otherwise it replaces the (empty) mask at once.
   */
  importImage(image: MaskImage): void {
    const doc = this.core.state.doc;
    const m = this.doc;
    if (!doc || !m) return;
    const question = maskImportQuestion(image, doc.width, doc.height, m.mask.bounds() !== null);
    if (question) this.core.update({ pendingMaskImport: question });
    else this.applyImport(image, 'replace');
  }

  /** The answer to a waiting mask import: add to the mask, replace it (resizing if needed), or cancel. */
  answerImport(answer: MaskImportMode | 'cancel'): void {
    const p = this.core.state.pendingMaskImport;
    this.core.update({ pendingMaskImport: null });
    if (!p || answer === 'cancel') return;
    this.applyImport(p.image, answer);
  }

  private applyImport(image: MaskImage, mode: MaskImportMode): void {
    const m = this.doc;
    if (!m) return;
    const fitted = resizeCoverage(image.coverage, image.width, image.height, m.width, m.height);
    this.importCoverage(combineCoverage(m.mask.data, fitted, mode));
    const resized = image.width !== m.width || image.height !== m.height;
    this.core.notify(
      'info',
      `${mode === 'add' ? 'Added' : 'Imported'} ${image.name}${resized ? ` (resized from ${image.width}×${image.height})` : ''}.`,
    );
  }

  setOverlayStyle(patch: { maskColor?: string; maskOpacity?: number; showMask?: boolean }): void {
    this.core.update({
      ...patch,
      ...(patch.maskOpacity !== undefined
        ? { maskOpacity: Math.max(0, Math.min(1, patch.maskOpacity)) }
        : {}),
    });
  }

  /** Starts the region picker for a rect parameter: the next rectangle drawn becomes its value. */
  startPick(stage: string, param: string): void {
    const s = this.core.state;
    const previousTool = s.tool === 'pick' ? (s.picking?.previousTool ?? 'brush') : s.tool;
    this.tools[s.tool].cancel(this.context());
    this.core.update({ tool: 'pick', picking: { stage, param, previousTool }, overlay: null });
  }

  private changed(): void {
    const d = this.doc;
    if (!d) return;
    this.core.update({
      maskVersion: this.core.state.maskVersion + 1,
      canUndo: d.history.canUndo,
      canRedo: d.history.canRedo,
      samplingSet: d.samplingSet,
    });
  }

  private context(): ToolContext {
    return {
      doc: this.doc!,
      brush: this.core.state.brush,
      samplingExclude: this.core.state.samplingExclude,
      setOverlay: (overlay) => this.core.update({ overlay }),
      pickRect: (box: Box) => this.pickRect(box),
    };
  }

  private pickRect(box: Box): void {
    const p = this.core.state.picking;
    if (!p) return;
    this.core.update({ tool: p.previousTool, picking: null });
    this.picked(p.stage, p.param, box);
  }
}
