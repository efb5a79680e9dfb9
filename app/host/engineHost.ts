/**
 * Serves EngineApi: validates each request against app/contract, runs it on the engine's services and
 * answers with a result or a {code, message} error. Transport-free: the Electron utility process and
 * the browser host's WebSocket both feed it messages and forward what it emits.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { StudioError, asStudioError } from '../common/errors';
import type { RequestMessage, ResponseMessage } from '../contract/messages';
import { isMethod, parseParams, parseResult } from '../contract/messages';
import type { EventName, EventPayload, MethodName, MethodParams, MethodResult } from '../contract/schemas';
import { displayRgba8 } from '../image/displayColour';
import { loadImage, loadImageFromBuffer } from '../image/load';
import { encodeImage, formatFromPath, saveImage } from '../image/save';
import { resizeImage } from '../image/resize';
import { samplingFromBytes } from '../image/sampling';
import { sameFile } from '../image/sameFile';
import { createMask, type ImageMeta, type LoadedImage, type RgbImage } from '../image/types';
import { tryValues } from '../pipeline/tryValues';
import { STAGES } from '../stages/registry';
import { EditorSessions, type SessionKeeper } from './editorSession';
import { HeldImages } from './heldImages';
import { ProviderTracker } from './providerReport';
import type { EngineServices } from './services';
import { validateInpaintModel } from './validateModel';

type Emit = <E extends EventName>(name: E, payload: EventPayload<E>) => void;

export interface EngineHostOptions {
  version?: string;
  /**
   * Bytes of images and results held at most beyond the most recently used ones (default: see
   * defaultImageBudget: $INPAINT_STUDIO_IMAGE_MEMORY MiB, else min(2 GiB, a quarter of the memory)).
   */
  imageBudgetBytes?: number;
  /** Where the editor's session is kept (default: in this process's memory). */
  sessionKeeper?: SessionKeeper;
}

const MAX_RESULTS = 6;
const PREVIEW_LONG_SIDE = 1024;

/** RGBA8 for the renderer, in sRGB: an image kept in its own profile (meta.pixelsInIcc) is converted. */
function raster(image: RgbImage, alpha?: Float32Array, meta?: ImageMeta) {
  return { width: image.width, height: image.height, rgba: displayRgba8(image, alpha, meta) };
}

/** A preview no larger than PREVIEW_LONG_SIDE, for progress events. */
function previewRaster(image: RgbImage, meta?: ImageMeta) {
  const s = Math.min(1, PREVIEW_LONG_SIDE / Math.max(image.width, image.height));
  return raster(
    s === 1
      ? image
      : resizeImage(
          image,
          Math.max(1, Math.round(image.width * s)),
          Math.max(1, Math.round(image.height * s)),
        ),
    undefined,
    meta,
  );
}

export class EngineHost {
  private readonly held: HeldImages;
  private readonly sessions: EditorSessions;
  private readonly jobs = new Map<string, AbortController>();
  private readonly version: string;

  constructor(
    private readonly services: EngineServices,
    private readonly emit: Emit,
    opts: EngineHostOptions = {},
  ) {
    this.version = opts.version ?? '0.1.0';
    this.held = new HeldImages(opts.imageBudgetBytes, MAX_RESULTS);
    // A kept session whose image this engine does not hold (after a restart) is opened again from its file.
    this.sessions = new EditorSessions(this.held, opts.sessionKeeper, (file) => loadImage(file));
  }

  /** Bytes of the images and results held now (see HeldImages). */
  get heldBytes(): number {
    return this.held.heldBytes;
  }

  /** Answers one request; never throws (errors become error responses). */
  async handle(req: RequestMessage): Promise<ResponseMessage> {
    try {
      if (!isMethod(req.method)) {
        throw new StudioError('PARAM_INVALID', `Unknown method "${req.method}"`);
      }
      const method = req.method;
      const params = parseParams(method, req.params);
      const result = await this.dispatch(method, params as never);
      return { type: 'response', id: req.id, ok: true, result: parseResult(method, result) };
    } catch (e) {
      const err = asStudioError(e);
      return { type: 'response', id: req.id, ok: false, error: err.toWire() };
    }
  }

  private dispatch<M extends MethodName>(method: M, p: MethodParams<M>): Promise<MethodResult<M>> {
    const handlers: { [K in MethodName]: (p: MethodParams<K>) => Promise<MethodResult<K>> } = {
      engineInfo: async () => {
        // What the session layer found here (not a fixed list): see providerReport.ts.
        const report = (this.services.providers ?? new ProviderTracker()).report();
        return {
          version: this.version,
          modelsDir: this.services.store.dir,
          providers: report.providers,
          providerDetails: report.details,
          lastProvider: report.lastProvider,
        };
      },
      openImage: async (q) =>
        this.register(await loadImage(q.path), path.basename(q.path), path.resolve(q.path)),
      openImageData: async (q) =>
        this.register(
          await loadImageFromBuffer(Buffer.from(q.bytes as ArrayBuffer), q.name),
          path.basename(q.name),
          '',
        ),
      closeImage: async (q) => {
        this.sessions.closed(q.imageId);
        return { closed: this.held.close(q.imageId) };
      },
      applyResult: async (q) => this.sessions.applyResult(q),
      setImageStep: async (q) => this.sessions.setImageStep(q),
      saveSession: async (q) => this.sessions.saveSession(q),
      loadSession: async () => this.sessions.loadSession(),
      // This engine runs in its host's process: there is no engine process to restart.
      restartEngine: async () => ({ restarted: false }),
      listStages: async () =>
        STAGES.map((s) => ({
          name: s.name,
          label: s.label,
          description: s.description,
          params: s.params.params.map((d) =>
            d.kind === 'enum' ? { ...d, options: [...d.options] } : { ...d },
          ),
        })),
      run: (q) => this.run(q),
      tryValues: (q) => this.tryValues(q),
      cancel: async (q) => {
        const job = this.jobs.get(q.jobId);
        job?.abort();
        return { cancelled: Boolean(job) };
      },
      exportImage: (q) => this.exportImage(q),
      encodeResult: async (q) => {
        const r = this.sessions.exportSource(q);
        const buf = await encodeImage(r.image, {
          format: q.format,
          quality: q.quality,
          alpha: r.source.alpha,
          meta: r.source.meta,
          colorProfile: q.colorProfile,
          stripLocation: q.stripLocation,
        });
        const ext = { png: 'png', jpeg: 'jpg', webp: 'webp', tiff: 'tif' }[q.format];
        return {
          name: `${path.parse(r.source.name).name}-inpainted.${ext}`,
          mime: q.format === 'tiff' ? 'image/tiff' : `image/${q.format}`,
          bytes: buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer,
        };
      },
      listModels: async () =>
        (await this.services.store.list()).map((m) => ({ ...m, label: m.label ?? m.id })),
      downloadModel: (q) =>
        this.withJob(q.jobId, async (signal) => {
          const m = await this.services.store.download(q.id, {
            signal,
            onProgress: (pr) =>
              this.emit('onModelProgress', {
                jobId: q.jobId,
                id: q.id,
                received: pr.received,
                total: pr.total,
              }),
          });
          return { id: q.id, path: m.path };
        }),
      importModel: async (q) => {
        const m = await this.services.store.importFile(q.id, q.path, {
          convention: q.convention,
          validate: (file) => validateInpaintModel(file, q.convention),
        });
        return { id: q.id, path: m.path };
      },
      importModelData: (q) => this.importModelData(q),
      verifyModels: async () =>
        (await this.services.store.verify()).map((r) => ({ id: r.id, status: r.status, message: r.message })),
    };
    return (handlers[method] as (p: MethodParams<M>) => Promise<MethodResult<M>>)(p);
  }

  /** Installs a model from bytes: written to a private temporary folder under the file's own name. */
  private async importModelData(
    q: MethodParams<'importModelData'>,
  ): Promise<MethodResult<'importModelData'>> {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'inpaint-import-'));
    try {
      // Only the name's plain characters: it must not leave the folder (no "..", no separators).
      const name = path
        .basename(q.name)
        .replace(/[^A-Za-z0-9._-]/g, '_')
        .replace(/^[._-]+/, '');
      const file = path.join(dir, name || 'model.onnx');
      await writeFile(file, new Uint8Array(q.bytes as ArrayBuffer));
      const m = await this.services.store.importFile(q.id, file, {
        sourceName: q.name,
        convention: q.convention,
        validate: (f) => validateInpaintModel(f, q.convention),
      });
      return { id: q.id, path: m.path };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  private async withJob<T>(jobId: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (this.jobs.has(jobId))
      throw new StudioError('PARAM_INVALID', `A job with id "${jobId}" is already running`);
    const ac = new AbortController();
    this.jobs.set(jobId, ac);
    try {
      return await work(ac.signal);
    } finally {
      this.jobs.delete(jobId);
    }
  }

  private register(loaded: LoadedImage, name: string, source: string): MethodResult<'openImage'> {
    const imageId = randomUUID();
    this.held.addImage(imageId, { ...loaded, name, path: source });
    return {
      imageId,
      name,
      width: loaded.image.width,
      height: loaded.image.height,
      format: loaded.meta.format,
      bitDepth: loaded.meta.bitDepth,
      hasAlpha: loaded.meta.hasAlpha,
      ...(loaded.meta.quality !== undefined ? { quality: loaded.meta.quality } : {}),
      preview: raster(loaded.image, loaded.alpha, loaded.meta),
    };
  }

  private run(q: MethodParams<'run'>): Promise<MethodResult<'run'>> {
    const source = this.held.image(q.imageId);
    const m = new Uint8Array(q.mask.data as ArrayBuffer);
    const mask = createMask(q.mask.width, q.mask.height);
    for (let i = 0; i < m.length; i++) mask.data[i] = m[i] ? 1 : 0;
    const sampling = this.samplingOf(q.sampling);
    return this.withJob(q.jobId, async (signal) => {
      const result = await this.services.pipeline.run(
        { image: source.image, mask, stages: q.stages, seed: q.seed, modelId: q.modelId, sampling },
        {
          signal,
          onEvent: (e) => {
            if (e.type === 'log') this.emit('onLog', { jobId: q.jobId, stage: e.stage, message: e.message });
            else if (e.type === 'stage-start')
              this.emit('onProgress', { jobId: q.jobId, stage: e.stage, kind: 'stage-start' });
            else if (e.type === 'stage-end')
              this.emit('onProgress', {
                jobId: q.jobId,
                stage: e.stage,
                kind: 'stage-end',
                cached: e.cached,
                ms: e.ms,
              });
            else
              this.emit('onProgress', {
                jobId: q.jobId,
                stage: e.stage,
                kind: 'progress',
                step: e.step,
                total: e.total,
                message: e.message,
                preview: e.preview ? previewRaster(e.preview, source.meta) : undefined,
              });
          },
        },
      );
      const resultId = randomUUID();
      this.held.addResult(resultId, q.imageId, result.image);
      return {
        jobId: q.jobId,
        resultId,
        totalMs: result.totalMs,
        stages: result.stages.map((s) => ({ stage: s.stage, ms: s.ms, cached: s.cached, info: s.info })),
        image: raster(result.image, source.alpha, source.meta),
      };
    });
  }

  /** Try values (app/pipeline/tryValues.ts): each preview goes out as onTryValue as it is ready. */
  private tryValues(q: MethodParams<'tryValues'>): Promise<MethodResult<'tryValues'>> {
    const source = this.held.image(q.imageId);
    const mask = this.maskOf(q.mask);
    const sampling = this.samplingOf(q.sampling);
    return this.withJob(q.jobId, async (signal) => {
      const r = await tryValues(
        this.services.pipeline,
        {
          image: source.image,
          mask,
          sampling,
          stages: q.stages,
          seed: q.seed,
          modelId: q.modelId,
          stage: q.stage,
          param: q.param,
          values: q.values,
          maxSide: q.maxSide,
        },
        {
          signal,
          onPreview: (p, crop) =>
            this.emit('onTryValue', {
              jobId: q.jobId,
              index: p.index,
              value: p.value,
              crop,
              image: raster(p.image, undefined, source.meta),
            }),
        },
      );
      return {
        jobId: q.jobId,
        crop: r.crop,
        previews: r.previews.map((p) => ({ value: p.value, image: raster(p.image, undefined, source.meta) })),
      };
    });
  }

  /** The contract's mask (any non-zero byte is hole) as the engine's 0/1 mask. */
  private maskOf(m: MethodParams<'run'>['mask']) {
    const bytes = new Uint8Array(m.data as ArrayBuffer);
    const mask = createMask(m.width, m.height);
    for (let i = 0; i < bytes.length; i++) mask.data[i] = bytes[i] ? 1 : 0;
    return mask;
  }

  /** The contract's sampling area (a byte >= 128 = may sample) as the engine's 0/1 mask; undefined when absent. */
  private samplingOf(m: MethodParams<'run'>['sampling']) {
    return m ? samplingFromBytes(m.width, m.height, new Uint8Array(m.data as ArrayBuffer)) : undefined;
  }

  private async exportImage(q: MethodParams<'exportImage'>): Promise<MethodResult<'exportImage'>> {
    const r = this.sessions.exportSource(q);
    const target = path.resolve(q.path);
    // File identity (device and inode), not path strings: a link or a case variant is the original too.
    if (r.source.path && (await sameFile(r.source.path, target)) && !q.overwriteOriginal) {
      throw new StudioError(
        'IMAGE_WRITE',
        `Refusing to overwrite the original ${r.source.path} without confirmation`,
      );
    }
    const format = q.format ?? formatFromPath(target);
    await saveImage(target, r.image, {
      format,
      quality: q.quality,
      alpha: r.source.alpha,
      meta: r.source.meta,
      colorProfile: q.colorProfile,
      stripLocation: q.stripLocation,
    });
    return { path: target };
  }
}
