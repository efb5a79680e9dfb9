/**
 * The editor: the open image, its mask and history, the tools, the stage cards and the run, as plain
 * TypeScript (DESIGN rule 6). React subscribes through useSyncExternalStore; the canvas adapter
 * subscribes directly and reads the rasters and the mask, which live here but outside the snapshot
 * (they are large and change in place).
 *
 * This class is the one face the UI and the tests use; each idea lives in its own part:
 *   editorState.ts   the snapshot's shape and starting value, the core the parts share
 *   engineStatus.ts  the engine process's health and the crash banner (from onEngineState)
 *   maskEditing.ts   tools, mask operations, grow/shrink, undo/redo, the region picker
 *   viewControl.ts   split view, hold-for-original, pan, zoom
 *   runControl.ts    stage parameters, auto re-run, run/cancel/progress, the before/after rasters
 *   exportControl.ts export format and encoding the result
 *   fileControl.ts   Open and Export: native dialogs and granted paths (Electron), or the page's file
 *                    picker and downloads (browser); dropped files
 *   modelControl.ts  model list, downloads, imports
 *   commands.ts      keyboard and menu commands (shortcuts.ts maps keys and menu items to them)
 */
import type { EngineApi, EventPayload, MethodResult } from '../../app/contract/schemas';
import type { ParamValue } from '../../app/common/params';
import { executeCommand } from './commands';
import {
  initialEditorState,
  wireError,
  type EditorCore,
  type EditorOptions,
  type EditorState,
  type EncodedFile,
  type ExportFormat,
  type Raster,
  type Viewport,
} from './editorState';
import { applyEngineState, dismissEngineBanner } from './engineStatus';
import { ExportControl } from './exportControl';
import { withOptions, type ExportOptions } from './exportSettings';
import { FileControl, type DroppedFile, type PageFiles } from './fileControl';
import type { MaskDocument } from './maskDocument';
import {
  combineCoverage,
  maskImportQuestion,
  resizeCoverage,
  type MaskImage,
  type MaskImportMode,
} from './maskImport';
import { ApplyControl } from './applyControl';
import { MaskEditing } from './maskEditing';
import { ModelControl } from './modelControl';
import { OverlayStore } from './overlays';
import { IDLE_RUN } from './runProgress';
import { RunControl } from './runControl';
import { SessionControl, restoredFields } from './session';
import { commandForMenu, type Command, type MenuCommand } from './shortcuts';
import { Store } from './store';
import type { ToolId, ToolPointer } from './tools/tool';
import { TryValuesControl } from './tryValues';
import { ViewControl } from './viewControl';

export type { DroppedFile, PageFiles } from './fileControl';
export type {
  EditorOptions,
  EditorState,
  EncodedFile,
  EngineInfo,
  ExportFormat,
  ImageDoc,
  ModelDownload,
  ModelListing,
  Raster,
  Scheduler,
  Viewport,
} from './editorState';

/** The delay between the last change and saving the session in the engine. */
const SESSION_SAVE_DELAY_MS = 400;

export class Editor extends Store<EditorState> {
  private api: EngineApi | null = null;
  private readonly unsubscribers: (() => void)[] = [];
  private readonly core: EditorCore;
  private readonly masks: MaskEditing;
  private readonly view: ViewControl;
  private readonly runs: RunControl;
  private readonly exports: ExportControl;
  private readonly models: ModelControl;
  private readonly files: FileControl;
  private readonly applies: ApplyControl;
  private readonly sessions: SessionControl;
  /** The canvas overlays' toggles (what the corrections chose: overlays.ts). */
  readonly overlays = new OverlayStore();
  /** Try values: a strip of results for one slider (tryValues.ts). */
  readonly tryValues: TryValuesControl;
  private clipboard: ((file: EncodedFile) => Promise<void>) | null = null;

  constructor(opts: EditorOptions = {}) {
    super(initialEditorState(opts));
    const state = () => this.state;
    const api = () => this.api;
    this.core = {
      get state() {
        return state();
      },
      get api() {
        return api();
      },
      update: (patch) => this.update(patch),
      requireApi: () => {
        if (!this.api) this.notify('error', 'The engine is not connected.');
        return this.api;
      },
      notify: (kind, text) => this.notify(kind, text),
    };
    const scheduler = opts.scheduler ?? {
      setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
      clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>),
    };
    this.runs = new RunControl(
      this.core,
      () => this.masks.mask,
      scheduler,
      opts.rerunDelayMs ?? 300,
      opts.enabledStages,
    );
    this.masks = new MaskEditing(this.core, (stage, param, box) => this.runs.setRectParam(stage, param, box));
    this.view = new ViewControl(this.core);
    this.tryValues = new TryValuesControl(
      this.core,
      () => this.masks.mask,
      (stage, param, value) => this.setParam(stage, param, value),
    );
    this.subscribe(() => this.tryValues.editorChanged());
    this.exports = new ExportControl(this.core);
    this.models = new ModelControl(this.core);
    this.files = new FileControl(
      this.core,
      (path) => this.openImagePath(path),
      (name, bytes) => this.openImageData(name, bytes),
      () => this.exports.encodeResult(),
    );
    this.applies = new ApplyControl(
      this.core,
      () => this.masks.mask,
      this.runs,
      () => this.run(),
    );
    this.sessions = new SessionControl(this.core, () => this.masks.mask, scheduler, SESSION_SAVE_DELAY_MS);
    let previous = this.state;
    this.subscribe(() => {
      const was = previous;
      const next = (previous = this.state);
      // A failed run's error goes once its cause may have: the mask, a parameter or the model changed.
      if (next.maskVersion !== was.maskVersion || next.stages !== was.stages || next.modelId !== was.modelId)
        this.runs.causeChanged();
      this.sessions.changed(was, next);
    });
  }

  // ---- engine ----

  /**
   * Connects to an engine: listens to its events (the host's, Electron's menu and file events among
   * them) and loads its info, stages and models. When the engine process is down (restarting, or given
   * up on: the host says so with onEngineState as the page connects), the connection stays and the
   * stages load once the engine is back.
   */
  async attach(api: EngineApi): Promise<void> {
    this.api = api;
    this.unsubscribers.push(
      api.on('onProgress', (e) => this.runs.onProgress(e)),
      api.on('onModelProgress', (e) => this.models.onProgress(e)),
      api.on('onTryValue', (e) => this.tryValues.onPreview(e)),
      api.on('onEngineState', (e) => this.onEngineState(e)),
      // Electron only (the browser host never sends them): the app menu, drops, Open Recent.
      api.on('onMenu', (e) => this.menu(e.command)),
      api.on('onFileDropped', (e) => void this.files.openGranted(e.path)),
      api.on('onOpenFile', (e) => void this.files.openGranted(e.path)),
    );
    try {
      await this.loadEngine(api);
    } catch (e) {
      const err = wireError(e);
      // ENGINE_CRASHED: the transport is fine, the engine process is not (the banner says why).
      const connection = err.code === 'ENGINE_CRASHED' ? 'ready' : 'closed';
      this.update({ connection, notice: { kind: 'error', text: err.message } });
      return;
    }
    await this.restoreSession(api);
    await this.models.refresh();
  }

  /** Reads the engine's info and stage declarations. */
  private async loadEngine(api: EngineApi): Promise<void> {
    const [engine, stageInfos] = await Promise.all([api.engineInfo({}), api.listStages({})]);
    this.update({ connection: 'ready', engine, ...this.runs.stagesFrom(stageInfos) });
  }

  /** Reads the engine's info again (its providers: what the session layer found, the last run's). */
  private refreshEngineInfo(): void {
    const api = this.api;
    if (!api) return;
    void api
      .engineInfo({})
      .then((engine) => this.update({ engine }))
      .catch(() => {});
  }

  /** The transport closed: the engine can no longer be reached. */
  disconnected(reason: string): void {
    this.update({ connection: 'closed', notice: { kind: 'error', text: reason } });
  }

  detach(): void {
    for (const u of this.unsubscribers.splice(0)) u();
    this.api = null;
    this.runs.clearRerun();
  }

  /**
   * The engine process crashed, is restarting, is back or was given up on (the host restarts it and
   * re-opens the image; the mask and parameters never left this page).
   */
  private onEngineState(e: EventPayload<'onEngineState'>): void {
    const was = this.state.engineStatus;
    const engineStatus = applyEngineState(was, e);
    if (engineStatus === was) return;
    this.update({ engineStatus });
    if (engineStatus.health !== 'ready') {
      if (was.health === 'ready')
        this.runs.engineLost(e.message ?? 'The engine stopped unexpectedly; run again.');
      return;
    }
    // Back: its info (providers) may differ, and a download may have been cut short. A page that
    // connected while it was down has no stages yet.
    const api = this.api;
    if (!api) return;
    if (this.state.stageInfos.length === 0)
      void this.loadEngine(api).catch((err: unknown) => this.notify('error', wireError(err).message));
    else this.refreshEngineInfo();
    void this.models.refresh();
    // The restarted process re-opened the image as the file was: applied steps lived in the old one.
    if (was.health !== 'ready') void this.applies.engineRestarted();
  }

  /** Closes the engine banner (once the engine is back). */
  dismissEngineBanner(): void {
    this.update({ engineStatus: dismissEngineBanner(this.state.engineStatus) });
  }

  /**
   * The banner's "Restart engine": asks the host to start an engine it gave up on after a crash loop (it
   * re-opens the image; onEngineState reports the way back).
   */
  async restartEngine(): Promise<void> {
    const api = this.core.requireApi();
    if (!api) return;
    try {
      const { restarted } = await api.restartEngine({});
      if (!restarted && this.state.engineStatus.health === 'failed')
        this.notify('error', 'The engine could not be restarted; restart Inpaint Studio.');
    } catch (e) {
      this.notify('error', wireError(e).message);
    }
  }

  // ---- rasters and mask for the canvas adapter ----

  get beforeRaster(): Raster | null {
    return this.runs.beforeRaster;
  }
  /** The displayed "after": the result, or a live preview (possibly smaller than the image). */
  get afterRaster(): Raster | null {
    return this.runs.afterRaster;
  }
  get afterIsLivePreview(): boolean {
    return this.runs.afterIsLivePreview;
  }
  get mask(): MaskDocument | null {
    return this.masks.mask;
  }
  setViewport(v: Viewport | null): void {
    this.view.setViewport(v);
  }

  // ---- image ----

  /** Opens an image from a file's bytes (the browser: an <input type=file> or a drop). */
  async openImageData(name: string, bytes: ArrayBuffer): Promise<void> {
    const api = this.core.requireApi();
    if (!api) return;
    await this.opening(name, () => api.openImageData({ name, bytes }));
  }

  /** Open: the native dialog (Electron), else the page's file picker (see setPageFiles). */
  open(): Promise<void> {
    return this.files.open();
  }

  /** Registers the page's file picker and download, used where there are no native dialogs. */
  setPageFiles(page: PageFiles | null): void {
    this.files.setPageFiles(page);
  }

  /**
   * A file dropped on the page (null: the drop held no image). A browser opens it from its bytes;
   * Electron opens it by path when main's onFileDropped arrives.
   */
  dropFile(file: DroppedFile | null): Promise<void> {
    return this.files.drop(file);
  }

  /** Opens an image by path (Electron's native dialog, a drop, Open Recent). */
  async openImagePath(path: string): Promise<void> {
    const api = this.core.requireApi();
    if (!api) return;
    await this.opening(path, () => api.openImage({ path }));
  }

  /**
   * Brings back the session the engine kept (a reloaded page): the image at its latest applied base,
   * the mask, the sampling area, the applied steps (undo and the History list reach them) and the parameters.
   */
  private async restoreSession(api: EngineApi): Promise<void> {
    if (this.state.doc) return;
    let session: MethodResult<'loadSession'>['session'];
    try {
      ({ session } = await api.loadSession({}));
    } catch (e) {
      // The kept session could not be brought back (its image file gone or changed): say why, start empty.
      this.update({ notice: { kind: 'error', text: wireError(e).message } });
      return;
    }
    if (!session || this.state.doc) return;
    const s = session;
    await this.sessions.whileRestoring(async () => {
      await this.opening(s.name, async () => s, false);
      const m = this.masks.mask;
      if (!m || this.state.doc?.imageId !== s.imageId) return;
      if (s.mask && s.mask.width === m.width && s.mask.height === m.height) {
        m.mask.data.set(new Uint8Array(s.mask.data as ArrayBuffer));
        m.mask.markDirty(m.mask.full);
      }
      if (s.sampling && s.sampling.width === m.width && s.sampling.height === m.height)
        m.restoreSampling(new Uint8Array(s.sampling.data as ArrayBuffer));
      m.history.restoreBaseSteps(s.steps, s.step);
      this.update({
        ...restoredFields(s.state, this.state),
        applied: { step: s.step, steps: s.steps },
        maskVersion: this.state.maskVersion + 1,
        samplingSet: m.samplingSet,
        canUndo: m.history.canUndo,
        canRedo: m.history.canRedo,
        notice: { kind: 'info', text: `Restored ${s.name} as you left it.` },
      });
    });
  }

  private async opening(
    label: string,
    open: () => Promise<MethodResult<'openImage'>>,
    ask = true,
  ): Promise<void> {
    if (ask && !(await this.sessions.confirmDiscard(label.split(/[\\/]/).pop() || label))) return;
    this.update({ busy: `Opening ${label}…`, notice: null });
    try {
      const r = await open();
      // The editor holds one image: the engine frees the one it replaces (its results too).
      const previous = this.state.doc?.imageId;
      if (previous && previous !== r.imageId)
        void this.api?.closeImage({ imageId: previous }).catch(() => {});
      this.runs.newImage(r.preview);
      this.masks.reset(r.width, r.height);
      this.update({
        doc: {
          imageId: r.imageId,
          name: r.name,
          width: r.width,
          height: r.height,
          format: r.format,
          bitDepth: r.bitDepth,
          hasAlpha: r.hasAlpha,
          quality: r.quality ?? null,
        },
        run: IDLE_RUN,
        split: false,
        pendingMaskImport: null,
        maskVersion: this.state.maskVersion + 1,
        samplingSet: false,
        canUndo: false,
        canRedo: false,
        imageVersion: this.state.imageVersion + 1,
        resultVersion: this.state.resultVersion + 1,
        applied: { step: 0, steps: [] },
        unsaved: false,
        busy: null,
      });
    } catch (e) {
      this.update({ busy: null, notice: { kind: 'error', text: wireError(e).message } });
    }
  }

  // ---- tools and mask (maskEditing.ts) ----

  setTool(tool: ToolId): void {
    this.masks.setTool(tool);
  }
  setBrush(patch: Partial<EditorState['brush']>): void {
    this.masks.setBrush(patch);
  }
  pointerDown(p: ToolPointer): void {
    this.applies.gestureStarted();
    // Painting the sampling area shows it, as painting the hole shows the mask.
    if (this.state.tool === 'sampling' && this.state.doc && !this.overlays.getSnapshot().sampling)
      this.overlays.set('sampling', true);
    this.masks.pointerDown(p);
  }
  pointerMove(p: ToolPointer): void {
    this.masks.pointerMove(p);
  }
  pointerUp(p: ToolPointer): void {
    this.masks.pointerUp(p);
    // Remove mode: a stroke that marked a hole runs and is applied.
    this.applies.gestureEnded();
  }
  pointerCancel(): void {
    this.masks.pointerCancel();
  }
  /** Whether the current tool is in the middle of a gesture. */
  get gestureActive(): boolean {
    return this.masks.gestureActive;
  }
  /** Undo: a mask edit, or an Apply (the engine goes back to the earlier base). */
  undo(): void {
    this.applies.undo();
  }
  redo(): void {
    this.applies.redo();
  }
  fillMask(): void {
    this.masks.fill();
  }
  /** Clears the mask (only the mask) as one undo step, and says so. */
  clearMask(): void {
    const m = this.masks.mask;
    if (!m) return;
    if (m.mask.bounds() === null) {
      this.notify('info', 'The mask is already empty.');
      return;
    }
    this.masks.clear();
    this.notify('info', 'Mask cleared. Undo (Ctrl+Z) brings it back.');
  }

  // ---- the sampling area (maskDocument.ts; the Sampling area tool paints it) ----

  /** The sampling brush's mode: exclude what it paints (true) or include it (false). */
  setSamplingExclude(exclude: boolean): void {
    this.masks.setSamplingExclude(exclude);
  }
  /** "Sample from anywhere": clears the sampling area as one undo step, and says so. */
  resetSampling(): void {
    const m = this.masks.mask;
    if (!m) return;
    if (!m.samplingSet) {
      this.notify('info', 'The fill already samples from anywhere outside the hole.');
      return;
    }
    this.masks.resetSampling();
    this.notify('info', 'The fill samples from anywhere again. Undo (Ctrl+Z) brings the area back.');
  }

  // ---- apply, history, session (applyControl.ts, session.ts) ----

  /** Apply (Enter): the shown result becomes the image to keep working on; the mask clears. */
  applyResult(): Promise<boolean> {
    return this.applies.apply();
  }
  /** Whether Apply can act now (a finished result is shown). */
  get canApply(): boolean {
    return this.applies.canApply;
  }
  /** The History list: back or forward to applied step `step` (0: the image as opened). */
  goToStep(step: number): Promise<void> {
    return this.applies.goToStep(step);
  }
  /** Whether the History list can reach applied step `step` (undo or redo still holds it). */
  canGoToStep(step: number): boolean {
    const m = this.masks.mask;
    return m !== null && m.history.pathToBase(step, this.state.applied.step) !== null;
  }
  /** Remove mode: releasing a stroke runs and applies the result. */
  setRemoveMode(removeMode: boolean): void {
    this.update({ removeMode });
  }
  /** Whether leaving or opening another image would lose work that is not exported. */
  hasUnsavedWork(): boolean {
    return this.sessions.hasUnsavedWork();
  }
  /** The answer to the editor's question (confirm): true goes on. */
  answerConfirm(ok: boolean): void {
    this.sessions.answer(ok);
  }
  /** Sends the session to the engine now (the page is being hidden). */
  saveSession(): Promise<void> {
    return this.sessions.saveNow();
  }
  invertMask(): void {
    this.masks.invert();
  }
  /** Grows (n > 0) or shrinks (n < 0) the hole by |n| px, one undo step. */
  growMask(n: number): void {
    this.masks.grow(n);
  }
  /** Replaces the mask with imported coverage (width × height bytes, 0..255). */
  importMask(coverage: Uint8Array): void {
    this.masks.importCoverage(coverage);
  }
  /**
   * Imports a decoded mask image. One of another size than the image, or onto a mask that is not empty,
   * waits for the user's answer (answerMaskImport); otherwise it replaces the (empty) mask at once.
   */
  importMaskImage(image: MaskImage): void {
    const doc = this.state.doc;
    const m = this.masks.mask;
    if (!doc || !m) return;
    const question = maskImportQuestion(image, doc.width, doc.height, m.mask.bounds() !== null);
    if (question) this.update({ pendingMaskImport: question });
    else this.applyMaskImport(image, 'replace');
  }
  /** The answer to a waiting mask import: add to the mask, replace it (resizing if needed), or cancel. */
  answerMaskImport(answer: MaskImportMode | 'cancel'): void {
    const p = this.state.pendingMaskImport;
    this.update({ pendingMaskImport: null });
    if (!p || answer === 'cancel') return;
    this.applyMaskImport(p.image, answer);
  }
  private applyMaskImport(image: MaskImage, mode: MaskImportMode): void {
    const m = this.masks.mask;
    if (!m) return;
    const fitted = resizeCoverage(image.coverage, image.width, image.height, m.width, m.height);
    this.importMask(combineCoverage(m.mask.data, fitted, mode));
    const resized = image.width !== m.width || image.height !== m.height;
    this.notify(
      'info',
      `${mode === 'add' ? 'Added' : 'Imported'} ${image.name}${resized ? ` (resized from ${image.width}×${image.height})` : ''}.`,
    );
  }
  setOverlayStyle(patch: { maskColor?: string; maskOpacity?: number; showMask?: boolean }): void {
    this.masks.setOverlayStyle(patch);
  }
  /** Starts the region picker for a rect parameter: the next rectangle drawn becomes its value. */
  startPick(stage: string, param: string): void {
    this.masks.startPick(stage, param);
  }

  // ---- view (viewControl.ts) ----

  setSplit(split: boolean): void {
    this.view.setSplit(split);
  }
  setSplitAt(at: number): void {
    this.view.setSplitAt(at);
  }
  setHoldBefore(hold: boolean): void {
    this.view.setHoldBefore(hold);
  }
  setPanning(panning: boolean): void {
    this.view.setPanning(panning);
  }
  setZoom(zoom: number): void {
    this.view.setZoom(zoom);
  }
  zoomFit(): void {
    this.view.zoomFit();
  }
  zoomActual(): void {
    this.view.zoomActual();
  }
  /** Zooms by `factor` about the view's centre (the menu's Zoom In / Zoom Out). */
  zoomBy(factor: number): void {
    this.view.zoomBy(factor);
  }

  /** Opens one of the editor's dialogs (the shortcut sheet, export), or closes it (null). */
  setDialog(dialog: EditorState['dialog']): void {
    this.update({ dialog });
  }

  /** The canvas has drawn the displayed "after" of `resultVersion` on screen (the run bar says done). */
  resultDisplayed(resultVersion: number): void {
    if (resultVersion > this.state.resultShown) this.update({ resultShown: resultVersion });
  }

  /** Shows a message in the status bar. */
  notify(kind: 'info' | 'error', text: string): void {
    this.update({ notice: { kind, text } });
  }
  clearNotice(): void {
    this.update({ notice: null });
  }

  /** Runs a keyboard or menu command; returns whether it was handled. */
  execute(cmd: Command, down = true): boolean {
    return executeCommand(this, cmd, down);
  }

  /** Carries out an item of Electron's app menu: the same command as its key or toolbar button. */
  menu(command: MenuCommand): boolean {
    return this.execute(commandForMenu(command));
  }

  // ---- stages and run (runControl.ts) ----

  setStageEnabled(name: string, enabled: boolean): void {
    this.runs.setStageEnabled(name, enabled);
  }
  setParam(stage: string, param: string, value: ParamValue): void {
    this.runs.setParam(stage, param, value);
  }
  resetParam(stage: string, param: string): void {
    this.runs.resetParam(stage, param);
  }
  setAutoRerun(autoRerun: boolean): void {
    this.runs.setAutoRerun(autoRerun);
  }
  /**
   * Runs the enabled stages on the open image with the current mask. A run still going is cancelled
   * first; the engine's cache makes unchanged stages instant (their stage-end says cached).
   */
  async run(): Promise<void> {
    await this.runs.run();
    // The run may have loaded a model on a provider: the Models panel shows what the engine found.
    this.refreshEngineInfo();
  }
  /** Cancels the run in progress (the engine stops at its next step; the last result stays). */
  cancelRun(): void {
    this.runs.cancelRun();
  }

  // ---- export (exportControl.ts) ----

  setExportFormat(exportFormat: ExportFormat): void {
    this.exports.setFormat(exportFormat);
  }
  /** Quality (null: the source's, else 92), colour profile and location data for exports. */
  setExportOptions(patch: Partial<ExportOptions>): void {
    this.update({ exportOptions: withOptions(this.state.exportOptions, patch) });
  }
  /** Registers how the page puts an image on the clipboard (null: it cannot). */
  setClipboard(write: ((file: EncodedFile) => Promise<void>) | null): void {
    this.clipboard = write;
  }
  /** Copies the last result, full resolution as PNG, to the clipboard. */
  async copyResult(): Promise<void> {
    if (!this.clipboard) {
      this.notify('error', 'This page cannot use the clipboard.');
      return;
    }
    const file = await this.exports.encodeResult('png');
    if (!file) return;
    try {
      await this.clipboard(file);
      this.notify('info', 'Copied the result to the clipboard.');
    } catch (e) {
      this.notify('error', `The clipboard refused the image: ${wireError(e).message}`);
    }
  }
  /** Encodes the last result at full resolution; null when there is none. */
  encodeResult(format?: ExportFormat): Promise<EncodedFile | null> {
    return this.exports.encodeResult(format);
  }
  /**
   * Export: the native save dialog and the engine writes the file (Electron), else the engine encodes
   * it and the page downloads it (see setPageFiles).
   */
  exportResult(): Promise<void> {
    return this.files.exportResult();
  }

  // ---- models (modelControl.ts) ----

  refreshModels(): Promise<void> {
    return this.models.refresh();
  }
  selectModel(modelId: string | null): void {
    this.models.select(modelId);
  }
  downloadModel(id: string): Promise<void> {
    return this.models.download(id);
  }
  cancelDownload(): void {
    this.models.cancelDownload();
  }
  /** Work offline with the embedded fill: hides the LaMa notice and a download failure. */
  dismissModelNotice(): void {
    this.models.dismissNotice();
  }
  /** Imports a model file by its path on the engine's machine. */
  importModel(id: string, path: string): Promise<void> {
    return this.models.importPath(id, path);
  }
  /** Whether model files are chosen with a native dialog (Electron) rather than a file input. */
  get hasFileDialogs(): boolean {
    return this.files.hasDialogs;
  }
  /** Chooses a model file with the native dialog and imports it (Electron). */
  importModelWithDialog(id: string): Promise<void> {
    return this.models.importWithDialog(id);
  }
  /** Imports a model file from its bytes (a browser's file picker). */
  importModelData(id: string, name: string, bytes: ArrayBuffer): Promise<void> {
    return this.models.importData(id, name, bytes);
  }
}
