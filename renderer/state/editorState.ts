/**
 * The editor's snapshot (what React and the canvas adapter read), its starting value, and the small
 * core the editor's parts share: the snapshot, how to change it, and the engine connection.
 */
import type { EngineApi, MethodResult } from '../../app/contract/schemas';
import { ENGINE_READY, type EngineStatus } from './engineStatus';
import type { StageInfo, StageSettings } from './params';
import { IDLE_RUN, type RunInfo } from './runProgress';
import type { ToolId, ToolOverlay } from './tools/tool';
import { DEFAULT_EXPORT_OPTIONS, type ExportOptions } from './exportSettings';
import type { PendingMaskImport } from './maskImport';

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
  /** A JPEG's saved quality (the engine reads it), export's default; null when unknown. */
  quality: number | null;
}

/** engineInfo's answer: the engine's version, model folder and execution providers (see providers.ts). */
export type EngineInfo = MethodResult<'engineInfo'>;

export interface ModelDownload {
  jobId: string;
  id: string;
  received: number;
  total: number;
}

export interface EditorState {
  /** The transport to the engine (the browser host's socket; always ready in Electron). */
  connection: 'connecting' | 'ready' | 'closed';
  /** The engine process behind it: ready, restarting after a crash, or given up on. */
  engineStatus: EngineStatus;
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
  /** The sampling brush's mode: exclude what it paints (true) or include it (false, the default). */
  samplingExclude: boolean;
  /** Whether a sampling area is set; false: the fill samples anywhere outside the hole. */
  samplingSet: boolean;
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
  /** The last download that failed, in the editor's words (the LaMa card offers retry, import, offline). */
  downloadFailure: { id: string; code: string; message: string; detail: string } | null;
  /** The user chose to work offline with the embedded fill: the LaMa notice stays hidden. */
  modelNoticeDismissed: boolean;
  exportFormat: ExportFormat;
  /** Export settings beside the format (the export dialog): see exportSettings.ts. */
  exportOptions: ExportOptions;
  /** Which of the editor's own dialogs is open (the shortcut sheet, export, a mask import's question). */
  dialog: 'shortcuts' | 'export' | null;
  /** A mask import waiting for the user's answer (its size differs from the image's). */
  pendingMaskImport: PendingMaskImport | null;
  /** Bumped by the canvas once the displayed "after" (resultVersion) is drawn on screen. */
  resultShown: number;
  /** A message for the status bar. */
  notice: { kind: 'info' | 'error'; text: string } | null;
  busy: string | null;
  /** The open image's applied steps in the engine (Apply): their labels, step 1 first, and the current one. */
  applied: { step: number; steps: string[] };
  /** Remove mode: releasing a stroke runs and applies the result. */
  removeMode: boolean;
  /** Work not exported yet (a mask, a result, an applied step): opening another image or leaving asks. */
  unsaved: boolean;
  /** The question the editor waits on (discarding unsaved work), or null. */
  confirm: { title: string; text: string; ok: string } | null;
}

/** What the canvas adapter offers the editor (zoom commands). */
export interface Viewport {
  fit(): void;
  actualSize(): void;
  /** Zooms by `factor` about the view's centre. */
  zoomBy(factor: number): void;
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

export function initialEditorState(opts: EditorOptions): EditorState {
  return {
    connection: 'connecting',
    engineStatus: ENGINE_READY,
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
    samplingExclude: false,
    samplingSet: false,
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
    downloadFailure: null,
    modelNoticeDismissed: false,
    exportFormat: 'png',
    exportOptions: DEFAULT_EXPORT_OPTIONS,
    dialog: null,
    pendingMaskImport: null,
    resultShown: 0,
    notice: null,
    busy: null,
    applied: { step: 0, steps: [] },
    removeMode: false,
    unsaved: false,
    confirm: null,
  };
}

/** An error from the engine (a StudioError, or anything thrown) as {code, message}. */
export function wireError(e: unknown): { code: string; message: string } {
  const x = e as { code?: unknown; message?: unknown };
  return {
    code: typeof x?.code === 'string' ? x.code : 'INTERNAL',
    message: typeof x?.message === 'string' ? x.message : String(e),
  };
}

/** What the editor's parts share: the snapshot, how to change it, and the engine. */
export interface EditorCore {
  readonly state: EditorState;
  update(patch: Partial<EditorState>): void;
  /** The engine, or null after saying in the status bar that none is connected. */
  requireApi(): EngineApi | null;
  /** The engine, or null (silently). */
  readonly api: EngineApi | null;
  notify(kind: 'info' | 'error', text: string): void;
}
