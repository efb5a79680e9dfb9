/**
 * Apply and the applied steps: "Apply" (Enter) makes the current result the image's new base in the
 * engine (applyResult: at full resolution, no pixels travel), clears the mask as part of the same undo
 * step, and the next stroke and run work on the new base. Undo and redo step through Apply steps as well
 * as mask edits (history.ts: an Apply step carries its base change); the History list goes back to any
 * applied step. Remove mode: a stroke, once released, runs and is applied.
 */
import type { EditorCore, Raster } from './editorState';
import { wireError } from './editorState';
import type { MaskDocument } from './maskDocument';
import type { HistoryEntry } from './history';
import type { RunControl } from './runControl';

/** The tools whose stroke marks a hole (remove mode runs after them; not the eraser or the picker). */
const MARKING_TOOLS = new Set(['brush', 'rect', 'lasso']);
/** Display copies of bases kept in the page beside the one shown. */
const KEPT_RASTERS = 2;

export class ApplyControl {
  /** An engine call that moves the base is under way: undo, redo and Apply wait for it. */
  private moving = false;
  private gestureTop: HistoryEntry | null | undefined = undefined;
  /**
   * Display copies of the bases last left, by step (KEPT_RASTERS): undo right after Apply, and redo
   * right after undo, need no display copy from the engine (a 17.9 MP one is 72 MB).
   */
  private readonly rasters = new Map<number, Raster>();
  /** The image those display copies belong to (step numbers start again with every image). */
  private rastersOf = '';

  constructor(
    private readonly core: EditorCore,
    private readonly mask: () => MaskDocument | null,
    private readonly runs: RunControl,
  ) {}

  /** Whether Apply can act now: a finished result of the current base is shown. */
  get canApply(): boolean {
    const s = this.core.state;
    return s.doc !== null && s.run.status === 'done' && s.run.resultId !== null && !this.moving;
  }

  /**
   * Apply: the shown result becomes the base image; the mask clears (one undo step with the base
   * change). Says why in the status bar when there is nothing to apply.
   */
  async apply(): Promise<boolean> {
    const s = this.core.state;
    const doc = s.doc;
    const maskDoc = this.mask();
    const resultId = s.run.resultId;
    const raster = this.runs.resultRaster;
    if (!doc || !maskDoc) return false;
    if (s.run.status === 'running') {
      this.core.notify('info', 'Wait for the run to finish, then apply its result.');
      return false;
    }
    if (!resultId || !raster || s.run.status !== 'done') {
      this.core.notify('info', 'Run first, then Apply makes the result the image to keep working on.');
      return false;
    }
    if (this.moving) return false;
    const api = this.core.requireApi();
    if (!api) return false;
    const from = s.applied.step;
    const label = this.stepLabel();
    this.moving = true;
    try {
      const left = this.runs.beforeRaster;
      const r = await api.applyResult({ imageId: doc.imageId, resultId, label });
      if (this.core.state.doc?.imageId !== doc.imageId) return false;
      this.forOpenImage();
      // Steps after `from` belonged to a branch Apply just dropped.
      for (const step of [...this.rasters.keys()]) if (step > from) this.rasters.delete(step);
      if (left) this.keepRaster(from, left);
      maskDoc.begin('Apply');
      maskDoc.rect(maskDoc.mask.full, 'erase');
      maskDoc.history.markBase({ from, to: r.step });
      maskDoc.end();
      this.runs.baseChanged(raster);
      this.core.update({
        applied: { step: r.step, steps: r.steps },
        notice: { kind: 'info', text: `Applied: ${label}. Ctrl+Z undoes it.` },
      });
      return true;
    } catch (e) {
      this.core.notify('error', wireError(e).message);
      return false;
    } finally {
      this.moving = false;
    }
  }

  /** Undo: a mask edit at once; an Apply step once the engine has gone back to the earlier base. */
  undo(): void {
    const d = this.mask();
    if (!d || this.moving) return;
    const base = d.history.undoBase;
    if (!base) d.undo();
    else void this.moveBase(base.from, () => d.undo());
  }

  redo(): void {
    const d = this.mask();
    if (!d || this.moving) return;
    const base = d.history.redoBase;
    if (!base) d.redo();
    else void this.moveBase(base.to, () => d.redo());
  }

  /**
   * The History list: back (or forward) to the state right after applied step `step` (0: the image as
   * opened), through undo or redo, with one engine call for the base.
   */
  async goToStep(step: number): Promise<void> {
    const d = this.mask();
    if (!d || this.moving) return;
    const current = this.core.state.applied.step;
    const path = d.history.pathToBase(step, current);
    if (!path) {
      this.core.notify('error', 'That step is no longer in the undo history.');
      return;
    }
    const n = 'undo' in path ? path.undo : path.redo;
    if (n === 0) return;
    await this.moveBase(step, () => {
      for (let i = 0; i < n; i++)
        if ('undo' in path) d.undo();
        else d.redo();
    });
  }

  /** Whether the History list can reach applied step `step` (undo or redo still holds it). */
  canGoToStep(step: number): boolean {
    const d = this.mask();
    return d !== null && d.history.pathToBase(step, this.core.state.applied.step) !== null;
  }

  /** Remove mode: a pointer gesture begins (its end is compared with this). */
  gestureStarted(): void {
    this.gestureTop = this.mask()?.history.top;
  }

  /** Remove mode: a gesture ended; when it marked a hole, run and apply. */
  gestureEnded(): void {
    const before = this.gestureTop;
    this.gestureTop = undefined;
    const s = this.core.state;
    const d = this.mask();
    if (!s.removeMode || !d || before === undefined || !MARKING_TOOLS.has(s.tool)) return;
    if (d.history.top === before || d.mask.bounds() === null) return;
    void this.removeNow();
  }

  /** Runs, then applies the result (remove mode). */
  async removeNow(): Promise<void> {
    await this.runs.run();
    if (this.core.state.run.status === 'done') await this.apply();
  }

  /**
   * The engine process was restarted (after a crash): the host re-opened the image from its file, so
   * the applied steps, which lived in the old process, are gone. Say so and show the image the engine
   * holds now, rather than let the next run fill from a base the page no longer shows.
   */
  async engineRestarted(): Promise<void> {
    const s = this.core.state;
    const api = this.core.api;
    if (!api || !s.doc || s.applied.steps.length === 0) return;
    try {
      const r = await api.setImageStep({ imageId: s.doc.imageId, step: 0 });
      if (this.core.state.doc?.imageId !== s.doc.imageId) return;
      // Its Apply steps name bases the engine no longer has.
      this.mask()?.history.clear();
      this.rasters.clear();
      if (r.preview) this.runs.baseChanged(r.preview as Raster);
      this.core.update({
        applied: { step: r.step, steps: r.steps },
        canUndo: false,
        canRedo: false,
        notice: {
          kind: 'error',
          text:
            'The engine restarted and lost the applied steps: the image is back as opened (your mask is ' +
            'kept). Export after the steps you want to keep.',
        },
      });
    } catch (e) {
      this.core.notify('error', wireError(e).message);
    }
  }

  /** Sets the engine's base to `step`, then changes the history (`move`) and shows the new base. */
  private async moveBase(step: number, move: () => void): Promise<void> {
    const api = this.core.requireApi();
    const doc = this.core.state.doc;
    if (!api || !doc) return;
    this.moving = true;
    try {
      this.forOpenImage();
      const held = this.rasters.get(step);
      const r = await api.setImageStep({ imageId: doc.imageId, step, ...(held ? { preview: false } : {}) });
      if (this.core.state.doc?.imageId !== doc.imageId) return;
      const preview = (r.preview as Raster | undefined) ?? held;
      if (!preview) throw new Error('The engine sent no display copy of the image.');
      const left = this.runs.beforeRaster;
      if (left) this.keepRaster(this.core.state.applied.step, left);
      this.rasters.delete(step);
      move();
      this.runs.baseChanged(preview);
      this.core.update({ applied: { step: r.step, steps: r.steps } });
    } catch (e) {
      this.core.notify('error', wireError(e).message);
    } finally {
      this.moving = false;
    }
  }

  /** Drops the display copies of another image's bases. */
  private forOpenImage(): void {
    const id = this.core.state.doc?.imageId ?? '';
    if (id === this.rastersOf) return;
    this.rasters.clear();
    this.rastersOf = id;
  }

  /** Keeps the display copy of a base being left (the most recent last), within KEPT_RASTERS. */
  private keepRaster(step: number, raster: Raster): void {
    this.rasters.delete(step);
    this.rasters.set(step, raster);
    while (this.rasters.size > KEPT_RASTERS) this.rasters.delete(this.rasters.keys().next().value!);
  }

  /** "LaMa fill + Colour · 1.2k px": the stages that made the result and the hole's size. */
  private stepLabel(): string {
    const s = this.core.state;
    const names = s.run.stages.map((x) => s.stageInfos.find((i) => i.name === x.name)?.label ?? x.name);
    const area = this.mask()?.mask.area() ?? 0;
    const px =
      area >= 1e6 ? `${(area / 1e6).toFixed(1)}M` : area >= 1e3 ? `${(area / 1e3).toFixed(1)}k` : `${area}`;
    return `${names.length ? names.join(' + ') : 'Fill'} · ${px} px`;
  }
}
