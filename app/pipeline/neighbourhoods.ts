/**
 * Neighbourhood runs: when every stage of a run reads only near the hole (StageDef.localCrops), the run
 * can be made on crops of the image instead of the whole of it, and a caller that holds the image in a
 * compact form (the CLI: 8- or 16-bit samples) converts only those crops to float planes.
 *
 * The stages' rectangles are grouped into clusters whose hulls do not overlap: a cluster's hull then
 * holds every rectangle of its holes and no pixel of another cluster's holes, so a run on the hull's crop
 * sees what a run on the whole image sees there, and the clusters can run one after the other.
 */
import type { Rect } from '../common/params';
import { rectHull } from '../image/crop';

function overlap(a: Rect, b: Rect): boolean {
  return (
    Math.max(a.x, b.x) < Math.min(a.x + a.width, b.x + b.width) &&
    Math.max(a.y, b.y) < Math.min(a.y + a.height, b.y + b.height)
  );
}

/**
 * Hulls of the rectangles, merged until no two overlap (top-left first). Every rectangle lies inside one
 * hull.
 */
export function disjointHulls(rects: readonly Rect[]): Rect[] {
  let hulls = rects.map((r) => ({ ...r }));
  for (let merged = true; merged;) {
    merged = false;
    for (let i = 0; i < hulls.length && !merged; i++) {
      for (let j = i + 1; j < hulls.length; j++) {
        if (!overlap(hulls[i], hulls[j])) continue;
        hulls[i] = rectHull(hulls[i], hulls[j]);
        hulls = hulls.filter((_, k) => k !== j);
        merged = true;
        break;
      }
    }
  }
  return hulls.sort((a, b) => a.y - b.y || a.x - b.x);
}
