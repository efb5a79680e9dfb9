/**
 * The hole's neighbourhood: the crops in which a fill engine that only reads near the hole (the embedded
 * fill) sees everything it would see in the whole image. lama.sizing=original on the embedded fill runs
 * through here, so its memory and time follow the holes and their context, not the image: a 100 MP photo
 * with a few holes costs what their neighbourhoods cost.
 *
 * Each region (hole parts closer than NEIGHBOURHOOD_MERGE, as the embedded PatchMatch groups them) gets
 * its box grown by embeddedContext(box): the embedded PatchMatch's own context reach (its group context,
 * twice the box's larger side, at most 768 px) plus a margin for its patch and pyramid. Regions whose
 * crops overlap are merged when one crop around both costs no more than the two crops, so near holes
 * are filled together and far ones apart.
 */
import type { Rect } from '../../../common/params';
import { expandRect, rectHull } from '../../../image/crop';
import { createMask, type Mask } from '../../../image/types';
import { holeRegions, type HoleRegion } from './connectedComponents';
import type { RegionJob } from './regions';

/** Hole parts at most this far apart (px) are one region (the embedded PatchMatch groups at 32 px). */
export const NEIGHBOURHOOD_MERGE = 32;
/** The embedded PatchMatch's context: CONTEXT x the box's larger side, at most MAX_MARGIN px... */
const CONTEXT = 2;
const MAX_MARGIN = 768;
/** ...plus this slack for patches at the context's edge and the pyramid's rounding. */
const SLACK = 32;

/** The context margin (px) the embedded fill reads around a region's box. */
export function embeddedContext(box: Rect): number {
  return Math.min(MAX_MARGIN, Math.max(32, CONTEXT * Math.max(box.width, box.height))) + SLACK;
}

const area = (r: Rect) => r.width * r.height;

function overlap(a: Rect, b: Rect): boolean {
  return (
    Math.max(a.x, b.x) < Math.min(a.x + a.width, b.x + b.width) &&
    Math.max(a.y, b.y) < Math.min(a.y + a.height, b.y + b.height)
  );
}

/** One region holding both regions' pixels (their boxes' hull). */
function mergeRegions(a: HoleRegion, b: HoleRegion): HoleRegion {
  const box = rectHull(a.box, b.box);
  const data = new Uint8Array(box.width * box.height);
  for (const r of [a, b]) {
    for (let y = 0; y < r.box.height; y++) {
      const from = y * r.box.width;
      const to = (r.box.y - box.y + y) * box.width + (r.box.x - box.x);
      for (let x = 0; x < r.box.width; x++) if (r.mask.data[from + x]) data[to + x] = 1;
    }
  }
  return { box, area: a.area + b.area, mask: createMask(box.width, box.height, data) };
}

/**
 * The crops the embedded fill runs in, one per region, in the regions' order (top-left first).
 * Every hole pixel lies in exactly one region's mask; crops are inside the image.
 * @param hole 1 = fill; an empty hole gives no job
 */
export function neighbourhoodJobs(hole: Mask): RegionJob[] {
  const { width: W, height: H } = hole;
  const cropOf = (box: Rect) => expandRect(box, embeddedContext(box), W, H);
  let jobs = holeRegions(hole, NEIGHBOURHOOD_MERGE).map((region) => ({ region, crop: cropOf(region.box) }));
  for (let merged = true; merged;) {
    merged = false;
    outer: for (let i = 0; i < jobs.length; i++) {
      for (let j = i + 1; j < jobs.length; j++) {
        const a = jobs[i];
        const b = jobs[j];
        if (!overlap(a.crop, b.crop)) continue;
        const crop = cropOf(rectHull(a.region.box, b.region.box));
        if (area(crop) > area(a.crop) + area(b.crop)) continue;
        jobs[i] = { region: mergeRegions(a.region, b.region), crop };
        jobs = jobs.filter((_, k) => k !== j);
        merged = true;
        break outer;
      }
    }
  }
  return jobs;
}
