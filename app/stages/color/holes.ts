/**
 * The separate holes of a mask (8-connected components), so that with the automatic ring reference each
 * hole is matched to its own surroundings instead of to the colours around every hole in the image. Tiny
 * holes (brush specks) are grouped into one, so that a speckled mask does not start hundreds of solves.
 */
import { createMask, type Mask } from '../../image/types';
import { maskBoundingBox } from '../../image/crop';

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
  // The hole's horizontal runs, in raster order: row y, columns start..end-1 (image coordinates).
  let runY = new Int32Array(1024);
  let runStart = new Int32Array(1024);
  let runEnd = new Int32Array(1024);
  let runs = 0;
  // First run of each box row (rowFirst[y]..rowFirst[y + 1] - 1 are row y's runs).
  const rowFirst = new Int32Array(box.height + 1);
  for (let y = 0; y < box.height; y++) {
    rowFirst[y] = runs;
    const row = (box.y + y) * width;
    const x1 = box.x + box.width;
    let x = box.x;
    while (x < x1) {
      while (x < x1 && !data[row + x]) x++;
      if (x >= x1) break;
      const s = x;
      while (x < x1 && data[row + x]) x++;
      if (runs === runY.length) {
        const grow = (a: Int32Array) => {
          const b = new Int32Array(a.length * 2);
          b.set(a);
          return b;
        };
        runY = grow(runY);
        runStart = grow(runStart);
        runEnd = grow(runEnd);
      }
      runY[runs] = box.y + y;
      runStart[runs] = s;
      runEnd[runs] = x;
      runs++;
    }
  }
  rowFirst[box.height] = runs;
  // Union-find over the runs, each set's root being its first run in raster order; two runs on adjacent
  // rows are 8-connected when their column ranges overlap or touch diagonally.
  const parent = new Int32Array(runs);
  for (let r = 0; r < runs; r++) parent[r] = r;
  const find = (r: number): number => {
    let root = r;
    while (parent[root] !== root) root = parent[root];
    while (parent[r] !== root) {
      const next = parent[r];
      parent[r] = root;
      r = next;
    }
    return root;
  };
  for (let y = 1; y < box.height; y++) {
    let p = rowFirst[y - 1];
    const pEnd = rowFirst[y];
    for (let r = rowFirst[y]; r < rowFirst[y + 1]; r++) {
      // Previous-row runs ending left of this run's reach cannot touch it nor any later run.
      while (p < pEnd && runEnd[p] < runStart[r]) p++;
      for (let q = p; q < pEnd && runStart[q] <= runEnd[r]; q++) {
        const a = find(q);
        const b = find(r);
        if (a < b) parent[b] = a;
        else if (b < a) parent[a] = b;
      }
    }
  }
  // Components numbered in raster order of their first pixel (= their root run), with their sizes.
  const comp = new Int32Array(runs);
  const sizes: number[] = [];
  for (let r = 0; r < runs; r++) {
    const root = find(r);
    if (root === r) {
      comp[r] = sizes.length;
      sizes.push(0);
    } else comp[r] = comp[root];
    sizes[comp[r]] += runEnd[r] - runStart[r];
  }
  if (sizes.length === 1) return [mask];
  // Group index per component: its own for large holes, one shared group for the small ones.
  const group = new Int32Array(sizes.length);
  let groups = 0;
  for (let c = 0; c < sizes.length; c++) if (sizes[c] >= small) group[c] = groups++;
  const hasSmall = sizes.some((s) => s < small);
  for (let c = 0; c < sizes.length; c++) if (sizes[c] < small) group[c] = groups;
  const out = Array.from({ length: groups + (hasSmall ? 1 : 0) }, () => createMask(width, height));
  for (let r = 0; r < runs; r++) {
    const row = runY[r] * width;
    out[group[comp[r]]].data.fill(1, row + runStart[r], row + runEnd[r]);
  }
  return out;
}
