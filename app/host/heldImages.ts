/**
 * The images and results an engine holds for its front ends, bounded by a memory budget. A front end
 * closes an image it is done with (closeImage); whatever a client does, the least recently used images
 * and results beyond the budget are evicted, so the engine's memory stays bounded. The most recently used
 * image and result are never evicted (a single image larger than the budget still works). A request that
 * names a freed image or result gets IMAGE_CLOSED, saying why; an id the engine never issued gets
 * PARAM_INVALID.
 */
import os from 'node:os';
import { StudioError, describeValue } from '../common/errors';
import type { LoadedImage, RgbImage } from '../image/types';
import type { AppliedSteps } from './appliedSteps';

/**
 * An open image: its pixels (the current base: the file's, or an applied result's), its file's name and
 * path ('' when opened from bytes), and its applied steps once a result was applied.
 */
export interface HeldImage extends LoadedImage {
  name: string;
  path: string;
  steps?: AppliedSteps;
}

export interface HeldResult {
  image: RgbImage;
  source: HeldImage;
}

/** Environment variable: the budget in MiB (a positive whole number). */
export const IMAGE_BUDGET_ENV = 'INPAINT_STUDIO_IMAGE_MEMORY';
const MIB = 1024 * 1024;
/** Freed ids remembered to tell "closed" from "never opened" (ids are small; this bounds them). */
const FREED_REMEMBERED = 10_000;

/**
 * The default budget: $INPAINT_STUDIO_IMAGE_MEMORY MiB when set, else the smaller of 2 GiB and a quarter of
 * the machine's memory.
 * @throws StudioError PARAM_INVALID when the variable is set but not a positive whole number.
 */
export function defaultImageBudget(
  env: Record<string, string | undefined> = process.env,
  totalMem = os.totalmem(),
): number {
  const raw = env[IMAGE_BUDGET_ENV]?.trim();
  if (raw) {
    const mib = Number(raw);
    if (!Number.isSafeInteger(mib) || mib <= 0)
      throw new StudioError(
        'PARAM_INVALID',
        `Expected a positive whole number of MiB for ${IMAGE_BUDGET_ENV} but received ${describeValue(raw)}`,
      );
    return mib * MIB;
  }
  return Math.min(2 * 1024 * MIB, Math.floor(totalMem / 4));
}

function imageBytes(l: LoadedImage): number {
  return (
    l.image.data.byteLength +
    (l.alpha?.byteLength ?? 0) +
    (l.meta.exif?.byteLength ?? 0) +
    (l.meta.icc?.byteLength ?? 0)
  );
}

type Entry = { kind: 'image'; bytes: number } | { kind: 'result'; bytes: number; imageId: string };
type Why = 'closed' | 'evicted' | 'source-closed' | 'superseded';

export class HeldImages {
  private readonly images = new Map<string, HeldImage>();
  private readonly results = new Map<string, HeldResult>();
  /** Every held image and result by id, least recently used first (a use moves it to the end). */
  private readonly order = new Map<string, Entry>();
  /** Why a freed id was freed, oldest first. */
  private readonly freed = new Map<string, Why>();
  private total = 0;

  /**
   * @param budgetBytes > 0: the bytes of pixels (images, their alpha and metadata, results) held at most,
   *   beyond the most recently used image and result.
   * @param maxResults >= 1: results kept at most, whatever their size.
   * @throws StudioError PARAM_INVALID for a budget that is not a positive number.
   */
  constructor(
    readonly budgetBytes: number = defaultImageBudget(),
    private readonly maxResults = 6,
  ) {
    if (!(budgetBytes > 0) || !Number.isFinite(budgetBytes))
      throw new StudioError(
        'PARAM_INVALID',
        `Expected a positive number of bytes for the image budget but received ${describeValue(budgetBytes)}`,
      );
  }

  /** Bytes held now (images with their alpha and metadata, and results). */
  get heldBytes(): number {
    return this.total;
  }

  get imageCount(): number {
    return this.images.size;
  }

  get resultCount(): number {
    return this.results.size;
  }

  /** Holds an opened image under `id` (the most recently used now); may evict older ones. */
  addImage(id: string, image: HeldImage): void {
    this.images.set(id, image);
    this.enter(id, { kind: 'image', bytes: imageBytes(image) });
    this.evict();
  }

  /**
   * The image with this id, marked as just used.
   * @throws StudioError IMAGE_CLOSED when it was closed or evicted; PARAM_INVALID when never opened.
   */
  image(id: string): HeldImage {
    const img = this.images.get(id);
    if (!img) throw this.missing('image', id);
    this.touch(id);
    return img;
  }

  /**
   * Holds a result of the image `imageId`. When that image was closed while the result was computed, the
   * result is not kept (its id answers IMAGE_CLOSED). May evict older entries.
   */
  addResult(id: string, imageId: string, image: RgbImage): void {
    const source = this.images.get(imageId);
    if (!source) {
      this.forget(id, 'source-closed');
      return;
    }
    this.results.set(id, { image, source });
    this.enter(id, { kind: 'result', bytes: image.data.byteLength, imageId });
    this.touch(imageId);
    this.touch(id);
    for (const [rid, e] of this.order) {
      if (this.results.size <= this.maxResults) break;
      if (e.kind === 'result' && rid !== id) this.drop(rid, 'superseded');
    }
    this.evict();
  }

  /**
   * The result with this id (and its image), marked as just used.
   * @throws StudioError IMAGE_CLOSED when it or its image was freed; PARAM_INVALID when never made.
   */
  result(id: string): HeldResult {
    const r = this.results.get(id);
    if (!r) throw this.missing('result', id);
    const e = this.order.get(id) as Extract<Entry, { kind: 'result' }>;
    this.touch(e.imageId);
    this.touch(id);
    return r;
  }

  /**
   * Replaces an open image's pixels (an applied result, or an applied step gone back to); `extraBytes`
   * are the bytes its applied steps hold beyond these pixels (counted against the budget).
   * @throws StudioError IMAGE_CLOSED / PARAM_INVALID as image().
   */
  replaceImage(id: string, image: RgbImage, extraBytes = 0): void {
    const held = this.image(id);
    const e = this.order.get(id)!;
    held.image = image;
    const bytes = imageBytes(held) + extraBytes;
    this.total += bytes - e.bytes;
    e.bytes = bytes;
    this.evict();
  }

  /** Frees an image and its results. Returns false when it was not held. */
  close(imageId: string): boolean {
    if (!this.images.has(imageId)) return false;
    this.drop(imageId, 'closed');
    return true;
  }

  private enter(id: string, e: Entry): void {
    this.order.set(id, e);
    this.total += e.bytes;
  }

  private touch(id: string): void {
    const e = this.order.get(id);
    if (!e) return;
    this.order.delete(id);
    this.order.set(id, e);
  }

  /** Drops an entry (an image takes its results with it). */
  private drop(id: string, why: Why): void {
    const e = this.order.get(id);
    if (!e) return;
    this.order.delete(id);
    this.total -= e.bytes;
    if (e.kind === 'result') this.results.delete(id);
    else {
      this.images.delete(id);
      for (const [rid, r] of this.order)
        if (r.kind === 'result' && r.imageId === id) this.drop(rid, why === 'closed' ? 'source-closed' : why);
    }
    this.forget(id, why);
  }

  private forget(id: string, why: Why): void {
    this.freed.set(id, why);
    if (this.freed.size > FREED_REMEMBERED) this.freed.delete(this.freed.keys().next().value!);
  }

  /** Evicts least recently used entries until the budget holds, sparing the newest image and result. */
  private evict(): void {
    if (this.total <= this.budgetBytes) return;
    let newestImage: string | undefined;
    let newestResult: string | undefined;
    for (const [id, e] of this.order) {
      if (e.kind === 'image') newestImage = id;
      else newestResult = id;
    }
    const keepImage = newestResult
      ? (this.order.get(newestResult) as Extract<Entry, { kind: 'result' }>).imageId
      : undefined;
    for (const [id, e] of [...this.order]) {
      if (this.total <= this.budgetBytes) break;
      if (!this.order.has(id) || id === newestImage || id === newestResult) continue;
      // The newest result's image stays while that result does (the result refers to it).
      if (e.kind === 'image' && id === keepImage) continue;
      this.drop(id, 'evicted');
    }
  }

  private missing(kind: 'image' | 'result', id: string): StudioError {
    const why = this.freed.get(id);
    const again = kind === 'image' ? 'open it again' : 'run again';
    const what = kind === 'image' ? 'Image' : 'Result';
    switch (why) {
      case 'closed':
        return new StudioError('IMAGE_CLOSED', `${what} "${id}" was closed; ${again}.`);
      case 'source-closed':
        return new StudioError(
          'IMAGE_CLOSED',
          `Result "${id}" belonged to an image that was closed; ${again}.`,
        );
      case 'superseded':
        return new StudioError(
          'IMAGE_CLOSED',
          `Result "${id}" was freed: the engine keeps only the ${this.maxResults} most recent results; ${again}.`,
        );
      case 'evicted':
        return new StudioError(
          'IMAGE_CLOSED',
          `${what} "${id}" was freed to keep the engine's images within its memory budget ` +
            `(${Math.round(this.budgetBytes / MIB)} MiB, ${IMAGE_BUDGET_ENV}); ${again}.`,
        );
      default:
        return new StudioError(
          'PARAM_INVALID',
          kind === 'image'
            ? `No open image with id "${id}"; open it first`
            : `No result with id "${id}"; run the pipeline first`,
        );
    }
  }
}
