/**
 * The editor: the open image, its mask and history, the tools, the stage cards and the run, as plain
 * TypeScript (DESIGN rule 6). React subscribes through useSyncExternalStore; the canvas adapter
 * subscribes directly and reads the rasters and the mask, which live here but outside the snapshot
 * (they are large and change in place).
 */
import type { EngineApi, EventPayload, MethodResult } from '../../app/contract/schemas';
import type { ParamValue } from '../../app/common/params';
import type { Box } from './box';
import { MaskDocument } from './maskDocument';
import { initialStages, stageRequests, type StageInfo, type StageSettings } from './params';
import { IDLE_RUN, applyProgress, failRun, finishRun, startRun, type RunInfo } from './runProgress';
import { nextBrushSize, type Command } from './shortcuts';
import { Store } from './store';
import { BrushTool } from './tools/brushTool';
import { LassoTool } from './tools/lassoTool';
import { RectTool } from './tools/rectTool';
import type { Tool, ToolContext, ToolId, ToolOverlay, ToolPointer } from './tools/tool';

export type Raster = MethodResult<'openImage'>['preview'];
export type ModelListing = MethodResult<'listModels'>[number];
export type ExportFormat = 'png' | 'jpeg' | 'webp' | 'tiff';
export type EncodedFile = MethodResult<'encodeResult'>;

export interface ImageDoc {
  imageId: string;
  name: string;
  width: number;
  height: number;
  format: string;
  bitDepth: number;
  hasAlpha: boolean;
}

export interface EngineInfo {
  version: string;
  modelsDir: string;
  providers: string[];
}

export interface ModelDownload {
  jobId: string;
  id: string;
  received: number;
  total: number;
}

export interface EditorState {
  connection: 'connecting' | 'ready' | 'closed';
  engine: EngineInfo | null;
  doc: ImageDoc | null;
  /** Changes whenever the mask does. */
  maskVersion: number;
  canUndo: boolean;
  canRedo: boolean;
  tool: ToolId;
  brush: { size: number; hardness: number };
  overlay: ToolOverlay | null;
  maskColor: string;
  maskOpacity: number;
  showMask: boolean;
  /** Before/after split view, and where its divider is (0..1 of the image width). */
  split: boolean;
  splitAt: number;
  /** `\` held: the original is shown. */
  holdBefore: boolean;
  /** Space held: dragging pans. */
  panning: boolean;
  /** The canvas's zoom (1 = 100 %), written by the canvas adapter. */
  zoom: number;
  stageInfos: StageInfo[];
  stages: StageSettings[];
  /** The region picker's target while the pick tool is active. */
  picking: { stage: string; param: string; previousTool: ToolId } | null;
  /** Re-run automatically (from the changed stage on) when a slider moves after a run. */
  autoRerun: boolean;
  run: RunInfo;
  /** Changes whenever the displayed "after" raster does (a result or a live preview). */
  resultVersion: number;
  /** Changes whenever a new image (the "before" raster) is opened. */
  imageVersion: number;
  models: ModelListing[];
  modelId: string | null;
  download: ModelDownload | null;
  exportFormat: ExportFormat;
  /** A message for the status bar. */
  notice: { kind: 'info' | 'error'; text: string } | null;
  busy: string | null;
}

/** What the canvas adapter offers the editor (zoom commands). */
export interface Viewport {
  fit(): void;
  actualSize(): void;
}

export interface Scheduler {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface EditorOptions {
  /** The model runs use (e.g. from the page's ?model=). */
  modelId?: string | null;
  /** Stages enabled at start (default: the first declared). */
  enabledStages?: readonly string[];
  /** Delay between the last slider change and the automatic re-run (default 300 ms). */
  rerunDelayMs?: number;
  scheduler?: Scheduler;
}

function wireError(e: unknown): { code: string; message: string } {
  const x = e as { code?: unknown; message?: unknown };
  return {
    code: typeof x?.code === 'string' ? x.code : 'INTERNAL',
    message: typeof x?.message === 'string' ? x.message : String(e),
  };
}

export class Editor extends Store<EditorState> {
  private api: EngineApi | null = null;
  private maskDoc: MaskDocument | null = null;
  private before: Raster | null = null;
  private after: Raster | null = null;
  /** The last finished result's raster (what "after" falls back to when a run is cancelled). */
  private result: Raster | null = null;
  private afterIsPreview = false;
  private viewport: Viewport | null = null;
  private readonly tools: Record<ToolId, Tool> = {
    brush: new BrushTool('brush'),
    eraser: new BrushTool('eraser'),
    rect: new RectTool('rect'),
    lasso: new LassoTool(),
    pick: new RectTool('pick'),
  };
  private readonly scheduler: Scheduler;
  private readonly rerunDelayMs: number;
  private rerunTimer: unknown = null;
  private jobCounter = 0;
  private readonly unsubscribers: (() => void)[] = [];
  private readonly enabledStages?: readonly string[];

  constructor(opts: EditorOptions = {}) {
    super({
      connection: 'connecting',
      engine: null,
      doc: null,
      maskVersion: 0,
      canUndo: false,
      canRedo: false,
      tool: 'brush',
      brush: { size: 40, hardness: 0.8 },
      overlay: null,
      maskColor: '#ff2d55',
      maskOpacity: 0.5,
      showMask: true,
      split: false,
      splitAt: 0.5,
      holdBefore: false,
      panning: false,
      zoom: 1,
      stageInfos: [],
      stages: [],
      picking: null,
      autoRerun: true,
      run: IDLE_RUN,
      resultVersion: 0,
      imageVersion: 0,
      models: [],
      modelId: opts.modelId ?? null,
      download: null,
      exportFormat: 'png',
      notice: null,
      busy: null,
    });
    this.scheduler = opts.scheduler ?? {
      setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
      clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>),
    };
    this.rerunDelayMs = opts.rerunDelayMs ?? 300;
    this.enabledStages = opts.enabledStages;
  }

  // ---- engine ----

  /** Connects to an engine: loads its info, stages and models and listens to its events. */
  async attach(api: EngineApi): Promise<void> {
    this.api = api;
    this.unsubscribers.push(
      api.on('onProgress', (e) => this.onProgress(e)),
      api.on('onModelProgress', (e) => {
        const d = this.state.download;
        if (d && d.jobId === e.jobId)
          this.update({ download: { ...d, received: e.received, total: e.total } });
      }),
    );
    try {
      const [engine, stageInfos] = await Promise.all([api.engineInfo({}), api.listStages({})]);
      this.update({
        connection: 'ready',
        engine,
        stageInfos,
        stages: initialStages(stageInfos, this.enabledStages),
      });
    } catch (e) {
      this.update({ connection: 'closed', notice: { kind: 'error', text: wireError(e).message } });
      return;
    }
    await this.refreshModels();
  }

  /** The transport closed: the engine can no longer be reached. */
  disconnected(reason: string): void {
    this.update({ connection: 'closed', notice: { kind: 'error', text: reason } });
  }

  detach(): void {
    for (const u of this.unsubscribers.splice(0)) u();
    this.api = null;
    this.clearRerun();
  }

  // ---- rasters and mask for the canvas adapter ----

  get beforeRaster(): Raster | null {
    return this.before;
  }
  /** The displayed "after": the result, or a live preview (possibly smaller than the image). */
  get afterRaster(): Raster | null {
    return this.after;
  }
  get afterIsLivePreview(): boolean {
    return this.afterIsPreview;
  }
  get mask(): MaskDocument | null {
    return this.maskDoc;
  }
  setViewport(v: Viewport | null): void {
    this.viewport = v;
  }

  // ---- image ----

  /** Opens an image from a file's bytes (the browser: an <input type=file> or a drop). */
  async openImageData(name: string, bytes: ArrayBuffer): Promise<void> {
    const api = this.requireApi();
    if (!api) return;
    await this.opening(name, () => api.openImageData({ name, bytes }));
  }

  /** Opens an image by path (Electron's native dialog). */
  async openImagePath(path: string): Promise<void> {
    const api = this.requireApi();
    if (!api) return;
    await this.opening(path, () => api.openImage({ path }));
  }

  private async opening(label: string, open: () => Promise<MethodResult<'openImage'>>): Promise<void> {
    this.update({ busy: `Opening ${label}…`, notice: null });
    try {
      const r = await open();
      this.cancelRun();
      this.clearRerun();
      this.before = r.preview;
      this.after = null;
      this.result = null;
      this.afterIsPreview = false;
      this.maskDoc = new MaskDocument(r.width, r.height, () => this.maskChanged());
      this.update({
        doc: {
          imageId: r.imageId,
          name: r.name,
          width: r.width,
          height: r.height,
          format: r.format,
          bitDepth: r.bitDepth,
          hasAlpha: r.hasAlpha,
        },
        run: IDLE_RUN,
        split: false,
        maskVersion: this.state.maskVersion + 1,
        canUndo: false,
        canRedo: false,
        imageVersion: this.state.imageVersion + 1,
        resultVersion: this.state.resultVersion + 1,
        busy: null,
      });
    } catch (e) {
      this.update({ busy: null, notice: { kind: 'error', text: wireError(e).message } });
    }
  }

  // ---- tools and mask ----

  setTool(tool: ToolId): void {
    if (tool === this.state.tool) return;
    this.tools[this.state.tool].cancel(this.toolContext());
    this.update({ tool, picking: tool === 'pick' ? this.state.picking : null, overlay: null });
  }

  setBrush(patch: Partial<EditorState['brush']>): void {
    const size = Math.max(1, Math.min(2000, Math.round(patch.size ?? this.state.brush.size)));
    const hardness = Math.max(0, Math.min(1, patch.hardness ?? this.state.brush.hardness));
    this.update({ brush: { size, hardness } });
  }

  pointerDown(p: ToolPointer): void {
    if (!this.maskDoc) return;
    if (this.state.tool !== 'pick' && !this.state.showMask) this.update({ showMask: true });
    this.tools[this.state.tool].down(p, this.toolContext());
  }
  pointerMove(p: ToolPointer): void {
    if (this.maskDoc) this.tools[this.state.tool].move(p, this.toolContext());
  }
  pointerUp(p: ToolPointer): void {
    if (this.maskDoc) this.tools[this.state.tool].up(p, this.toolContext());
  }
  pointerCancel(): void {
    if (this.maskDoc) this.tools[this.state.tool].cancel(this.toolContext());
  }
  /** Whether the current tool is in the middle of a gesture. */
  get gestureActive(): boolean {
    return this.tools[this.state.tool].state !== 'idle';
  }

  undo(): void {
    this.maskDoc?.undo();
  }
  redo(): void {
    this.maskDoc?.redo();
  }
  fillMask(): void {
    this.maskDoc?.fill();
  }
  clearMask(): void {
    this.maskDoc?.clear();
  }
  invertMask(): void {
    this.maskDoc?.invert();
  }
  /** Grows (n > 0) or shrinks (n < 0) the hole by |n| px, one undo step. */
  growMask(n: number): void {
    this.maskDoc?.grow(n);
  }
  /** Replaces the mask with imported coverage (width × height bytes, 0..255). */
  importMask(coverage: Uint8Array): void {
    try {
      this.maskDoc?.replace(coverage);
    } catch (e) {
      this.update({ notice: { kind: 'error', text: wireError(e).message } });
    }
  }

  setOverlayStyle(patch: { maskColor?: string; maskOpacity?: number; showMask?: boolean }): void {
    this.update({
      ...patch,
      ...(patch.maskOpacity !== undefined
        ? { maskOpacity: Math.max(0, Math.min(1, patch.maskOpacity)) }
        : {}),
    });
  }

  // ---- view ----

  setSplit(split: boolean): void {
    this.update({ split });
  }
  setSplitAt(at: number): void {
    this.update({ splitAt: Math.max(0, Math.min(1, at)) });
  }
  setHoldBefore(hold: boolean): void {
    this.update({ holdBefore: hold });
  }
  setPanning(panning: boolean): void {
    this.update({ panning });
  }
  setZoom(zoom: number): void {
    this.update({ zoom });
  }
  zoomFit(): void {
    this.viewport?.fit();
  }
  zoomActual(): void {
    this.viewport?.actualSize();
  }
  /** Shows a message in the status bar. */
  notify(kind: 'info' | 'error', text: string): void {
    this.update({ notice: { kind, text } });
  }
  clearNotice(): void {
    this.update({ notice: null });
  }

  /** Runs a keyboard command; returns whether it was handled. */
  execute(cmd: Command, down = true): boolean {
    switch (cmd) {
      case 'hold:pan':
        this.setPanning(down);
        return true;
      case 'hold:before':
        this.setHoldBefore(down);
        return true;
    }
    if (!down) return false;
    switch (cmd) {
      case 'tool:brush':
        this.setTool('brush');
        return true;
      case 'tool:eraser':
        this.setTool('eraser');
        return true;
      case 'tool:rect':
        this.setTool('rect');
        return true;
      case 'tool:lasso':
        this.setTool('lasso');
        return true;
      case 'size:down':
        this.setBrush({ size: nextBrushSize(this.state.brush.size, -1) });
        return true;
      case 'size:up':
        this.setBrush({ size: nextBrushSize(this.state.brush.size, 1) });
        return true;
      case 'undo':
        this.undo();
        return true;
      case 'redo':
        this.redo();
        return true;
      case 'split:toggle':
        this.setSplit(!this.state.split);
        return true;
      case 'zoom:fit':
        this.zoomFit();
        return true;
      case 'zoom:100':
        this.zoomActual();
        return true;
      case 'mask:invert':
        this.invertMask();
        return true;
      case 'mask:clear':
        this.clearMask();
        return true;
      case 'run':
        void this.run();
        return true;
      case 'escape':
        if (this.gestureActive) this.pointerCancel();
        else if (this.state.tool === 'pick') this.setTool(this.state.picking?.previousTool ?? 'brush');
        else if (this.state.run.status === 'running') this.cancelRun();
        return true;
    }
    return false;
  }

  // ---- stages ----

  setStageEnabled(name: string, enabled: boolean): void {
    this.update({ stages: this.state.stages.map((s) => (s.name === name ? { ...s, enabled } : s)) });
    this.paramsChanged();
  }

  setParam(stage: string, param: string, value: ParamValue): void {
    const s = this.state.stages.find((x) => x.name === stage);
    if (!s || JSON.stringify(s.values[param]) === JSON.stringify(value)) return;
    this.update({
      stages: this.state.stages.map((x) =>
        x.name === stage ? { ...x, values: { ...x.values, [param]: value } } : x,
      ),
    });
    this.paramsChanged();
  }

  resetParam(stage: string, param: string): void {
    const decl = this.state.stageInfos.find((i) => i.name === stage)?.params.find((p) => p.name === param);
    if (decl) this.setParam(stage, param, decl.default);
  }

  /** Starts the region picker for a rect parameter: the next rectangle drawn becomes its value. */
  startPick(stage: string, param: string): void {
    const previousTool =
      this.state.tool === 'pick' ? (this.state.picking?.previousTool ?? 'brush') : this.state.tool;
    this.tools[this.state.tool].cancel(this.toolContext());
    this.update({ tool: 'pick', picking: { stage, param, previousTool }, overlay: null });
  }

  setAutoRerun(autoRerun: boolean): void {
    this.update({ autoRerun });
    if (!autoRerun) this.clearRerun();
  }

  /** A parameter or the stage list changed: a run for the old values is stale. */
  private paramsChanged(): void {
    const run = this.state.run;
    if (!this.state.autoRerun || !this.state.doc) return;
    if (run.status === 'running') this.cancelRun();
    if (run.resultId === null && run.status !== 'running') return;
    this.clearRerun();
    this.rerunTimer = this.scheduler.setTimeout(() => {
      this.rerunTimer = null;
      void this.run();
    }, this.rerunDelayMs);
  }

  private clearRerun(): void {
    if (this.rerunTimer !== null) this.scheduler.clearTimeout(this.rerunTimer);
    this.rerunTimer = null;
  }

  // ---- run ----

  /**
   * Runs the enabled stages on the open image with the current mask. A run still going is cancelled
   * first; the engine's cache makes unchanged stages instant (their stage-end says cached).
   */
  async run(): Promise<void> {
    this.clearRerun();
    const api = this.requireApi();
    const doc = this.state.doc;
    const maskDoc = this.maskDoc;
    if (!api || !doc || !maskDoc) return;
    const stages = stageRequests(this.state.stageInfos, this.state.stages);
    if (stages.length === 0) {
      this.update({ notice: { kind: 'error', text: 'Enable at least one stage to run.' } });
      return;
    }
    const mask = maskDoc.mask.binary();
    if (!mask.includes(1)) {
      this.update({ notice: { kind: 'info', text: 'Paint a mask over what to remove, then run.' } });
      return;
    }
    if (this.state.run.status === 'running') this.cancelRun();
    const jobId = `run-${Date.now().toString(36)}-${++this.jobCounter}`;
    this.update({
      run: startRun(
        jobId,
        stages.map((s) => s.name),
        this.state.run,
      ),
      notice: null,
    });
    try {
      const r = await api.run({
        jobId,
        imageId: doc.imageId,
        mask: { width: doc.width, height: doc.height, data: mask.buffer as ArrayBuffer },
        stages,
        ...(this.state.modelId ? { modelId: this.state.modelId } : {}),
      });
      if (this.state.run.jobId !== jobId) return;
      this.result = r.image;
      this.after = r.image;
      this.afterIsPreview = false;
      // The overlay would hide the fill: it comes back with the next mask edit.
      this.update({
        run: finishRun(this.state.run, r),
        resultVersion: this.state.resultVersion + 1,
        showMask: false,
      });
    } catch (e) {
      if (this.state.run.jobId !== jobId) return;
      const err = wireError(e);
      const restored = this.afterIsPreview;
      this.after = this.result;
      this.afterIsPreview = false;
      this.update({
        run: failRun(this.state.run, err),
        resultVersion: this.state.resultVersion + (restored ? 1 : 0),
        notice:
          err.code === 'CANCELLED'
            ? { kind: 'info', text: 'Run cancelled.' }
            : { kind: 'error', text: err.message },
      });
    }
  }

  /** Cancels the run in progress (the engine stops at its next step; the last result stays). */
  cancelRun(): void {
    const run = this.state.run;
    if (run.status !== 'running' || !run.jobId) return;
    const jobId = run.jobId;
    void this.api?.cancel({ jobId }).catch(() => {});
    this.after = this.result;
    const restored = this.afterIsPreview;
    this.afterIsPreview = false;
    this.update({
      run: failRun(run, { code: 'CANCELLED', message: 'Cancelled' }),
      resultVersion: this.state.resultVersion + (restored ? 1 : 0),
      notice: { kind: 'info', text: 'Run cancelled.' },
    });
  }

  private onProgress(e: EventPayload<'onProgress'>): void {
    const run = applyProgress(this.state.run, e);
    if (run === this.state.run) return;
    if (e.preview) {
      this.after = e.preview;
      this.afterIsPreview = true;
      this.update({ run, resultVersion: this.state.resultVersion + 1 });
    } else this.update({ run });
  }

  // ---- export ----

  setExportFormat(exportFormat: ExportFormat): void {
    this.update({ exportFormat });
  }

  /** Encodes the last result at full resolution; null when there is none. */
  async encodeResult(format: ExportFormat = this.state.exportFormat): Promise<EncodedFile | null> {
    const api = this.requireApi();
    const resultId = this.state.run.resultId;
    if (!api || !resultId) {
      this.update({ notice: { kind: 'info', text: 'Run the pipeline first, then export its result.' } });
      return null;
    }
    this.update({ busy: 'Exporting…' });
    try {
      const file = await api.encodeResult({ resultId, format, ...(format === 'png' ? {} : { quality: 92 }) });
      this.update({ busy: null, notice: { kind: 'info', text: `Exported ${file.name}` } });
      return file;
    } catch (e) {
      this.update({ busy: null, notice: { kind: 'error', text: wireError(e).message } });
      return null;
    }
  }

  // ---- models ----

  async refreshModels(): Promise<void> {
    const api = this.api;
    if (!api) return;
    try {
      this.update({ models: await api.listModels({}) });
    } catch (e) {
      this.update({ notice: { kind: 'error', text: wireError(e).message } });
    }
  }

  selectModel(modelId: string | null): void {
    this.update({ modelId: modelId || null });
  }

  async downloadModel(id: string): Promise<void> {
    const api = this.requireApi();
    if (!api || this.state.download) return;
    const jobId = `download-${Date.now().toString(36)}-${++this.jobCounter}`;
    this.update({ download: { jobId, id, received: 0, total: 0 } });
    try {
      await api.downloadModel({ jobId, id });
      this.update({ notice: { kind: 'info', text: `Installed ${id}` } });
    } catch (e) {
      const err = wireError(e);
      this.update({
        notice:
          err.code === 'CANCELLED'
            ? { kind: 'info', text: 'Download cancelled.' }
            : { kind: 'error', text: err.message },
      });
    } finally {
      this.update({ download: null });
      await this.refreshModels();
    }
  }

  cancelDownload(): void {
    const d = this.state.download;
    if (d) void this.api?.cancel({ jobId: d.jobId }).catch(() => {});
  }

  /** Imports a model file by its path on the engine's machine. */
  async importModel(id: string, path: string): Promise<void> {
    const api = this.requireApi();
    if (!api) return;
    try {
      await api.importModel({ id, path });
      this.update({ notice: { kind: 'info', text: `Imported ${id}` } });
      await this.refreshModels();
    } catch (e) {
      this.update({ notice: { kind: 'error', text: wireError(e).message } });
    }
  }

  // ---- internals ----

  private requireApi(): EngineApi | null {
    if (!this.api) this.update({ notice: { kind: 'error', text: 'The engine is not connected.' } });
    return this.api;
  }

  private maskChanged(): void {
    const d = this.maskDoc;
    if (!d) return;
    this.update({
      maskVersion: this.state.maskVersion + 1,
      canUndo: d.history.canUndo,
      canRedo: d.history.canRedo,
    });
  }

  private toolContext(): ToolContext {
    return {
      doc: this.maskDoc!,
      brush: this.state.brush,
      setOverlay: (overlay) => this.update({ overlay }),
      pickRect: (box: Box) => this.pickRect(box),
    };
  }

  private pickRect(box: Box): void {
    const p = this.state.picking;
    if (!p) return;
    this.update({ tool: p.previousTool, picking: null });
    this.setParam(p.stage, p.param, {
      x: box.x0,
      y: box.y0,
      width: box.x1 - box.x0,
      height: box.y1 - box.y0,
    });
  }
}
