/**
 * The editor: the open image, its mask and history, the tools, the stage cards and the run, as plain
 * TypeScript (DESIGN rule 6). React subscribes through useSyncExternalStore; the canvas adapter
 * subscribes directly and reads the rasters and the mask, which live here but outside the snapshot
 * (they are large and change in place).
 *
 * The editor composes its parts and exposes them; the UI and the tests call a part directly
 * (`editor.masking.setTool('rect')`, `editor.runs.run()`), and the editor itself keeps only what joins
 * parts: the engine connection, opening an image and the session, the canvas's face, the dialogs and notices.
 *   editorState.ts   the snapshot's shape and starting value, the core the parts share
 *   engineStatus.ts  the engine process's health and the crash banner (from onEngineState)
 *   masking          maskEditing.ts: tools, brush, mask operations, grow/shrink, mask import, the region picker
 *   view             viewControl.ts: split view, hold-for-original, pan, zoom
 *   runs             runControl.ts: stage parameters, auto re-run, run/cancel/progress, the before/after rasters
 *   history          applyControl.ts: Apply, undo/redo (mask edits and applies), the History list, remove mode
 *   exports          exportControl.ts: export format and options, encoding the result, the clipboard
 *   files            fileControl.ts: Open and Export (native dialogs or the page's picker), dropped files
 *   models           modelControl.ts: model list, downloads, imports
 *   session          session.ts: the session kept in the engine, unsaved work, the discard question
 *   overlays, tryValues  the canvas overlays' toggles, the Try-values strip
 * Keyboard and menu commands live in commandRegistry.ts (which calls these parts; nothing here imports it).
 */
import type { EngineApi, EventPayload, MethodResult } from '../../app/contract/schemas';
import {
  initialEditorState,
  wireError,
  type EditorCore,
  type EditorOptions,
  type EditorState,
  type Raster,
} from './editorState';
import { applyEngineState, dismissEngineBanner } from './engineStatus';
import { ExportControl } from './exportControl';
import { FileControl } from './fileControl';
import type { MaskDocument } from './maskDocument';
import { ApplyControl } from './applyControl';
import { MaskEditing } from './maskEditing';
import { ModelControl } from './modelControl';
import { OverlayStore } from './overlays';
import { IDLE_RUN } from './runProgress';
import { RunControl } from './runControl';
import { SessionControl, restoredFields } from './session';
import { Store } from './store';
import type { ToolPointer } from './tools/tool';
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
  /** Tools, brush, mask operations, mask import, the region picker (maskEditing.ts). */
  readonly masking: MaskEditing;
  /** Split view, hold-for-original, pan, zoom (viewControl.ts). */
  readonly view: ViewControl;
  /** Stage parameters, auto re-run, run and cancel (runControl.ts). */
  readonly runs: RunControl;
  /** Export format and options, encoding the result, the clipboard (exportControl.ts). */
  readonly exports: ExportControl;
  /** Model list, downloads, imports (modelControl.ts). */
  readonly models: ModelControl;
  /** Open and Export: native dialogs or the page's file picker; dropped files (fileControl.ts). */
  readonly files: FileControl;
  /** Apply, undo and redo (mask edits and applies), the History list, remove mode (applyControl.ts). */
  readonly history: ApplyControl;
  /** The session kept in the engine, unsaved work, the discard question (session.ts). */
  readonly session: SessionControl;
  /** The canvas overlays' toggles (what the corrections chose: overlays.ts). */
  readonly overlays = new OverlayStore();
  /** Try values: a strip of results for one slider (tryValues.ts). */
  readonly tryValues: TryValuesControl;

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
      () => this.masking.mask,
      scheduler,
      opts.rerunDelayMs ?? 300,
      opts.enabledStages,
      () => this.refreshEngineInfo(),
    );
    this.masking = new MaskEditing(this.core, (stage, param, box) =>
      this.runs.setRectParam(stage, param, box),
    );
    this.view = new ViewControl(this.core);
    this.tryValues = new TryValuesControl(
      this.core,
      () => this.masking.mask,
      (stage, param, value) => this.runs.setParam(stage, param, value),
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
    this.history = new ApplyControl(this.core, () => this.masking.mask, this.runs);
    this.session = new SessionControl(this.core, () => this.masking.mask, scheduler, SESSION_SAVE_DELAY_MS);
    let previous = this.state;
    this.subscribe(() => {
      const was = previous;
      const next = (previous = this.state);
      // A failed run's error goes once its cause may have: the mask, a parameter or the model changed.
      if (next.maskVersion !== was.maskVersion || next.stages !== was.stages || next.modelId !== was.modelId)
        this.runs.causeChanged();
      this.session.changed(was, next);
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
      // Electron only (the browser host never sends them): drops, Open Recent (the app menu: commandRegistry.ts).
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
    if (was.health !== 'ready') void this.history.engineRestarted();
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

  // ---- the canvas's face (canvas/*): rasters, the mask, the viewport, pointer gestures ----

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
    return this.masking.mask;
  }
  pointerDown(p: ToolPointer): void {
    this.history.gestureStarted();
    // Painting the sampling area shows it, as painting the hole shows the mask.
    if (this.state.tool === 'sampling' && this.state.doc && !this.overlays.getSnapshot().sampling)
      this.overlays.set('sampling', true);
    this.masking.pointerDown(p);
  }
  pointerMove(p: ToolPointer): void {
    this.masking.pointerMove(p);
  }
  pointerUp(p: ToolPointer): void {
    this.masking.pointerUp(p);
    // Remove mode: a stroke that marked a hole runs and is applied.
    this.history.gestureEnded();
  }
  pointerCancel(): void {
    this.masking.pointerCancel();
  }
  /** The canvas has drawn the displayed "after" of `resultVersion` on screen (the run bar says done). */
  resultDisplayed(resultVersion: number): void {
    if (resultVersion > this.state.resultShown) this.update({ resultShown: resultVersion });
  }

  // ---- image ----

  /** Opens an image from a file's bytes (the browser: an <input type=file> or a drop). */
  async openImageData(name: string, bytes: ArrayBuffer): Promise<void> {
    const api = this.core.requireApi();
    if (!api) return;
    await this.opening(name, () => api.openImageData({ name, bytes }));
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
    await this.session.whileRestoring(async () => {
      await this.opening(s.name, async () => s, false);
      const m = this.masking.mask;
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
    if (ask && !(await this.session.confirmDiscard(label.split(/[\\/]/).pop() || label))) return;
    this.update({ busy: `Opening ${label}…`, notice: null });
    try {
      const r = await open();
      // The editor holds one image: the engine frees the one it replaces (its results too).
      const previous = this.state.doc?.imageId;
      if (previous && previous !== r.imageId)
        void this.api?.closeImage({ imageId: previous }).catch(() => {});
      this.runs.newImage(r.preview);
      this.masking.reset(r.width, r.height);
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

  // ---- the editor's own state ----

  /** Remove mode: releasing a stroke runs and applies the result. */
  setRemoveMode(removeMode: boolean): void {
    this.update({ removeMode });
  }

  /** Opens one of the editor's dialogs (the shortcut sheet, export), or closes it (null). */
  setDialog(dialog: EditorState['dialog']): void {
    this.update({ dialog });
  }

  /** Shows a message in the status bar. */
  notify(kind: 'info' | 'error', text: string): void {
    this.update({ notice: { kind, text } });
  }
  clearNotice(): void {
    this.update({ notice: null });
  }
}
