/**
 * The engine's side of the editor's workflow around runs: Apply (a held result becomes the open image's
 * base, see appliedSteps.ts), going back to an applied step, what Export writes (a result, or the current
 * base), and the session a reloaded page reads back (the open image, its mask, its applied steps and the
 * editor's parameters as JSON).
 *
 * The session is kept by a SessionKeeper. The browser host keeps it in the engine's memory
 * (MemorySessionKeeper): a reloaded page finds it, a restarted host does not. The desktop app can keep
 * it on disk with a keeper that writes the record (the image's path or bytes, the applied patches, the
 * mask and the JSON) to its user data folder; the contract does not change.
 */
import { StudioError } from '../common/errors';
import type { MethodParams, MethodResult } from '../contract/schemas';
import { displayRgba8 } from '../image/displayColour';
import type { RgbImage } from '../image/types';
import { AppliedSteps } from './appliedSteps';
import type { HeldImage, HeldImages } from './heldImages';

/**
 * What saveSession keeps: the open image's id, its mask (or null), its sampling area (null or absent:
 * anywhere) and the editor's state as JSON.
 */
export interface SessionRecord {
  imageId: string;
  mask: { width: number; height: number; data: ArrayBuffer } | null;
  sampling?: { width: number; height: number; data: ArrayBuffer } | null;
  state: string;
}

/** Where the session is kept (memory in the browser host; a file in the desktop app, later). */
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
  constructor(
    private readonly held: HeldImages,
    private readonly keeper: SessionKeeper = new MemorySessionKeeper(),
  ) {}

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
    });
    return { saved: true };
  }

  /** The kept session, or null when there is none or its image was freed (closed, evicted). */
  loadSession(): MethodResult<'loadSession'> {
    const rec = this.keeper.load();
    if (!rec) return { session: null };
    let img: HeldImage;
    try {
      img = this.held.image(rec.imageId);
    } catch {
      this.keeper.clear();
      return { session: null };
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
