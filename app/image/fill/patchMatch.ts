/**
 * Patch-based hole completion in the manner of Wexler, Shechtman & Irani (2007) with the PatchMatch
 * search of Barnes et al. (2009), the family Photoshop's Content-Aware Fill belongs to.
 *
 * - The whole hole is first filled by push-pull: the coarsest level's start, and a neutral stand-in for
 *   other groups' holes that fall inside a group's context.
 * - Every pixel carries a fourth value, a texture feature (mean gradient magnitude around it, after Newson
 *   et al. 2014), so that coarse levels, where colour alone cannot tell fur from a blurred background, still
 *   match sources with the right amount of detail. Without it large holes drift to flat, washed-out fills.
 * - Each group of nearby hole parts is filled from its own context crop (the hole's box grown by twice its
 *   size, at most MAX_MARGIN), over an area pyramid that goes down until the hole is about half a patch thick.
 * - From the coarsest level up: PatchMatch search then voting, a few rounds per level. The NNF is doubled
 *   into the next level and voted once before any search there, so each level starts from copied detail
 *   rather than from the blurred upsampling (searching against that drifts to flat sources).
 * - Work at large levels is bounded: fewer rounds, and a local random search where the hole holds many
 *   pixels or at full resolution (the doubled field is right up to a few pixels there).
 */
import { throwIfAborted } from '../../common/errors';
import type { Rect } from '../../common/params';
import { maskBoundingBox, rectHull } from '../crop';
import { assertSameSize, cloneImage, type Mask, type RgbImage } from '../types';
import {
  checkFillInputs,
  checkIntegerOption,
  groupAt,
  groupHoles,
  growRect,
  type HoleGroups,
} from './holeGeometry';
import { distanceToKnown } from '../morphology';
import {
  CH,
  Rng,
  buildField,
  countSources,
  randomInit,
  searchPass,
  upsampleField,
  vote,
  type Field,
  type PatchLevel,
} from './patchMatchCore';
import { copyIntoHole } from './composite';
import { pushPullHoles } from './pushPull';
import { textureFeature } from './textureFeature';

export interface PatchMatchOptions {
  /** Integer in [-2^31, 2^32); the same seed gives the same result. Default 0. */
  seed?: number;
  /** Patch side in pixels, 3..21. Default 7. */
  patchSize?: number;
  /** EM iterations (search + vote) per level at the small levels, 1..50. Default 5. */
  iterations?: number;
  signal?: AbortSignal;
  /**
   * Where the hole starts (only its hole pixels are read; the image's size), instead of the push-pull
   * fill: the coarse levels then look for patches like this picture, so a rough fill (LaMa's) guides
   * where the copied structure goes.
   */
  start?: RgbImage;
  /**
   * 1 = a pixel source patches may cover (the image's size); absent: every known pixel. Each group's
   * context then also reaches over all the allowed pixels.
   */
  sources?: Mask;
  /** Called after every EM iteration; step runs 1..total. */
  onProgress?: (step: number, total: number) => void;
}

export const PATCHMATCH_DEFAULTS = { seed: 0, patchSize: 7, iterations: 5 } as const;

/** Context margin around a hole group, as a multiple of the group box's larger side... */
const CONTEXT = 2;
/** ...at most this many pixels (bounds memory and the pyramid's cost at 8 MP). */
const MAX_MARGIN = 768;
/** The pyramid stops where the hole's thickness (max distance to a known pixel) is about this x patch. */
const COARSEST_THICKNESS = 0.5;
/** A level needs at least this many source patches to be searched. */
const MIN_SOURCES = 64;
/**
 * Work budget per level, in hole pixels x EM iterations: a level with more hole pixels than
 * WORK_BUDGET / iterations gets fewer iterations (at least FINE_ITERATIONS)...
 */
const WORK_BUDGET = 250_000;
const FINE_ITERATIONS = 1;
/** ...and above LOCAL_SEARCH_PIXELS hole pixels, random search only within LOCAL_RADIUS patches of the match. */
const LOCAL_SEARCH_PIXELS = 40_000;
const LOCAL_RADIUS = 2;
/** Full resolution (unless it is also the coarsest level) gets at most this many rounds, searched locally. */
const FULL_RES_ITERATIONS = 2;
/** Scale of the texture feature against colour in the patch distance (see textureFeature.ts). */
const TEXTURE_WEIGHT = 4;

interface LevelPlan {
  W: number;
  H: number;
  unknown: Uint8Array;
  blocked?: Uint8Array;
  fill: Uint8Array;
  iterations: number;
  maxRadius: number;
}

interface GroupPlan {
  crop: Rect;
  /** Level 0's masks, also when there is nothing to search (then push-pull is the fill). */
  unknown: Uint8Array;
  fill: Uint8Array;
  /** Finest first; empty when not even level 0 has a source patch. */
  levels: LevelPlan[];
}

/**
 * Fills the hole with patches copied from the rest of the image.
 * @param image sRGB 0..1 planes
 * @param mask 1 = hole, image's size
 * @returns a new image; pixels outside the hole are bit-exact copies of `image`; an empty mask returns a
 *   copy. Deterministic for a given seed.
 * @throws StudioError MASK_SIZE (sizes differ), PARAM_INVALID (the mask covers everything, or an option out
 *   of range), CANCELLED (the signal fired; checked between iterations and within long passes).
 */
export function patchMatchFill(image: RgbImage, mask: Mask, opts: PatchMatchOptions = {}): RgbImage {
  const run = patchMatchRounds(image, mask, opts);
  for (;;) {
    const r = run.next();
    if (r.done) return r.value;
  }
}

/**
 * patchMatchFill that gives the event loop a turn after every round (and so lets an abort from a message
 * handler, and progress messages, through while it runs on the engine's thread). Same result, same throws.
 */
export async function patchMatchFillAsync(
  image: RgbImage,
  mask: Mask,
  opts: PatchMatchOptions = {},
): Promise<RgbImage> {
  const run = patchMatchRounds(image, mask, opts);
  for (;;) {
    const r = run.next();
    if (r.done) return r.value;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** The fill as a generator that yields after every round (search + vote); returns the filled image. */
export function* patchMatchRounds(
  image: RgbImage,
  mask: Mask,
  opts: PatchMatchOptions,
): Generator<void, RgbImage> {
  const p = opts.patchSize ?? PATCHMATCH_DEFAULTS.patchSize;
  const iterations = opts.iterations ?? PATCHMATCH_DEFAULTS.iterations;
  const seed = opts.seed ?? PATCHMATCH_DEFAULTS.seed;
  checkIntegerOption('patchSize', p, 3, 21);
  checkIntegerOption('iterations', iterations, 1, 50);
  checkIntegerOption('seed', seed, -(2 ** 31), 2 ** 32 - 1);
  const area = checkFillInputs(image, mask);
  if (opts.start) assertSameSize(opts.start, mask);
  if (opts.sources) assertSameSize(opts.sources, mask);
  const out = cloneImage(image);
  if (area === 0) return out;
  throwIfAborted(opts.signal);

  // The start (push-pull unless given), in `out` itself: the coarsest level's initial hole, and a stand-in
  // for other groups' holes inside a group's context crop (groups done earlier leave their result there).
  if (opts.start) copyIntoHole(out, opts.start, mask);
  else pushPullHoles(out.data, 3, mask, opts.signal);
  const texture = textureFeature(image, mask, p, TEXTURE_WEIGHT, opts.signal);
  const groups = groupHoles(mask, Math.max(32, 2 * p));
  yield;
  // Plans hold crop-sized masks: made once to count the rounds for progress, again just before use.
  let total = 0;
  for (let g = 1; g <= groups.boxes.length; g++) {
    for (const l of planGroup(mask, opts.sources, groups, g, groups.boxes[g - 1], p, iterations).levels)
      total += l.iterations;
  }
  const progress = { step: 0, total };
  for (let g = 1; g <= groups.boxes.length; g++) {
    throwIfAborted(opts.signal);
    const plan = planGroup(mask, opts.sources, groups, g, groups.boxes[g - 1], p, iterations);
    const rng = new Rng((Math.imul(seed | 0, 0x9e3779b1) + (g - 1) * 0x85ebca6b) | 0);
    yield* fillGroup(out, texture, plan, p, rng, progress, opts);
  }
  return out;
}

function planGroup(
  mask: Mask,
  sources: Mask | undefined,
  groups: HoleGroups,
  g: number,
  box: Rect,
  p: number,
  iterations: number,
): GroupPlan {
  const { width: IW, height: IH } = mask;
  const margin = Math.min(MAX_MARGIN, Math.max(3 * p, Math.round(CONTEXT * Math.max(box.width, box.height))));
  let crop = growRect(box, margin, IW, IH);
  const allowed = sources ? maskBoundingBox(sources) : null;
  if (allowed) crop = rectHull(crop, allowed);
  const { width: W, height: H } = crop;
  const unknown = new Uint8Array(W * H);
  const fill = new Uint8Array(W * H);
  const blocked = sources ? new Uint8Array(W * H) : undefined;
  for (let y = 0; y < H; y++) {
    const row = (crop.y + y) * IW + crop.x;
    for (let x = 0; x < W; x++) {
      if (blocked && !sources!.data[row + x]) blocked[y * W + x] = 1;
      if (!mask.data[row + x]) continue;
      unknown[y * W + x] = 1;
      if (blocked) blocked[y * W + x] = 1;
      if (groupAt(groups, crop.x + x, crop.y + y) === g) fill[y * W + x] = 1;
    }
  }
  const thickness = maxDepth(fill, W, box.x - crop.x, box.y - crop.y, box.width, box.height);

  const levels: LevelPlan[] = [];
  if (countSources(blocked ?? unknown, W, H, p) === 0) return { crop, unknown, fill, levels };
  levels.push({ W, H, unknown, blocked, fill, iterations: 0, maxRadius: 0 });
  while (thickness / 2 ** (levels.length - 1) > COARSEST_THICKNESS * p) {
    const f = levels[levels.length - 1];
    const cw = (f.W + 1) >> 1;
    const ch = (f.H + 1) >> 1;
    if (cw < 2 * p || ch < 2 * p) break;
    const cu = downMask(f.unknown, f.W, f.H);
    const cb = f.blocked ? downMask(f.blocked, f.W, f.H) : undefined;
    if (countSources(cb ?? cu, cw, ch, p) < MIN_SOURCES) break;
    const fill = downMask(f.fill, f.W, f.H);
    levels.push({ W: cw, H: ch, unknown: cu, blocked: cb, fill, iterations: 0, maxRadius: 0 });
  }
  for (let l = 0; l < levels.length; l++) {
    const L = levels[l];
    let holePixels = 0;
    for (let i = 0; i < L.fill.length; i++) holePixels += L.fill[i];
    const coarsest = l === levels.length - 1;
    // The coarsest level starts from random matches and needs a few more rounds.
    const want = coarsest ? iterations + 2 : iterations;
    L.iterations = Math.max(
      Math.min(want, FINE_ITERATIONS),
      Math.min(want, Math.floor(WORK_BUDGET / holePixels)),
    );
    L.maxRadius = !coarsest && holePixels > LOCAL_SEARCH_PIXELS ? LOCAL_RADIUS * p : Math.max(L.W, L.H);
    if (l === 0 && !coarsest) {
      // Full resolution only refines the doubled field: extra rounds there changed no result measurably.
      L.iterations = Math.min(L.iterations, FULL_RES_ITERATIONS);
      L.maxRadius = LOCAL_RADIUS * p;
    }
  }
  return { crop, unknown, fill, levels };
}

/** Largest distance from a pixel of `fill` (inside the given box) to the nearest pixel outside it. */
function maxDepth(fill: Uint8Array, W: number, bx: number, by: number, bw: number, bh: number): number {
  // One unmarked pixel of ring on every side, so the box's edge counts as outside.
  const rw = bw + 2;
  const rh = bh + 2;
  const sub = new Uint8Array(rw * rh);
  for (let y = 0; y < bh; y++)
    sub.set(fill.subarray((by + y) * W + bx, (by + y) * W + bx + bw), (y + 1) * rw + 1);
  const d = distanceToKnown(sub, rw, rh);
  let m = 0;
  for (let i = 0; i < d.length; i++) if (d[i] > m) m = d[i];
  return m;
}

/** A coarse pixel is marked when any of its (up to 4) children is. */
function downMask(m: Uint8Array, W: number, H: number): Uint8Array {
  const cw = (W + 1) >> 1;
  const ch = (H + 1) >> 1;
  const out = new Uint8Array(cw * ch);
  for (let y = 0; y < H; y++) {
    const row = y * W;
    const crow = (y >> 1) * cw;
    for (let x = 0; x < W; x++) if (m[row + x]) out[crow + (x >> 1)] = 1;
  }
  return out;
}

/** 2x2 area average of the interleaved values (edge pixels average what exists). */
function downImage(img: Float32Array, W: number, H: number): Float32Array {
  const cw = (W + 1) >> 1;
  const ch = (H + 1) >> 1;
  const out = new Float32Array(cw * ch * CH);
  for (let Y = 0; Y < ch; Y++) {
    const y0 = 2 * Y;
    const y1 = Math.min(H - 1, y0 + 1);
    for (let X = 0; X < cw; X++) {
      const x0 = 2 * X;
      const x1 = Math.min(W - 1, x0 + 1);
      const a = CH * (y0 * W + x0);
      const b = CH * (y0 * W + x1);
      const c = CH * (y1 * W + x0);
      const d = CH * (y1 * W + x1);
      const o = CH * (Y * cw + X);
      for (let k = 0; k < CH; k++) out[o + k] = 0.25 * (img[a + k] + img[b + k] + img[c + k] + img[d + k]);
    }
  }
  return out;
}

/** Bilinear upsampling of the coarse level into the fine level's fill pixels only. */
function upsampleFill(fine: PatchLevel, coarse: PatchLevel): void {
  const { W, H, img, fill } = fine;
  const cw = coarse.W;
  const chh = coarse.H;
  const c = coarse.img;
  for (let y = 0; y < H; y++) {
    const y0 = (y >> 1) - 1 + (y & 1);
    const ty = y & 1 ? 0.25 : 0.75;
    const ya = Math.min(Math.max(y0, 0), chh - 1) * cw;
    const yb = Math.min(Math.max(y0 + 1, 0), chh - 1) * cw;
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      if (!fill[i]) continue;
      const x0 = (x >> 1) - 1 + (x & 1);
      const tx = x & 1 ? 0.25 : 0.75;
      const xa = Math.min(Math.max(x0, 0), cw - 1);
      const xb = Math.min(Math.max(x0 + 1, 0), cw - 1);
      const a = CH * (ya + xa);
      const b = CH * (ya + xb);
      const d = CH * (yb + xa);
      const e = CH * (yb + xb);
      for (let k = 0; k < CH; k++) {
        img[CH * i + k] =
          (1 - ty) * ((1 - tx) * c[a + k] + tx * c[b + k]) + ty * ((1 - tx) * c[d + k] + tx * c[e + k]);
      }
    }
  }
}

/** Fills one group's hole pixels in `out` (which holds the push-pull start there); yields after each round. */
function* fillGroup(
  out: RgbImage,
  texture: Float32Array,
  plan: GroupPlan,
  p: number,
  rng: Rng,
  progress: { step: number; total: number },
  opts: PatchMatchOptions,
): Generator<void, void> {
  if (plan.levels.length === 0) return; // no source patch anywhere: push-pull stays
  const { crop } = plan;
  const { width: IW, height: IH } = out;
  const W = crop.width;
  const H = crop.height;
  const n = W * H;
  const iplane = IW * IH;
  const d = out.data;
  const img0 = new Float32Array(CH * n);
  for (let y = 0; y < H; y++) {
    const src = (crop.y + y) * IW + crop.x;
    for (let x = 0; x < W; x++) {
      const o = CH * (y * W + x);
      img0[o] = d[src + x];
      img0[o + 1] = d[iplane + src + x];
      img0[o + 2] = d[2 * iplane + src + x];
      img0[o + 3] = texture[src + x];
    }
  }
  const levels: PatchLevel[] = [];
  for (let l = 0; l < plan.levels.length; l++) {
    const lp = plan.levels[l];
    const img = l === 0 ? img0 : downImage(levels[l - 1].img, levels[l - 1].W, levels[l - 1].H);
    levels.push({ W: lp.W, H: lp.H, p, img, unknown: lp.unknown, blocked: lp.blocked, fill: lp.fill });
  }
  let prev: Field | null = null;
  let prevLevel: PatchLevel | null = null;
  for (let l = levels.length - 1; l >= 0; l--) {
    const L = levels[l];
    const F = buildField(L);
    if (prev && prevLevel) {
      upsampleFill(L, prevLevel);
      upsampleField(F, L, prev, prevLevel, rng);
      // Vote with the doubled field before any search: the level starts from copied fine detail. Searching
      // against the blurry upsampled estimate instead drifts to flat sources and washes texture out.
      // dist is still 0 here, so the weights are the boundary confidence alone.
      vote(L, F);
    } else {
      randomInit(F, rng);
    }
    const lp = plan.levels[l];
    for (let it = 0; it < lp.iterations; it++) {
      throwIfAborted(opts.signal);
      searchPass(L, F, rng, it % 2 === 0, lp.maxRadius, opts.signal);
      vote(L, F);
      progress.step++;
      opts.onProgress?.(progress.step, progress.total);
      yield;
    }
    prev = F;
    prevLevel = L;
    levels.length = l; // the coarser levels are no longer needed
  }
  const fill0 = plan.fill;
  for (let y = 0; y < H; y++) {
    const row = (crop.y + y) * IW + crop.x;
    for (let x = 0; x < W; x++) {
      const j = y * W + x;
      if (!fill0[j]) continue;
      d[row + x] = img0[CH * j];
      d[iplane + row + x] = img0[CH * j + 1];
      d[2 * iplane + row + x] = img0[CH * j + 2];
    }
  }
}
