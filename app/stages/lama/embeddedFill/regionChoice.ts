/**
 * Which embedded fill suits each part of the hole (the 'auto' method). Frequency-selective
 * reconstruction (fsr.ts) continues lines, edges, rims and smooth shading across thin and medium holes;
 * PatchMatch copies texture. Per hole (8-connected component), on a crop around its group of nearby
 * holes (holeGeometry.groupHoles), this measures
 * - the hole's width: the largest distance from its pixels to the nearest known pixel, and, for holes
 *   wider than PATCHMATCH_MIN_WIDTH only,
 * - the ring's structure: app/image/stationarity.ts classifyHole (texture vs object),
 * and marks the holes PatchMatch refines: wide ones in a texture. Everything else keeps FSR's fill.
 * Memory: one byte per pixel (the refine mask) and crops around each group.
 */
import { throwIfAborted } from '../../../common/errors';
import type { Rect } from '../../../common/params';
import { cropImage, cropMask } from '../../../image/crop';
import { resizeImage } from '../../../image/resize';
import {
  classifyHole,
  gaussianBlur,
  holeComponents,
  type HoleComponent,
  type HoleKind,
} from '../../../image/stationarity';
import { createMask, type Mask, type RgbImage } from '../../../image/types';
import { distanceToKnown, groupHoles, growRect } from './holeGeometry';

/**
 * Holes at most this wide (max distance to a known pixel, px) stay FSR's even in a texture: a few pixels
 * of texture are continued well by the extrapolation, and a patch (7 px) cannot do better there.
 */
export const PATCHMATCH_MIN_WIDTH = 6;
/** Groups: hole pixels further apart than this are chosen for separately. */
const GROUP_SEPARATION = 24;
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
    const w = rect.width;
    // The crop's hole: all hole pixels (other groups' too, so no ring counts them as known).
    const m = cropMask(mask, rect);
    const dist = distanceToKnown(m.data, w, rect.height);
    const { components, labels } = holeComponents(m);
    let crop: RgbImage | null = null;
    for (const comp of components) {
      const bx = comp.box.x + rect.x,
        by = comp.box.y + rect.y;
      // Components outside the group's box belong to other groups (a group holds whole components).
      if (bx < box.x || by < box.y || bx + comp.box.width > box.x + box.width) continue;
      if (by + comp.box.height > box.y + box.height) continue;
      let width = 0;
      for (let y = comp.box.y; y < comp.box.y + comp.box.height; y++)
        for (let x = comp.box.x; x < comp.box.x + comp.box.width; x++) {
          const i = y * w + x;
          if (labels[i] === comp.label && dist[i] > width) width = dist[i];
        }
      // Thin holes stay FSR's whatever surrounds them: only the wide ones are classified.
      let kind: HoleKind | null = null;
      let why = '';
      if (width > PATCHMATCH_MIN_WIDTH) {
        crop ??= cropImage(image, rect);
        const h = classifyScaled(crop, m, labels, comp);
        kind = h.kind;
        why = h.reason;
      }
      const method = kind === 'texture' ? 'fsr+patchmatch' : 'fsr';
      const reason =
        kind === 'texture'
          ? `a textured surround and a hole ${width.toFixed(0)} px deep: PatchMatch copies texture over FSR's structure`
          : kind === 'object'
            ? `an object's surround (${why}): FSR continues its structure`
            : `a thin hole (${width.toFixed(0)} px to the nearest known pixel): FSR continues what crosses it`;
      regions.push({
        box: { x: bx, y: by, width: comp.box.width, height: comp.box.height },
        pixels: comp.pixels,
        width: Number(width.toFixed(1)),
        kind,
        method,
        reason,
      });
      if (method === 'fsr+patchmatch') {
        refine ??= createMask(W, H);
        for (let y = comp.box.y; y < comp.box.y + comp.box.height; y++)
          for (let x = comp.box.x; x < comp.box.x + comp.box.width; x++)
            if (labels[y * w + x] === comp.label) refine.data[(rect.y + y) * W + rect.x + x] = 1;
      }
    }
  }
  return { regions, refine };
}

/** Components whose ring crop exceeds this many pixels are classified at a reduced scale. */
const CLASSIFY_PIXELS = 100_000;

/**
 * classifyHole on the component, at full scale when its crop (box + the ring's 66 px) is small, else on
 * the crop reduced by an integer factor (area-averaged image, a pixel is hole when any of its source
 * pixels is) so that it stays under CLASSIFY_PIXELS: the classification's cost grows with the crop, and a
 * long stroke's box is large. The reduced hole's component is the one holding the component's first pixel.
 */
function classifyScaled(
  crop: RgbImage,
  m: Mask,
  labels: Int32Array,
  comp: HoleComponent,
): { kind: HoleKind; reason: string } {
  const area = (comp.box.width + 132) * (comp.box.height + 132);
  const f = Math.ceil(Math.sqrt(area / CLASSIFY_PIXELS));
  if (f <= 1) return classifyHole(crop, m, labels, comp);
  const w = Math.max(1, Math.floor(crop.width / f)),
    h = Math.max(1, Math.floor(crop.height / f));
  const small = resizeImage(crop, w, h);
  const sm = createMask(w, h);
  for (let y = 0; y < h * f; y++)
    for (let x = 0; x < w * f; x++)
      if (m.data[y * crop.width + x]) sm.data[((y / f) | 0) * w + ((x / f) | 0)] = 1;
  const { components, labels: sl } = holeComponents(sm);
  // The component's first pixel in raster order, reduced.
  let first = -1;
  for (let y = comp.box.y; first < 0 && y < comp.box.y + comp.box.height; y++)
    for (let x = comp.box.x; x < comp.box.x + comp.box.width; x++)
      if (labels[y * crop.width + x] === comp.label) {
        first = Math.min(h - 1, (y / f) | 0) * w + Math.min(w - 1, (x / f) | 0);
        break;
      }
  const target = components.find((c) => c.label === sl[first]);
  if (!target) return classifyHole(crop, m, labels, comp);
  const r = classifyHole(small, sm, sl, target);
  return { kind: r.kind, reason: `${r.reason}, measured at 1/${f} scale` };
}

/**
 * The refined holes' result, in place in `pm`: FSR's low frequencies (its shapes, shading and colour)
 * with PatchMatch's detail, pm − G_σ(pm − fsr) on the refine mask's pixels (= fsr + the high-pass of
 * pm − fsr), so the texture PatchMatch copied sits on the structure FSR continued. Other pixels keep
 * pm's values. The three have the same size (the caller passes crops around the refined holes).
 */
export function blendDetail(fsr: RgbImage, pm: RgbImage, refine: Mask, sigma: number): void {
  const { width: w, height: h } = pm;
  const m = w * h;
  const diff = new Float32Array(3 * m);
  for (let i = 0; i < m; i++)
    if (refine.data[i])
      for (let c = 0; c < 3; c++) diff[c * m + i] = pm.data[c * m + i] - fsr.data[c * m + i];
  const low = gaussianBlur(diff, w, h, 3, sigma);
  for (let i = 0; i < m; i++)
    if (refine.data[i])
      for (let c = 0; c < 3; c++) {
        const v = pm.data[c * m + i] - low[c * m + i];
        pm.data[c * m + i] = v < 0 ? 0 : v > 1 ? 1 : v;
      }
}
