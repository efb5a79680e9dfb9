/**
 * EngineApi: every request, response and event a front end may use. The single source of truth for what
 * crosses a process boundary (Electron MessagePort or the browser host's WebSocket): types are inferred
 * from these schemas, and every message is validated where it arrives. Pixels travel as ArrayBuffers.
 */
import { z } from 'zod/mini';
import type { ParamDecl } from '../common/params';
import type { StageInfo } from '../common/stageInfo';
import { COMMAND_IDS } from './commands';

const id = z.string().check(z.minLength(1), z.maxLength(200));
const int = (min: number, max: number) => z.int().check(z.gte(min), z.lte(max));
const bytes = z.instanceof(ArrayBuffer);

export const RectSchema = z.object({
  x: int(0, 1e6),
  y: int(0, 1e6),
  width: int(1, 1e6),
  height: int(1, 1e6),
});

/** 8-bit RGBA pixels for display (row-major, 4 bytes per pixel). */
export const RasterSchema = z.object({ width: int(1, 65535), height: int(1, 65535), rgba: bytes }).check(
  z.refine((r) => r.rgba.byteLength === r.width * r.height * 4, {
    message: 'rgba must hold width*height*4 bytes',
  }),
);

/** A mask: one byte per pixel, non-zero = fill. */
export const MaskSchema = z.object({ width: int(1, 65535), height: int(1, 65535), data: bytes }).check(
  z.refine((m) => m.data.byteLength === m.width * m.height, {
    message: 'data must hold width*height bytes',
  }),
);

const ParamConditionSchema = z.object({
  param: z.string(),
  is: z.readonly(z.array(z.union([z.string(), z.boolean()]))),
});

/**
 * A parameter declaration on the wire: app/common/params.ts's `ParamDecl` (the stages' `defineParams`
 * declarations), every kind's fields in one object. `ParamDeclInStep` below keeps the two in step.
 */
export const ParamDeclSchema = z.object({
  kind: z.enum(['number', 'boolean', 'enum', 'rect']),
  name: z.string(),
  label: z.string(),
  help: z.string(),
  default: z.union([z.number(), z.boolean(), z.string(), z.null()]),
  min: z.optional(z.number()),
  max: z.optional(z.number()),
  step: z.optional(z.number()),
  integer: z.optional(z.boolean()),
  log: z.optional(z.boolean()),
  unit: z.optional(z.string()),
  // rect: the smallest side the stage takes, in pixels (the editor refuses a smaller pick before a run).
  minSize: z.optional(z.number()),
  options: z.optional(z.readonly(z.array(z.object({ value: z.string(), label: z.string() })))),
  // app/common/params.ts: the longer text behind "More", when the parameter applies, the short panel.
  doc: z.optional(z.string()),
  when: z.optional(z.union([ParamConditionSchema, z.readonly(z.array(ParamConditionSchema))])),
  basic: z.optional(z.boolean()),
});

type WireParamDecl = z.infer<typeof ParamDeclSchema>;
type KeysOfUnion<T> = T extends unknown ? keyof T : never;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Holds<T extends true> = T;
/**
 * Compile-time: every declaration a stage makes passes this schema unchanged (each field's type fits),
 * the schema has exactly the declarations' fields (a field added on one side only, which the schema
 * would drop or never fill, does not compile), and the same kinds.
 */
export type ParamDeclInStep = [
  Holds<ParamDecl extends WireParamDecl ? true : false>,
  Holds<Same<KeysOfUnion<ParamDecl>, keyof WireParamDecl>>,
  Holds<Same<ParamDecl['kind'], WireParamDecl['kind']>>,
];

export const StageInfoSchema = z.object({
  name: z.string(),
  label: z.string(),
  description: z.string(),
  params: z.array(ParamDeclSchema),
});

export const ParamValueSchema = z.union([z.number(), z.boolean(), z.string(), RectSchema, z.null()]);
export const StageRequestSchema = z.object({
  name: z.string(),
  params: z.optional(z.record(z.string(), ParamValueSchema)),
});

export const StageReportSchema = z.object({
  stage: z.string(),
  ms: z.number(),
  cached: z.boolean(),
  /**
   * What the stage reports (app/common/stageInfo.ts: data and codes; words in stageInfoText.ts). Checked
   * here as a JSON object; its fields are the stage's declared type, built by the engine.
   */
  info: z.optional(
    z.custom<StageInfo>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), {
      message: 'info must be an object',
    }),
  ),
});

export const ModelListingSchema = z.object({
  id: z.string(),
  label: z.string(),
  purpose: z.string(),
  installed: z.boolean(),
  state: z.string(),
  bytes: z.number(),
  custom: z.boolean(),
  isDefault: z.boolean(),
  partialBytes: z.optional(z.number()),
});

export const OpenedImageSchema = z.object({
  imageId: id,
  name: z.string(),
  width: z.number(),
  height: z.number(),
  format: z.string(),
  bitDepth: z.number(),
  hasAlpha: z.boolean(),
  /** JPEG: the quality it was saved at (from its quantisation table), when readable; export's default. */
  quality: z.optional(int(1, 100)),
  /** Display copy at full size. */
  preview: RasterSchema,
});

/** An open image's applied steps: their labels (step 1 first) and the current step (0 = as opened). */
export const AppliedStepsSchema = z.object({ step: z.int().check(z.gte(0)), steps: z.array(z.string()) });

/** Methods: params and result schemas. Long work takes a caller-chosen jobId and is cancelled by it. */
export const METHODS = {
  engineInfo: {
    params: z.object({}),
    result: z.object({
      version: z.string(),
      modelsDir: z.string(),
      /** The execution providers not ruled out on this platform and build, in the order they are tried. */
      providers: z.array(z.string()),
      /**
       * Every provider with what the session layer found: 'loaded' (a session runs on it), 'available'
       * (not tried yet, nothing rules it out) or 'unavailable' (with the reason).
       */
      providerDetails: z.optional(
        z.array(
          z.object({
            name: z.string(),
            status: z.enum(['loaded', 'available', 'unavailable']),
            reason: z.optional(z.string()),
          }),
        ),
      ),
      /** The provider the engine's last model run used; null when no model has run yet. */
      lastProvider: z.optional(z.nullable(z.string())),
    }),
  },
  openImage: {
    params: z.object({ path: z.string().check(z.minLength(1), z.maxLength(4096)) }),
    result: OpenedImageSchema,
  },
  /** Opens an image from its bytes (the browser host, where a page has no file paths). */
  openImageData: {
    params: z.object({ name: z.string().check(z.minLength(1), z.maxLength(255)), bytes }),
    result: OpenedImageSchema,
  },
  /**
   * Frees an open image and its results in the engine (the editor calls it when it opens another).
   * `closed` is false when the engine held no such image (already closed or evicted).
   */
  closeImage: { params: z.object({ imageId: id }), result: z.object({ closed: z.boolean() }) },
  /**
   * Apply: makes a result the open image's new base, at full resolution and without pixels travelling;
   * the next run fills from it. The earlier bases stay reachable (setImageStep: undo, the History list).
   * `label` names the step. Answers the image's steps: their labels (step 1 first) and the current one.
   */
  applyResult: {
    params: z.object({
      imageId: id,
      resultId: id,
      label: z.string().check(z.minLength(1), z.maxLength(200)),
    }),
    result: AppliedStepsSchema,
  },
  /**
   * Makes applied step `step` the open image's base (0 = the image as opened); answers its display copy
   * unless `preview` is false (the editor still holds it).
   */
  setImageStep: {
    params: z.object({ imageId: id, step: int(0, 1_000_000), preview: z.optional(z.boolean()) }),
    result: z.extend(AppliedStepsSchema, { preview: z.optional(RasterSchema) }),
  },
  /**
   * Keeps the editor's session in the engine (one per engine): the open image (its applied steps are the
   * engine's already), the mask (1 byte per pixel, 0..255 coverage) and the editor's own state as JSON
   * (parameters, options). A page reloaded reads it back with loadSession. Closing the image ends it.
   * `sampling`: the editor's sampling area as run takes it (absent or null: anywhere).
   */
  saveSession: {
    params: z.object({
      imageId: id,
      mask: z.nullable(MaskSchema),
      /**
       * True: the mask is the one the last save of this image sent (`mask` is then null and ignored), so
       * an unchanged mask is not copied and sent again. Answered saved: false when the engine no longer
       * keeps that session; the page then sends the mask.
       */
      keepMask: z.optional(z.literal(true)),
      sampling: z.optional(z.nullable(MaskSchema)),
      state: z.string().check(z.maxLength(1_000_000)),
    }),
    result: z.object({ saved: z.boolean() }),
  },
  /** The session saveSession kept, with the image's current base as its display copy; null when none. */
  loadSession: {
    params: z.object({}),
    result: z.object({
      session: z.nullable(
        z.extend(OpenedImageSchema, {
          ...AppliedStepsSchema.shape,
          mask: z.nullable(MaskSchema),
          sampling: z.optional(z.nullable(MaskSchema)),
          state: z.string(),
        }),
      ),
    }),
  },
  listStages: { params: z.object({}), result: z.array(StageInfoSchema) },
  run: {
    params: z.object({
      jobId: id,
      imageId: id,
      mask: MaskSchema,
      /**
       * The sampling area (issue 15 §4, as Content-Aware Fill's): image-sized, a byte >= 128 = the fill and
       * the corrections may sample from this pixel. Absent = anywhere outside the hole. It must be the
       * mask's size and hold some pixel outside the hole (PARAM_INVALID / MASK_SIZE naming `sampling`).
       */
      sampling: z.optional(MaskSchema),
      stages: z.array(StageRequestSchema).check(z.minLength(1), z.maxLength(16)),
      seed: z.optional(int(0, 2 ** 31 - 1)),
      modelId: z.optional(id),
    }),
    result: z.object({
      jobId: id,
      resultId: id,
      stages: z.array(StageReportSchema),
      totalMs: z.number(),
      image: RasterSchema,
    }),
  },
  cancel: { params: z.object({ jobId: id }), result: z.object({ cancelled: z.boolean() }) },
  /**
   * Try values: the run's result for several values of one numeric parameter, as small previews of a crop
   * around the holes (app/pipeline/tryValues.ts). The stages before `stage` come from the cache; each
   * preview is also sent as onTryValue when ready. Cancelled by jobId like a run.
   */
  tryValues: {
    params: z.object({
      jobId: id,
      imageId: id,
      mask: MaskSchema,
      /**
       * The sampling area (issue 15 §4, as Content-Aware Fill's): image-sized, a byte >= 128 = the fill and
       * the corrections may sample from this pixel. Absent = anywhere outside the hole. It must be the
       * mask's size and hold some pixel outside the hole (PARAM_INVALID / MASK_SIZE naming `sampling`).
       */
      sampling: z.optional(MaskSchema),
      stages: z.array(StageRequestSchema).check(z.minLength(1), z.maxLength(16)),
      seed: z.optional(int(0, 2 ** 31 - 1)),
      modelId: z.optional(id),
      stage: z.string(),
      param: z.string(),
      values: z.array(z.number()).check(z.minLength(1), z.maxLength(9)),
      maxSide: z.optional(int(16, 4096)),
    }),
    result: z.object({
      jobId: id,
      crop: RectSchema,
      previews: z.array(z.object({ value: z.number(), image: RasterSchema })),
    }),
  },
  exportImage: {
    params: z.object({
      /** The result to write, or (imageId) the open image's current base: one of the two. */
      resultId: z.optional(id),
      imageId: z.optional(id),
      path: z.string().check(z.minLength(1), z.maxLength(4096)),
      format: z.optional(z.enum(['png', 'jpeg', 'webp', 'tiff'])),
      quality: z.optional(int(1, 100)),
      overwriteOriginal: z.optional(z.boolean()),
      /** keep (default): the source's colour values and ICC profile; srgb: converted to sRGB. */
      colorProfile: z.optional(z.enum(['keep', 'srgb'])),
      /** Leave out location data (EXIF GPS IFD, XMP GPS properties). Default false. */
      stripLocation: z.optional(z.boolean()),
    }),
    result: z.object({ path: z.string() }),
  },
  /** Encodes a result as a file's bytes (the browser host's download), at full resolution. */
  encodeResult: {
    params: z.object({
      /** The result to write, or (imageId) the open image's current base: one of the two. */
      resultId: z.optional(id),
      imageId: z.optional(id),
      format: z.enum(['png', 'jpeg', 'webp', 'tiff']),
      quality: z.optional(int(1, 100)),
      colorProfile: z.optional(z.enum(['keep', 'srgb'])),
      stripLocation: z.optional(z.boolean()),
    }),
    result: z.object({ name: z.string(), mime: z.string(), bytes }),
  },
  listModels: { params: z.object({}), result: z.array(ModelListingSchema) },
  downloadModel: { params: z.object({ jobId: id, id }), result: z.object({ id, path: z.string() }) },
  importModel: {
    params: z.object({
      id,
      path: z.string().check(z.minLength(1), z.maxLength(4096)),
      convention: z.optional(z.string()),
    }),
    result: z.object({ id, path: z.string() }),
  },
  /**
   * Installs a model from a file's bytes (the browser host's file picker, where a page has no paths);
   * `name` is the file's name. The same checks as importModel.
   */
  importModelData: {
    params: z.object({
      id,
      name: z.string().check(z.minLength(1), z.maxLength(255)),
      bytes,
      convention: z.optional(z.string()),
    }),
    result: z.object({ id, path: z.string() }),
  },
  verifyModels: {
    params: z.object({}),
    result: z.array(z.object({ id: z.string(), status: z.string(), message: z.optional(z.string()) })),
  },
  /**
   * Starts the engine process again after its host gave up on a crash loop (onEngineState 'failed'),
   * with a fresh crash history; the open images are re-opened as after any restart. `restarted` is false
   * when there was nothing to restart (the engine is ready or already restarting, or runs in the host's
   * own process).
   */
  restartEngine: { params: z.object({}), result: z.object({ restarted: z.boolean() }) },
} as const;

/**
 * The methods that take a path on the engine's machine. Electron main forwards them only for paths the
 * user granted (its dialogs, drops); the browser host refuses them (a page has no paths: it uses
 * openImageData, encodeResult and importModelData). A test checks that every method with a path
 * parameter is listed here.
 */
export const PATH_METHODS = [
  'openImage',
  'exportImage',
  'importModel',
] as const satisfies readonly (keyof typeof METHODS)[];
export type PathMethodName = (typeof PATH_METHODS)[number];

/** Events the engine pushes, named onX. */
export const EVENTS = {
  onProgress: z.object({
    jobId: id,
    stage: z.string(),
    kind: z.enum(['stage-start', 'progress', 'stage-end']),
    step: z.optional(z.number()),
    total: z.optional(z.number()),
    message: z.optional(z.string()),
    cached: z.optional(z.boolean()),
    ms: z.optional(z.number()),
    preview: z.optional(RasterSchema),
  }),
  onLog: z.object({ jobId: z.optional(id), stage: z.optional(z.string()), message: z.string() }),
  onModelProgress: z.object({ jobId: id, id, received: z.number(), total: z.number() }),
  /** One preview of a tryValues job, as soon as it is ready (`crop` is in image pixels). */
  onTryValue: z.object({
    jobId: id,
    index: z.number(),
    value: z.number(),
    crop: RectSchema,
    image: RasterSchema,
  }),
  /** Electron: the user dropped a file on the window (its path is now readable by the renderer). */
  onFileDropped: z.object({ path: z.string() }),
  /**
   * Electron: open this image — chosen in the File menu's Open Recent, or handed to the app by the
   * operating system (a file opened with the app); its path is now readable by the renderer.
   */
  onOpenFile: z.object({ path: z.string() }),
  /** A command chosen in Electron's app menu (its id in commands.ts), for the renderer to carry out. */
  onMenu: z.object({
    command: z.enum(COMMAND_IDS),
  }),
  /**
   * The engine process's state: when it dies, the host (Electron main or the browser host) restarts it
   * ('restarting', then 'ready'), or gives up after a crash loop ('failed').
   */
  onEngineState: z.object({
    state: z.enum(['ready', 'crashed', 'restarting', 'failed']),
    message: z.optional(z.string()),
    /** Why the process stopped, in a few words (e.g. "killed by SIGKILL", "exit code 3"). */
    reason: z.optional(z.string()),
  }),
} as const;

/**
 * Methods of the desktop shell (Electron main), not of the engine: native dialogs. A path they return is
 * the only way a path enters main's file allow-list. The browser host uses file inputs and downloads.
 */
export const SHELL_METHODS = {
  showOpenDialog: {
    params: z.object({ kind: z.enum(['image', 'mask', 'model']) }),
    result: z.object({ path: z.nullable(z.string()) }),
  },
  showSaveDialog: {
    params: z.object({ suggestedName: z.string().check(z.minLength(1), z.maxLength(255)) }),
    result: z.object({ path: z.nullable(z.string()) }),
  },
} as const;
export type ShellMethodName = keyof typeof SHELL_METHODS;

export type MethodName = keyof typeof METHODS;
export type EventName = keyof typeof EVENTS;
export type MethodParams<M extends MethodName> = z.input<(typeof METHODS)[M]['params']>;
export type MethodResult<M extends MethodName> = z.output<(typeof METHODS)[M]['result']>;
export type EventPayload<E extends EventName> = z.output<(typeof EVENTS)[E]>;

/** The API a front end sees (window.studio in Electron, the WebSocket client in a browser). */
export type EngineApi = { [M in MethodName]: (params: MethodParams<M>) => Promise<MethodResult<M>> } & {
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
};

/** window.studio in the Electron renderer: the engine's methods, the shell's dialogs, and events. */
export type StudioApi = EngineApi & {
  [M in ShellMethodName]: (
    params: z.input<(typeof SHELL_METHODS)[M]['params']>,
  ) => Promise<z.output<(typeof SHELL_METHODS)[M]['result']>>;
};

/** IPC channel names (one place). */
export const IPC = { invoke: 'studio:invoke', event: 'studio:event', drop: 'studio:drop' } as const;
