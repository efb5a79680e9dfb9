/**
 * The separate holes of a mask (8-connected components), so that with the automatic ring reference each
 * hole is matched to its own surroundings instead of to the colours around every hole in the image. Tiny
 * holes (brush specks) are grouped into one, so that a speckled mask does not start hundreds of solves.
 */
import { maskBoundingBox } from '../../image/crop';
import { createMask, type Mask } from '../../image/types';

/** Holes smaller than this (pixels) are solved together. */
export const SMALL_HOLE = 256;

/**
 * The mask split into groups of holes: one mask per 8-connected hole of at least `small` pixels, in
 * image order of their first pixel, then one mask with all the smaller holes (if any). A mask with a
 * single hole gives back a single group equal to it.
 */
export function holeGroups(mask: Mask, small = SMALL_HOLE): Mask[] {
  const { width, height, data } = mask;
  const box = maskBoundingBox(mask);
  if (!box) return [];
  const label = new Int32Array(box.width * box.height).fill(-1);
  const sizes: number[] = [];
  const stack: number[] = [];
  for (let y = 0; y < box.height; y++)
    for (let x = 0; x < box.width; x++) {
      const j = y * box.width + x;
      if (label[j] >= 0 || !data[(box.y + y) * width + box.x + x]) continue;
      const id = sizes.length;
      let size = 0;
      label[j] = id;
      stack.push(j);
      while (stack.length) {
        const q = stack.pop()!;
        size++;
        const qx = q % box.width;
        const qy = (q - qx) / box.width;
        for (let dy = -1; dy <= 1; dy++)
          for (let dx = -1; dx <= 1; dx++) {
            const nx = qx + dx;
            const ny = qy + dy;
            if (nx < 0 || ny < 0 || nx >= box.width || ny >= box.height) continue;
            const r = ny * box.width + nx;
            if (label[r] >= 0 || !data[(box.y + ny) * width + box.x + nx]) continue;
            label[r] = id;
            stack.push(r);
          }
      }
      sizes.push(size);
    }
  if (sizes.length === 1) return [mask];
  // Group index per component: its own for large holes, one shared group for the small ones.
  const group = new Int32Array(sizes.length);
  let groups = 0;
  for (let c = 0; c < sizes.length; c++) if (sizes[c] >= small) group[c] = groups++;
  const hasSmall = sizes.some((s) => s < small);
  for (let c = 0; c < sizes.length; c++) if (sizes[c] < small) group[c] = groups;
  const out = Array.from({ length: groups + (hasSmall ? 1 : 0) }, () => createMask(width, height));
  for (let y = 0; y < box.height; y++)
    for (let x = 0; x < box.width; x++) {
      const l = label[y * box.width + x];
      if (l >= 0) out[group[l]].data[(box.y + y) * width + box.x + x] = 1;
    }
  return out;
}
