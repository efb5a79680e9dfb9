/**
 * The applied steps of one open image: the editor's "Apply" makes a result the image's new base, and the
 * next run fills from it. The original is kept, and each step as a patch: the box where the result
 * differs from the base it was applied to, and the result's pixels in that box (a stage changes only the
 * hole's pixels, so a patch is small next to the image). Step 0 is the original; going to step n starts
 * from the original and lays patches 1..n on it, so any step can be reached (undo, redo, the History
 * list) without holding a full image per step. Applying while an earlier step is current drops the
 * later ones (as a new edit after undo drops the redo steps).
 *
 * Rebuilding a base allocates a full image (a 17.9 MP image: 215 MB, about 2 s on a loaded machine), so
 * the last bases left are kept whole (KEPT_BASES of them): undo right after Apply, and redo right after
 * undo, swap images without a copy.
 */
import { StudioError } from '../common/errors';
import type { RgbImage } from '../image/types';

/** A box in pixels: x0, y0 inclusive, x1, y1 exclusive. */
export interface PatchBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** One applied step as kept (exported and imported with the session): see AppliedSteps. */
export interface Patch {
  label: string;
  box: PatchBox | null;
  /** 3 planes of the box's size (R, G, B), the result's values; empty when the result equals its base. */
  pixels: Float32Array;
}

/** The box where two images of one size differ, or null when they are equal. */
export function differenceBox(a: RgbImage, b: RgbImage): PatchBox | null {
  const { width: w, height: h } = a;
  const plane = w * h;
  let x0 = w,
    y0 = h,
    x1 = -1,
    y1 = -1;
  const da = a.data,
    db = b.data;
  for (let c = 0; c < 3; c++) {
    const o = c * plane;
    for (let y = 0; y < h; y++) {
      const row = o + y * w;
      for (let x = 0; x < w; x++)
        if (da[row + x] !== db[row + x]) {
          if (x < x0) x0 = x;
          if (x > x1) x1 = x;
          if (y < y0) y0 = y;
          if (y > y1) y1 = y;
        }
    }
  }
  return x1 < 0 ? null : { x0, y0, x1: x1 + 1, y1: y1 + 1 };
}

function cut(img: RgbImage, box: PatchBox): Float32Array {
  const bw = box.x1 - box.x0,
    bh = box.y1 - box.y0;
  const out = new Float32Array(bw * bh * 3);
  const plane = img.width * img.height;
  for (let c = 0; c < 3; c++)
    for (let y = 0; y < bh; y++) {
      const from = c * plane + (box.y0 + y) * img.width + box.x0;
      out.set(img.data.subarray(from, from + bw), (c * bh + y) * bw);
    }
  return out;
}

function paste(data: Float32Array, width: number, height: number, p: Patch): void {
  if (!p.box) return;
  const { x0, y0, x1, y1 } = p.box;
  const bw = x1 - x0,
    bh = y1 - y0;
  const plane = width * height;
  for (let c = 0; c < 3; c++)
    for (let y = 0; y < bh; y++) {
      const src = (c * bh + y) * bw;
      data.set(p.pixels.subarray(src, src + bw), c * plane + (y0 + y) * width + x0);
    }
}

/** The applied steps of an image as a session keeps them: the current step and every step's patch. */
export interface StepsRecord {
  step: number;
  patches: Patch[];
}

/** Whole bases kept beside the current one (least recently left dropped first). */
const KEPT_BASES = 2;

export class AppliedSteps {
  private readonly patches: Patch[] = [];
  /** Bases recently left, by step (never the original, which is held anyway). */
  private readonly kept = new Map<number, RgbImage>();
  private currentStep = 0;
  private base: RgbImage;

  constructor(readonly original: RgbImage) {
    this.base = original;
  }

  /** The current base image (the original at step 0). Never mutated: a step change makes a new one. */
  get image(): RgbImage {
    return this.base;
  }
  /** The current step: 0 = the original, n = after the n-th applied result. */
  get step(): number {
    return this.currentStep;
  }
  /** Every step's label, step 1 first (the steps after the current one can be gone back to as well). */
  get labels(): string[] {
    return this.patches.map((p) => p.label);
  }
  /** Bytes held beyond the current base: the original (when it is not the base) and the patches. */
  get extraBytes(): number {
    let n = this.base === this.original ? 0 : this.original.data.byteLength;
    for (const p of this.patches) n += p.pixels.byteLength;
    for (const k of this.kept.values()) n += k.data.byteLength;
    return n;
  }

  /**
   * The current step and the patches, for a session to keep. The patches are shared, not copied: they are
   * never changed once made (apply replaces the array's later entries, never a patch's pixels).
   */
  exportSteps(): StepsRecord {
    return { step: this.currentStep, patches: [...this.patches] };
  }

  /**
   * The steps `rec` (from exportSteps, possibly read back from disk) laid on `original`, at `rec.step`.
   * @throws StudioError PARAM_INVALID when the record does not fit the image: a step out of range, a box
   *   outside it, or pixels of another size than the box (the image file changed since the session).
   */
  static fromSteps(original: RgbImage, rec: StepsRecord): AppliedSteps {
    const { width: w, height: h } = original;
    if (!Number.isInteger(rec.step) || rec.step < 0 || rec.step > rec.patches.length)
      throw new StudioError(
        'PARAM_INVALID',
        `Expected a current step between 0 and ${rec.patches.length} but received ${String(rec.step)}`,
      );
    rec.patches.forEach((p, i) => {
      const b = p.box;
      const fits =
        b === null
          ? p.pixels.length === 0
          : b.x0 >= 0 &&
            b.y0 >= 0 &&
            b.x1 <= w &&
            b.y1 <= h &&
            b.x1 > b.x0 &&
            b.y1 > b.y0 &&
            p.pixels.length === (b.x1 - b.x0) * (b.y1 - b.y0) * 3;
      if (!fits)
        throw new StudioError(
          'PARAM_INVALID',
          `Applied step ${i + 1} ("${p.label}") does not fit the ${w}×${h} px image: box ` +
            `${b ? `${b.x0},${b.y0}–${b.x1},${b.y1}` : 'none'} with ${p.pixels.length} values`,
        );
    });
    const steps = new AppliedSteps(original);
    steps.patches.push(...rec.patches);
    steps.goTo(rec.step);
    return steps;
  }

  /**
   * Makes `result` the new base, as step current+1 (the steps after the current one are dropped).
   * `result` is taken as it is (not copied) and must not be changed afterwards.
   * @throws StudioError PARAM_INVALID when the result's size is not the image's.
   */
  apply(result: RgbImage, label: string): number {
    if (result.width !== this.original.width || result.height !== this.original.height)
      throw new StudioError(
        'PARAM_INVALID',
        `Expected a result of ${this.original.width}×${this.original.height} px to apply but received ` +
          `${result.width}×${result.height} px`,
      );
    const box = differenceBox(this.base, result);
    for (const step of [...this.kept.keys()]) if (step > this.currentStep) this.kept.delete(step);
    this.keep(this.currentStep, this.base);
    this.patches.length = this.currentStep;
    this.patches.push({ label, box, pixels: box ? cut(result, box) : new Float32Array(0) });
    this.currentStep = this.patches.length;
    this.base = result;
    return this.currentStep;
  }

  /**
   * Makes step `n` the base (0 = the original).
   * @throws StudioError PARAM_INVALID when there is no such step.
   */
  goTo(n: number): RgbImage {
    if (!Number.isInteger(n) || n < 0 || n > this.patches.length)
      throw new StudioError(
        'PARAM_INVALID',
        `Expected a step between 0 and ${this.patches.length} but received ${String(n)}`,
      );
    if (n === this.currentStep) return this.base;
    const { width, height } = this.original;
    let image: RgbImage = this.original;
    const kept = this.kept.get(n);
    this.keep(this.currentStep, this.base);
    if (kept) {
      image = kept;
      this.kept.delete(n);
    } else if (n > 0) {
      const data = new Float32Array(this.original.data);
      for (let i = 0; i < n; i++) paste(data, width, height, this.patches[i]);
      image = { width, height, data };
    }
    this.base = image;
    this.currentStep = n;
    return image;
  }

  /** Keeps a base being left (the most recent last), within KEPT_BASES. */
  private keep(step: number, image: RgbImage): void {
    if (image === this.original) return;
    this.kept.delete(step);
    this.kept.set(step, image);
    while (this.kept.size > KEPT_BASES) this.kept.delete(this.kept.keys().next().value!);
  }
}
