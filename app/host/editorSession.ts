/**
 * The engine's side of the editor's workflow around runs: Apply (a held result becomes the open image's
 * base, see appliedSteps.ts), going back to an applied step, what Export writes (a result, or the current
 * base), and the session a reloaded page reads back (the open image, its mask, its applied steps and the
 * editor's parameters as JSON).
 *
 * The session is kept by a SessionKeeper. The browser host keeps it in the engine's memory
 * (MemorySessionKeeper): a reloaded page finds it, a restarted host does not. The desktop app keeps it
 * on disk (FileSessionKeeper, sessionFile.ts): the record names the image's file and holds its applied
 * patches, so a restarted engine opens the file again (read only) under the same id and rebuilds the
 * steps when the page asks for the session.
 */
import path from 'node:path';
import { StudioError, asStudioError } from '../common/errors';
import type { MethodParams, MethodResult } from '../contract/schemas';
import { displayRgba8 } from '../image/displayColour';
import type { LoadedImage, RgbImage } from '../image/types';
import { AppliedSteps, type StepsRecord } from './appliedSteps';
import type { HeldImage, HeldImages } from './heldImages';

/**
 * What saveSession keeps: the open image's id, its mask (or null), its sampling area (null or absent:
 * anywhere) and the editor's state as JSON; and what a restarted engine needs to open the image again:
 * the file it was opened from (absent: opened from bytes) and its applied steps (absent: none).
 */
export interface SessionRecord {
  imageId: string;
  mask: { width: number; height: number; data: ArrayBuffer } | null;
  sampling?: { width: number; height: number; data: ArrayBuffer } | null;
  state: string;
  imagePath?: string;
  history?: StepsRecord;
}

/** Opens an image file, read only (the engine's loadImage). */
export type OpenImageFile = (file: string) => Promise<LoadedImage>;

/** Where the session is kept (memory in the browser host; a file in the desktop app). */
export interface SessionKeeper {
  save(record: SessionRecord): void;
  load(): SessionRecord | null;
  clear(): void;
}

export class MemorySessionKeeper implements SessionKeeper {
  private record: SessionRecord | null = null;
  save(record: SessionRecord): void {
    this.record = record;
  }
  load(): SessionRecord | null {
    return this.record;
  }
  clear(): void {
    this.record = null;
  }
}

function stepsOf(img: HeldImage): MethodResult<'applyResult'> {
  return { step: img.steps?.step ?? 0, steps: img.steps?.labels ?? [] };
}

export class EditorSessions {
  /**
   * @param openFile opens the kept session's image again from its path when this engine does not hold
   *   it (a restarted engine reading a session kept on disk); without it such a session ends.
   */
  constructor(
    private readonly held: HeldImages,
    private readonly keeper: SessionKeeper = new MemorySessionKeeper(),
    private readonly openFile?: OpenImageFile,
  ) {}

  /** The reopening in progress (two loadSession calls at once open the file once). */
  private reopening: { imageId: string; done: Promise<HeldImage> } | null = null;

  /** Apply: the result becomes its image's base (the image must be the one the result was made from). */
  applyResult(q: MethodParams<'applyResult'>): MethodResult<'applyResult'> {
    const r = this.held.result(q.resultId);
    const img = this.held.image(q.imageId);
    if (r.source !== img)
      throw new StudioError(
        'PARAM_INVALID',
        `Result "${q.resultId}" was not made from image "${q.imageId}"; run on that image, then apply.`,
      );
    img.steps ??= new AppliedSteps(img.image);
    img.steps.apply(r.image, q.label);
    this.held.replaceImage(q.imageId, img.steps.image, img.steps.extraBytes);
    this.keepSteps(q.imageId, img);
    return stepsOf(img);
  }

  /** Makes an applied step the image's base; answers its display copy. */
  setImageStep(q: MethodParams<'setImageStep'>): MethodResult<'setImageStep'> {
    const img = this.held.image(q.imageId);
    if (!img.steps && q.step !== 0)
      throw new StudioError(
        'PARAM_INVALID',
        `Expected step 0 for image "${q.imageId}" (nothing was applied) but received ${q.step}`,
      );
    if (img.steps) {
      img.steps.goTo(q.step);
      this.held.replaceImage(q.imageId, img.steps.image, img.steps.extraBytes);
      this.keepSteps(q.imageId, img);
    }
    return { ...stepsOf(img), ...(q.preview === false ? {} : { preview: this.preview(img) }) };
  }

  /**
   * What Export writes: the result `resultId`, or the image `imageId`'s current base (its applied steps).
   * @throws StudioError PARAM_INVALID unless exactly one of the two is given; IMAGE_CLOSED for a freed one.
   */
  exportSource(q: { resultId?: string; imageId?: string }): { image: RgbImage; source: HeldImage } {
    if ((q.resultId === undefined) === (q.imageId === undefined))
      throw new StudioError(
        'PARAM_INVALID',
        'Expected either resultId (a result) or imageId (the open image) to export, not ' +
          (q.resultId === undefined ? 'neither' : 'both'),
      );
    if (q.resultId !== undefined) return this.held.result(q.resultId);
    const source = this.held.image(q.imageId!);
    return { image: source.image, source };
  }

  saveSession(q: MethodParams<'saveSession'>): MethodResult<'saveSession'> {
    const img = this.held.image(q.imageId);
    if (q.mask && (q.mask.width !== img.image.width || q.mask.height !== img.image.height))
      throw new StudioError(
        'MASK_SIZE',
        `Expected a ${img.image.width}×${img.image.height} mask for the session but received ` +
          `${q.mask.width}×${q.mask.height}`,
      );
    const sampling = q.sampling ?? null;
    if (sampling && (sampling.width !== img.image.width || sampling.height !== img.image.height))
      throw new StudioError(
        'MASK_SIZE',
        `Expected a ${img.image.width}×${img.image.height} sampling area for the session but received ` +
          `${sampling.width}×${sampling.height}`,
      );
    let kept: SessionRecord['mask'] = null;
    if (q.keepMask) {
      // The mask of the last save, not sent again; without one for this image the page sends it.
      const was = this.keeper.load();
      if (!was || was.imageId !== q.imageId) return { saved: false };
      kept = was.mask;
    }
    this.keeper.save({
      imageId: q.imageId,
      // A copy: the message's buffer is not ours to keep.
      mask: q.keepMask
        ? kept
        : q.mask
          ? { width: q.mask.width, height: q.mask.height, data: (q.mask.data as ArrayBuffer).slice(0) }
          : null,
      sampling: sampling
        ? { width: sampling.width, height: sampling.height, data: (sampling.data as ArrayBuffer).slice(0) }
        : null,
      state: q.state,
      ...this.reopenable(img),
    });
    return { saved: true };
  }

  /** The image's path and applied steps, for the session record (absent when it has none). */
  private reopenable(img: HeldImage): Pick<SessionRecord, 'imagePath' | 'history'> {
    return {
      ...(img.path ? { imagePath: img.path } : {}),
      ...(img.steps ? { history: img.steps.exportSteps() } : {}),
    };
  }

  /** The kept session of this image follows its applied steps (an Apply, an undo) at once. */
  private keepSteps(imageId: string, img: HeldImage): void {
    const rec = this.keeper.load();
    if (rec?.imageId === imageId) this.keeper.save({ ...rec, ...this.reopenable(img) });
  }

  /**
   * The kept session, or null when there is none. When this engine does not hold its image (a restarted
   * engine; an evicted image) but the session names the file, the file is opened again under the same id
   * and its applied steps are laid on it; otherwise (opened from bytes) the session ends.
   * @throws StudioError IO naming the file when it is gone or cannot be read (or no longer fits the kept
   *   steps and mask); the session then ends, so the next loadSession answers null. The file is only read.
   */
  async loadSession(): Promise<MethodResult<'loadSession'>> {
    const rec = this.keeper.load();
    if (!rec) return { session: null };
    let img: HeldImage;
    try {
      img = this.held.image(rec.imageId);
    } catch {
      if (!rec.imagePath || !this.openFile) {
        this.keeper.clear();
        return { session: null };
      }
      try {
        if (this.reopening?.imageId !== rec.imageId) {
          const done = this.reopen(rec, rec.imagePath, this.openFile);
          this.reopening = { imageId: rec.imageId, done };
          void done.then(
            () => this.reopening?.done === done && (this.reopening = null),
            () => this.reopening?.done === done && (this.reopening = null),
          );
        }
        img = await this.reopening!.done;
      } catch (e) {
        this.keeper.clear();
        const err = asStudioError(e, 'IO');
        throw new StudioError(
          'IO',
          `Cannot bring back the session's image ${rec.imagePath}: ${err.message}; the session was ended`,
          { cause: e },
        );
      }
    }
    return {
      session: {
        imageId: rec.imageId,
        name: img.name,
        width: img.image.width,
        height: img.image.height,
        format: img.meta.format,
        bitDepth: img.meta.bitDepth,
        hasAlpha: img.meta.hasAlpha,
        ...(img.meta.quality !== undefined ? { quality: img.meta.quality } : {}),
        preview: this.preview(img),
        ...stepsOf(img),
        mask: rec.mask ? { ...rec.mask, data: rec.mask.data.slice(0) } : null,
        sampling: rec.sampling ? { ...rec.sampling, data: rec.sampling.data.slice(0) } : null,
        state: rec.state,
      },
    };
  }

  /** Opens the session's image file again under its id, with its applied steps; checks they fit. */
  private async reopen(rec: SessionRecord, file: string, open: OpenImageFile): Promise<HeldImage> {
    const loaded = await open(file);
    const { width, height } = loaded.image;
    for (const [what, m] of [
      ['mask', rec.mask],
      ['sampling area', rec.sampling],
    ] as const)
      if (m && (m.width !== width || m.height !== height))
        throw new StudioError(
          'IO',
          `the file is now ${width}×${height} px but the session's ${what} is ${m.width}×${m.height} (the file changed)`,
        );
    const steps = rec.history?.patches.length ? AppliedSteps.fromSteps(loaded.image, rec.history) : undefined;
    const img: HeldImage = { ...loaded, name: path.basename(file), path: file, ...(steps ? { steps } : {}) };
    this.held.addImage(rec.imageId, img);
    if (steps) this.held.replaceImage(rec.imageId, steps.image, steps.extraBytes);
    return this.held.image(rec.imageId);
  }

  /** The image was closed: a session on it ends. */
  closed(imageId: string): void {
    if (this.keeper.load()?.imageId === imageId) this.keeper.clear();
  }

  private preview(img: HeldImage) {
    return {
      width: img.image.width,
      height: img.image.height,
      rgba: displayRgba8(img.image, img.alpha, img.meta),
    };
  }
}
