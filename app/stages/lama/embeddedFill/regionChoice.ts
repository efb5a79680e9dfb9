/**
 * Which embedded fill suits each part of the hole (the 'auto' method). Frequency-selective
 * reconstruction (fsr.ts) continues lines, edges, rims and smooth shading across thin and medium holes;
 * PatchMatch copies texture. Per group of nearby hole pixels (holeGeometry.groupHoles) this measures
 * - the hole's width: the largest distance from a hole pixel to the nearest known pixel, and
 * - the ring's structure: app/image/stationarity.ts classifyHoles (texture vs object) on a crop around it,
 * and marks the groups PatchMatch refines: a texture ring around a hole wide enough to hold texture
 * (PATCHMATCH_MIN_WIDTH). Everything else keeps FSR's fill.
 * Memory: one byte per pixel (the refine mask) and crops around each group.
 */
import { throwIfAborted } from '../../../common/errors';
import type { Rect } from '../../../common/params';
import { cropImage, cropMask } from '../../../image/crop';
import { classifyHole, gaussianBlur, holeComponents, type HoleKind } from '../../../image/stationarity';
import { createMask, type Mask, type RgbImage } from '../../../image/types';
import { distanceToKnown, groupAt, groupHoles, growRect } from './holeGeometry';

/**
 * Holes at most this wide (max distance to a known pixel, px) stay FSR's even in a texture: a few pixels
 * of texture are continued well by the extrapolation, and a patch (7 px) cannot do better there.
 */
export const PATCHMATCH_MIN_WIDTH = 6;
/** Groups: hole pixels further apart than this are chosen for separately. */
const GROUP_SEPARATION = 24;
/** Components smaller than this (specks) do not vote on a group's kind. */
const MIN_CLASSIFIED_PIXELS = 64;
/** Crop margin around a group for the classification (the ring reaches 64 px out). */
const RING_MARGIN = 68;

export interface RegionChoice {
  box: Rect;
  pixels: number;
  /** Largest distance from a hole pixel to a known one (px). */
  width: number;
  /** The surroundings' kind; null for a thin hole (not measured: FSR fills it either way). */
  kind: HoleKind | null;
  method: 'fsr' | 'fsr+patchmatch';
  reason: string;
}

/**
 * @returns per group of the hole its choice, and the mask of the hole pixels PatchMatch refines (null
 *   when none does).
 */
export function chooseRegions(
  image: RgbImage,
  mask: Mask,
  signal?: AbortSignal,
): { regions: RegionChoice[]; refine: Mask | null } {
  const { width: W, height: H } = mask;
  const groups = groupHoles(mask, GROUP_SEPARATION);
  const regions: RegionChoice[] = [];
  let refine: Mask | null = null;
  for (let g = 1; g <= groups.boxes.length; g++) {
    throwIfAborted(signal);
    const box = groups.boxes[g - 1];
    const rect = growRect(box, RING_MARGIN, W, H);
    // The crop's hole: all hole pixels (other groups' too, so no ring counts them as known).
    const m = cropMask(mask, rect);
    const dist = distanceToKnown(m.data, rect.width, rect.height);
    let width = 0,
      pixels = 0;
    for (let y = box.y; y < box.y + box.height; y++)
      for (let x = box.x; x < box.x + box.width; x++) {
        if (!mask.data[y * W + x] || groupAt(groups, x, y) !== g) continue;
        pixels++;
        const d = dist[(y - rect.y) * rect.width + (x - rect.x)];
        if (d > width) width = d;
      }
    // Thin groups stay FSR's whatever their surroundings: classify only the wide ones. Their kind is the
    // kind of most of their pixels (classifyHole per component of the crop inside the group's box).
    let texturePixels = 0,
      objectPixels = 0;
    const reasons: string[] = [];
    if (width > PATCHMATCH_MIN_WIDTH) {
      const crop = cropImage(image, rect);
      const { components, labels } = holeComponents(m);
      for (const comp of components) {
        const cx = comp.box.x + rect.x,
          cy = comp.box.y + rect.y;
        const inside =
          cx >= box.x &&
          cy >= box.y &&
          cx + comp.box.width <= box.x + box.width &&
          cy + comp.box.height <= box.y + box.height;
        if (!inside || comp.pixels < MIN_CLASSIFIED_PIXELS) continue;
        const h = classifyHole(crop, m, labels, comp);
        if (h.kind === 'texture') texturePixels += h.pixels;
        else objectPixels += h.pixels;
        if (reasons.length < 1) reasons.push(h.reason);
      }
    }
    const wide = width > PATCHMATCH_MIN_WIDTH;
    const kind: HoleKind | null = !wide ? null : texturePixels > objectPixels ? 'texture' : 'object';
    const method = kind === 'texture' ? 'fsr+patchmatch' : 'fsr';
    const reason =
      kind === 'texture'
        ? `a textured surround and a hole ${width.toFixed(0)} px deep: PatchMatch copies texture over FSR's structure`
        : kind === 'object'
          ? `an object's surround (${reasons[0] ?? 'too little to measure'}): FSR continues its structure`
          : `a thin hole (${width.toFixed(0)} px to the nearest known pixel): FSR continues what crosses it`;
    regions.push({ box, pixels, width: Number(width.toFixed(1)), kind, method, reason });
    if (method === 'fsr+patchmatch') {
      refine ??= createMask(W, H);
      for (let y = box.y; y < box.y + box.height; y++)
        for (let x = box.x; x < box.x + box.width; x++) {
          const i = y * W + x;
          if (mask.data[i] && groupAt(groups, x, y) === g) refine.data[i] = 1;
        }
    }
  }
  return { regions, refine };
}

/**
 * The refined regions' result: FSR's low frequencies (its shapes, shading and colour) with PatchMatch's
 * detail: out = pm − G_σ(pm − fsr) on the refine mask's pixels (= fsr + the high-pass of pm − fsr), so
 * the texture PatchMatch copied sits on the structure FSR continued. Other pixels are `pm`'s (which equal
 * fsr's outside the refine mask). Works on a crop around each refined region.
 */
export function blendDetail(
  fsr: RgbImage,
  pm: RgbImage,
  refine: Mask,
  regions: readonly RegionChoice[],
  sigma: number,
): RgbImage {
  const { width: W, height: H } = pm;
  const n = W * H;
  const out = { width: W, height: H, data: pm.data.slice() };
  const margin = Math.ceil(3 * sigma) + 1;
  for (const r of regions) {
    if (r.method !== 'fsr+patchmatch') continue;
    const rect = growRect(r.box, margin, W, H);
    const w = rect.width,
      h = rect.height,
      m = w * h;
    const diff = new Float32Array(3 * m);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const i = (rect.y + y) * W + rect.x + x;
        if (!refine.data[i]) continue;
        for (let c = 0; c < 3; c++) diff[c * m + y * w + x] = pm.data[c * n + i] - fsr.data[c * n + i];
      }
    const low = gaussianBlur(diff, w, h, 3, sigma);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const i = (rect.y + y) * W + rect.x + x;
        if (!refine.data[i]) continue;
        for (let c = 0; c < 3; c++) {
          const v = pm.data[c * n + i] - low[c * m + y * w + x];
          out.data[c * n + i] = v < 0 ? 0 : v > 1 ? 1 : v;
        }
      }
  }
  return out;
}
