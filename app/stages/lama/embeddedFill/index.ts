/**
 * The embedded, download-free fill the LaMa stage uses when no LaMa model is installed.
 * 'fsr' is frequency-selective reconstruction (fsr.ts): it continues lines, edges and smooth shading
 * across thin and medium holes. 'patchmatch' copies texture from the surroundings (Content-Aware-Fill
 * style). 'auto' runs FSR over the hole, then, where a hole is wide and its surroundings are a
 * texture (regionChoice.ts), lets PatchMatch copy texture starting from FSR's fill and keeps
 * PatchMatch's detail over FSR's shapes and shading (blendDetail); parts of the hole deeper than FSR's
 * reach (FSR_MAX_DEPTH) PatchMatch alone fills, before FSR. 'pushpull' is a smooth
 * membrane fill (fast, good for skies and flat areas, blurry on texture).
 */
import { StudioError, describeValue, throwIfAborted } from '../../../common/errors';
import type { Rect } from '../../../common/params';
import { cloneImage, createMask, maskArea, type Mask, type RgbImage } from '../../../image/types';
import { fsrRounds } from './fsr';
import { checkFillInputs, groupHoles, growRect } from '../../../image/fill/holeGeometry';
import { patchMatchFill, patchMatchFillAsync, patchMatchRounds } from '../../../image/fill/patchMatch';
import { pushPullFill } from '../../../image/fill/pushPull';
import { blendDetail, chooseRegions } from './regionChoice';
import { cropImage, cropMask, maskBoundingBox } from '../../../image/crop';

export type EmbeddedFillMethod = 'auto' | 'fsr' | 'patchmatch' | 'pushpull';

export const EMBEDDED_FILL_METHODS: readonly EmbeddedFillMethod[] = ['auto', 'fsr', 'patchmatch', 'pushpull'];

export interface EmbeddedFillOptions {
  method: EmbeddedFillMethod;
  /** PatchMatch's random seed (any integer); push-pull has no randomness. */
  seed?: number;
  signal?: AbortSignal;
  /**
   * PatchMatch reports after every iteration, FSR every few blocks, auto in thousandths of its two
   * phases; push-pull reports once, when done. The last report has step = total.
   */
  onProgress?: (step: number, total: number) => void;
}

/**
 * Fills the hole without a model.
 * @param image sRGB 0..1 planes
 * @param mask 1 = hole, the image's size
 * @returns a new image; pixels outside the hole are bit-exact copies of `image`
 * @throws StudioError PARAM_INVALID (unknown method, the mask covers the whole image), MASK_SIZE, CANCELLED.
 */
export function embeddedFill(image: RgbImage, mask: Mask, opts: EmbeddedFillOptions): RgbImage {
  switch (opts.method) {
    case 'auto':
    case 'fsr':
      return runSync(rounds(image, mask, opts));
    case 'patchmatch':
      return patchMatchFill(image, mask, {
        seed: opts.seed,
        signal: opts.signal,
        onProgress: opts.onProgress,
      });
    case 'pushpull': {
      const out = pushPullFill(image, mask, { signal: opts.signal });
      opts.onProgress?.(1, 1);
      return out;
    }
    default:
      throw new StudioError(
        'PARAM_INVALID',
        `Expected one of ${EMBEDDED_FILL_METHODS.map((m) => JSON.stringify(m)).join(', ')} for the embedded fill method but received ${describeValue((opts as { method: unknown }).method)}`,
      );
  }
}

/**
 * embeddedFill that yields to the event loop between PatchMatch rounds, so that an abort arriving as a
 * message (the user pressing Cancel) and progress messages get through while an 8 MP fill runs on the
 * engine's thread. The synchronous form only sees a signal fired before it started or from onProgress.
 * Same result and throws as embeddedFill.
 */
export async function embeddedFillAsync(
  image: RgbImage,
  mask: Mask,
  opts: EmbeddedFillOptions,
): Promise<RgbImage> {
  if (opts.method === 'patchmatch') {
    return patchMatchFillAsync(image, mask, {
      seed: opts.seed,
      signal: opts.signal,
      onProgress: opts.onProgress,
    });
  }
  if (opts.method === 'auto' || opts.method === 'fsr') {
    const run = rounds(image, mask, opts);
    for (;;) {
      const r = run.next();
      if (r.done) return r.value;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  // Push-pull takes well under a second even at 8 MP.
  return embeddedFill(image, mask, opts);
}

function runSync(run: Generator<void, RgbImage>): RgbImage {
  for (;;) {
    const r = run.next();
    if (r.done) return r.value;
  }
}

/**
 * σ (px) of the split between FSR's structure and PatchMatch's detail in the refined regions. Measured
 * with bench/embeddedFillPhotos.ts on chelsea (the eye in fur): PatchMatch alone S 6.94 D 0.53, FSR
 * alone S 4.72 D 0.28; the blend at σ 1.5 / 2 / 3 / 4: S 4.76 / 4.79 / 4.86 / 4.94, D 0.46 / 0.48 /
 * 0.50 / 0.50.
 */
const DETAIL_SIGMA = 2;

/**
 * PatchMatch's EM rounds per level when it refines FSR's fill (its default is 5): FSR's fill is a good
 * start. On the photo bench's chelsea, 2 rounds: S 4.78, D 0.52; 5 rounds: S 4.79, D 0.48.
 */
const REFINE_ITERATIONS = 2;

/** Progress in thousandths. */
const STEPS = 1000;

/**
 * PatchMatch's context margin (px) around a group of deep parts, at most (768 elsewhere): such a group's
 * box is large, and the crop's area sets PatchMatch's memory.
 */
const DEEP_MAX_MARGIN = 384;

/** Groups of deep parts further apart than this (px) are filled by PatchMatch on separate crops. */
const DEEP_GROUP_SEPARATION = 64;

/**
 * The crop PatchMatch works on around holes whose box is `box`: the box with PatchMatch's own context margin (twice the
 * box, at most 768 px), so memory stays with the holes' neighbourhood.
 */
function patchMatchRect(box: Rect, width: number, height: number, maxMargin = 768) {
  const margin = Math.min(maxMargin, Math.max(32, 2 * Math.max(box.width, box.height)));
  return growRect(box, margin, width, height);
}

/** Copies `crop`'s pixels where `holes` (the crop's size) is 1 into `out` at `rect`. */
function pasteHoles(out: RgbImage, crop: RgbImage, holes: Mask, rect: Rect): void {
  const n = out.width * out.height;
  const m = rect.width * rect.height;
  for (let y = 0; y < rect.height; y++)
    for (let x = 0; x < rect.width; x++) {
      const j = y * rect.width + x;
      if (!holes.data[j]) continue;
      const i = (rect.y + y) * out.width + rect.x + x;
      for (let c = 0; c < 3; c++) out.data[c * n + i] = crop.data[c * m + j];
    }
}

/**
 * The 'fsr' and 'auto' fills as a generator that yields between rounds. 'auto': the regions are chosen
 * first (on the input); PatchMatch alone fills the parts deeper than FSR's reach (its fill of them then
 * counts as known); FSR fills the rest of the hole; then PatchMatch refills the texture regions from
 * FSR's fill as its start, every other pixel (FSR's fill included) as context.
 */
function* rounds(image: RgbImage, mask: Mask, opts: EmbeddedFillOptions): Generator<void, RgbImage> {
  const area = checkFillInputs(image, mask);
  const report = opts.onProgress;
  if (opts.method === 'fsr' || area === 0) {
    return yield* fsrRounds(image, mask, { signal: opts.signal, onProgress: report });
  }
  throwIfAborted(opts.signal);
  const { width: W, height: H } = image;
  const { refine, replace } = chooseRegions(image, mask, opts.signal);
  yield;
  // Progress: equal shares for the phases that run.
  const phases = 1 + (refine ? 1 : 0) + (replace ? 1 : 0);
  let done = 0;
  const phase = () => {
    const from = done++ / phases;
    return (step: number, total: number) =>
      report?.(Math.min(STEPS, Math.round(STEPS * (from + step / Math.max(1, total) / phases))), STEPS);
  };
  let source = image;
  let fsrMask = mask;
  if (replace) {
    // PatchMatch from scratch, per group of deep parts on a crop around it (a hull of groups far apart
    // would be most of the image), with the whole hole in the crop (joined strokes too, so the deep
    // parts are filled with them in view); only the group's deep parts are kept, the rest is FSR's below.
    const groups = groupHoles(replace, DEEP_GROUP_SEPARATION);
    const each = phase();
    for (const [g, box] of groups.boxes.entries()) {
      const rect = patchMatchRect(box, W, H, DEEP_MAX_MARGIN);
      const whole = rect.width === W && rect.height === H;
      const pm = yield* patchMatchRounds(
        whole ? image : cropImage(image, rect),
        whole ? mask : cropMask(mask, rect),
        {
          seed: opts.seed,
          signal: opts.signal,
          onProgress: (step, total) => each(g + step / Math.max(1, total), groups.boxes.length),
        },
      );
      throwIfAborted(opts.signal);
      if (whole && groups.boxes.length === 1) {
        // PatchMatch's output is a whole copy already (the neighbourhood run's usual case): FSR refills
        // the hole pixels outside the deep parts in it; no further copy.
        source = pm;
        break;
      }
      if (source === image) source = cloneImage(image);
      // This group's deep pixels: the replace mask within the group's box.
      const keep = createMask(rect.width, rect.height);
      for (let y = box.y; y < box.y + box.height; y++)
        for (let x = box.x; x < box.x + box.width; x++)
          keep.data[(y - rect.y) * rect.width + x - rect.x] = replace.data[y * W + x];
      pasteHoles(source, pm, keep, rect);
    }
    fsrMask = createMask(W, H);
    for (let i = 0; i < W * H; i++) fsrMask.data[i] = mask.data[i] & (1 - replace.data[i]);
  }
  // FSR fills `source` in place when it is this function's own copy.
  const fsr =
    source !== image && maskArea(fsrMask) === 0
      ? (phase()(1, 1), source)
      : yield* fsrRounds(source, fsrMask, {
          signal: opts.signal,
          onProgress: phase(),
          inPlace: source !== image,
        });
  if (refine) {
    const rect = patchMatchRect(maskBoundingBox(refine)!, W, H);
    const whole = rect.width === W && rect.height === H;
    // fsr itself when the crop is the whole image: blendDetail reads it before pasteHoles writes it.
    const fsrCrop = whole ? fsr : cropImage(fsr, rect);
    const refineCrop = whole ? refine : cropMask(refine, rect);
    const pm = yield* patchMatchRounds(fsrCrop, refineCrop, {
      seed: opts.seed,
      signal: opts.signal,
      start: fsrCrop,
      iterations: REFINE_ITERATIONS,
      onProgress: phase(),
    });
    throwIfAborted(opts.signal);
    blendDetail(fsrCrop, pm, refineCrop, DETAIL_SIGMA);
    // Only the refined holes' pixels go back: everything else stays FSR's (and the input's outside).
    pasteHoles(fsr, pm, refineCrop, rect);
  }
  report?.(STEPS, STEPS);
  return fsr;
}

export { fsrFill, fsrFillAsync, FSR, type FsrOptions } from './fsr';
export { chooseRegions, FSR_MAX_DEPTH, PATCHMATCH_MIN_WIDTH, type RegionChoice } from './regionChoice';
export {
  patchMatchFill,
  patchMatchFillAsync,
  PATCHMATCH_DEFAULTS,
  type PatchMatchOptions,
} from '../../../image/fill/patchMatch';
export { pushPullFill, type PushPullOptions } from '../../../image/fill/pushPull';
