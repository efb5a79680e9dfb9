/**
 * Which embedded fill suits each part of the hole (the 'auto' method). Frequency-selective
 * reconstruction (fsr.ts) continues lines, edges, rims and smooth shading across thin and medium holes;
 * PatchMatch copies texture. Per hole (8-connected component), on a crop around its group of nearby
 * holes (holeGeometry.groupHoles), this splits the hole into its deep parts (its opening by a disc of
 * PATCHMATCH_MIN_WIDTH: blobs) and its thin rest (brush strokes), and measures per deep part
 * - its depth: the largest distance from its pixels to the nearest known pixel; deeper than
 *   FSR_MAX_DEPTH, PatchMatch alone fills it (FSR streaks there), else
 * - the ring's structure around that part alone: app/image/stationarity.ts classifyHole (texture vs
 *   object); PatchMatch refines FSR's fill of the parts in a texture.
 * The thin rest and the parts in an object's surround keep FSR's fill.
 * Memory: one byte per pixel (the refine and replace masks) and crops around each group.
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
import { groupHoles, growRect } from '../../../image/fill/holeGeometry';
import { distanceToKnown } from '../../../image/morphology';

/**
 * Holes at most this wide (max distance to a known pixel, px) stay FSR's even in a texture: a few pixels
 * of texture are continued well by the extrapolation, and a patch (7 px) cannot do better there.
 */
export const PATCHMATCH_MIN_WIDTH = 6;
/**
 * Holes deeper than this (px to the nearest known pixel) are beyond FSR's reach: its 32 px windows then
 * extrapolate from its own earlier extrapolations, and the fill streaks into a cross of smeared bands
 * (seen on the 8 MP Elephants with a 238 px deep blob; the photo bench's deepest hole, garden's 79 px
 * marigold, is still continued well). PatchMatch alone fills them, whatever surrounds them.
 */
export const FSR_MAX_DEPTH = 128;
/** Groups: hole pixels further apart than this are chosen for separately. */
const GROUP_SEPARATION = 24;
/** Crop margin around a group for the classification (the ring reaches 64 px out). */
const RING_MARGIN = 68;

export interface RegionChoice {
  box: Rect;
  pixels: number;
  /** Largest distance from a hole pixel to a known one (px). */
  width: number;
  /**
   * The surroundings' kind; null where not measured: a thin hole (FSR fills it either way) or one deeper
   * than FSR_MAX_DEPTH (PatchMatch fills it either way).
   */
  kind: HoleKind | null;
  method: 'fsr' | 'fsr+patchmatch' | 'patchmatch';
  reason: string;
}

/**
 * @returns per part of the hole its choice, the mask of the hole pixels PatchMatch refines (null when
 *   none does) and the mask of those PatchMatch alone fills (null when none).
 */
export function chooseRegions(
  image: RgbImage,
  mask: Mask,
  signal?: AbortSignal,
): { regions: RegionChoice[]; refine: Mask | null; replace: Mask | null } {
  const { width: W, height: H } = mask;
  const groups = groupHoles(mask, GROUP_SEPARATION);
  const regions: RegionChoice[] = [];
  let refine: Mask | null = null;
  let replace: Mask | null = null;
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
      const { parts, thin } = deepParts(comp, labels, dist, w);
      for (const part of parts) {
        const cb = part.component.box;
        const mark = (target: Mask) => {
          for (let y = cb.y; y < cb.y + cb.height; y++)
            for (let x = cb.x; x < cb.x + cb.width; x++)
              if (part.labels[y * w + x] === part.component.label)
                target.data[(rect.y + y) * W + rect.x + x] = 1;
        };
        const at = { ...cb, x: cb.x + rect.x, y: cb.y + rect.y };
        if (part.width > FSR_MAX_DEPTH) {
          regions.push({
            box: at,
            pixels: part.component.pixels,
            width: Number(part.width.toFixed(1)),
            kind: null,
            method: 'patchmatch',
            reason: `a hole ${part.width.toFixed(0)} px deep, beyond FSR's reach (${FSR_MAX_DEPTH} px): PatchMatch fills it`,
          });
          mark((replace ??= createMask(W, H)));
          continue;
        }
        crop ??= cropImage(image, rect);
        const h = classifyScaled(crop, m, part.labels, part.component);
        const method = h.kind === 'texture' ? 'fsr+patchmatch' : 'fsr';
        regions.push({
          box: at,
          pixels: part.component.pixels,
          width: Number(part.width.toFixed(1)),
          kind: h.kind,
          method,
          reason:
            method === 'fsr+patchmatch'
              ? `a textured surround and a hole ${part.width.toFixed(0)} px deep: PatchMatch copies texture over FSR's structure`
              : `an object's surround (${h.reason}): FSR continues its structure`,
        });
        if (method === 'fsr+patchmatch') mark((refine ??= createMask(W, H)));
      }
      if (thin.pixels > 0)
        regions.push({
          box: { x: bx, y: by, width: comp.box.width, height: comp.box.height },
          pixels: thin.pixels,
          width: Number(thin.width.toFixed(1)),
          kind: null,
          method: 'fsr',
          reason: `a thin hole (${thin.width.toFixed(0)} px to the nearest known pixel): FSR continues what crosses it`,
        });
    }
  }
  return { regions, refine, replace };
}

/** A deep part of a hole: its own component labels in the crop (label = component.label) and depth. */
interface DeepPart {
  component: HoleComponent;
  labels: Int32Array;
  width: number;
}

/**
 * Splits a hole (component `comp` of `labels`, a crop `w` wide; `dist` its distance to the nearest known
 * pixel) into its deep parts and its thin rest. The deep parts are the hole's opening by a disc of radius
 * PATCHMATCH_MIN_WIDTH (the pixels within that radius of a pixel deeper than it), as 8-connected parts;
 * the thin rest (brush strokes joined to a blob) stays FSR's and is not classified, so a blob's class
 * comes from the ring around the blob alone: a long stroke through fur joined to a blob over an eye
 * would otherwise make the ring mostly fur and the eye 'texture' (the photo bench's chelsea).
 * Memory: a few arrays of the component's box.
 */
function deepParts(
  comp: HoleComponent,
  labels: Int32Array,
  dist: Float32Array,
  w: number,
): { parts: DeepPart[]; thin: { pixels: number; width: number } } {
  const T = PATCHMATCH_MIN_WIDTH;
  const { x: x0, y: y0, width: bw, height: bh } = comp.box;
  const own = (x: number, y: number) => labels[(y0 + y) * w + x0 + x] === comp.label;
  // Distance (in the component's box) to the nearest pixel deeper than T: distanceToKnown with those
  // pixels as the 'known' ones.
  const notSeed = new Uint8Array(bw * bh).fill(1);
  let deepest = 0;
  let seeds = 0;
  for (let y = 0; y < bh; y++)
    for (let x = 0; x < bw; x++) {
      if (!own(x, y)) continue;
      const d = dist[(y0 + y) * w + x0 + x];
      if (d > deepest) deepest = d;
      if (d > T) {
        notSeed[y * bw + x] = 0;
        seeds++;
      }
    }
  if (seeds === 0) return { parts: [], thin: { pixels: comp.pixels, width: deepest } };
  const toSeed = distanceToKnown(notSeed, bw, bh);
  const core = createMask(bw, bh);
  for (let y = 0; y < bh; y++)
    for (let x = 0; x < bw; x++) if (own(x, y) && toSeed[y * bw + x] <= T + 1.5) core.data[y * bw + x] = 1;
  const { components, labels: coreLabels } = holeComponents(core);
  // Back in the crop's coordinates: each part's labels over the crop, its box and its depth.
  const parts: DeepPart[] = [];
  let corePixels = 0;
  for (const c of components) {
    const partLabels = new Int32Array(labels.length);
    let width = 0;
    for (let y = c.box.y; y < c.box.y + c.box.height; y++)
      for (let x = c.box.x; x < c.box.x + c.box.width; x++) {
        if (coreLabels[y * bw + x] !== c.label) continue;
        const i = (y0 + y) * w + x0 + x;
        partLabels[i] = 1;
        if (dist[i] > width) width = dist[i];
      }
    corePixels += c.pixels;
    parts.push({
      component: { box: { ...c.box, x: c.box.x + x0, y: c.box.y + y0 }, pixels: c.pixels, label: 1 },
      labels: partLabels,
      width,
    });
  }
  // The thin rest's depth: the largest distance outside the parts.
  let thinWidth = 0;
  for (let y = 0; y < bh; y++)
    for (let x = 0; x < bw; x++)
      if (own(x, y) && !core.data[y * bw + x]) thinWidth = Math.max(thinWidth, dist[(y0 + y) * w + x0 + x]);
  return { parts, thin: { pixels: comp.pixels - corePixels, width: thinWidth } };
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
