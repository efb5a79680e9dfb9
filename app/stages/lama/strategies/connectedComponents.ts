/**
 * The separate holes of a mask: 8-connected components, and regions (components closer than a merge
 * distance, filled together). Components are found on horizontal runs of hole pixels with union-find,
 * so memory and time follow the number of runs, not the image's size.
 */
import type { Rect } from '../../../common/params';
import { nextNonZero, wordsOf } from '../../../image/scan';
import { createMask, type Mask } from '../../../image/types';

/** Horizontal runs of non-zero pixels, row by row: run i covers [x0[i], x1[i]) on row y[i]. */
interface Runs {
  count: number;
  y: Int32Array;
  x0: Int32Array;
  x1: Int32Array;
  /** rowStart[r] .. rowStart[r + 1] are the runs of row r. */
  rowStart: Int32Array;
}

function findRuns(mask: Mask): Runs {
  const { width: W, height: H, data } = mask;
  let cap = 1024;
  let y = new Int32Array(cap);
  let x0 = new Int32Array(cap);
  let x1 = new Int32Array(cap);
  const rowStart = new Int32Array(H + 1);
  const words = wordsOf(data);
  let n = 0;
  for (let r = 0; r < H; r++) {
    rowStart[r] = n;
    const end = (r + 1) * W;
    for (let i = nextNonZero(data, words, r * W, end); i < end; i = nextNonZero(data, words, i, end)) {
      let j = i + 1;
      while (j < end && data[j] !== 0) j++;
      if (n === cap) {
        cap *= 2;
        const grow = (a: Int32Array) => {
          const b = new Int32Array(cap);
          b.set(a);
          return b;
        };
        y = grow(y);
        x0 = grow(x0);
        x1 = grow(x1);
      }
      y[n] = r;
      x0[n] = i - r * W;
      x1[n] = j - r * W;
      n++;
      i = j;
    }
  }
  rowStart[H] = n;
  return { count: n, y, x0, x1, rowStart };
}

function find(parent: Int32Array, i: number): number {
  while (parent[i] !== i) {
    parent[i] = parent[parent[i]];
    i = parent[i];
  }
  return i;
}

/**
 * Component index of every run (8-connectivity: runs on consecutive rows that overlap or touch
 * diagonally are connected), numbered 0.. in order of each component's first run (row-major).
 */
function labelRuns(runs: Runs, height: number): { label: Int32Array; components: number } {
  const parent = new Int32Array(runs.count);
  for (let i = 0; i < runs.count; i++) parent[i] = i;
  for (let r = 1; r < height; r++) {
    let p = runs.rowStart[r - 1];
    const pEnd = runs.rowStart[r];
    for (let i = runs.rowStart[r], end = runs.rowStart[r + 1]; i < end; i++) {
      // Previous-row runs that end before this one starts (minus the diagonal) can never touch later runs.
      while (p < pEnd && runs.x1[p] < runs.x0[i]) p++;
      for (let q = p; q < pEnd && runs.x0[q] <= runs.x1[i]; q++) {
        const a = find(parent, i);
        const b = find(parent, q);
        if (a !== b) parent[a > b ? a : b] = a > b ? b : a;
      }
    }
  }
  const label = new Int32Array(runs.count);
  const id = new Int32Array(runs.count).fill(-1);
  let components = 0;
  for (let i = 0; i < runs.count; i++) {
    const root = find(parent, i);
    if (id[root] < 0) id[root] = components++;
    label[i] = id[root];
  }
  return { label, components };
}

/** One region to fill: its hole pixels, as a mask of its bounding box. */
export interface HoleRegion {
  /** Bounding box of the region's hole pixels, in image pixels. */
  box: Rect;
  /** Number of hole pixels. */
  area: number;
  /** The region's hole pixels (1), box-sized; other regions' pixels inside the box are 0. */
  mask: Mask;
}

/** Per component: its box (half-open) and its runs, row by row. */
interface Component {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  /** Run indices of the component, in row order. */
  runs: number[];
  /** rowStart[r - y0] .. rowStart[r - y0 + 1]: positions in `runs` of row r. */
  rowStart: Int32Array;
}

function components(runs: Runs, label: Int32Array, count: number): Component[] {
  const comps: Component[] = [];
  for (let c = 0; c < count; c++)
    comps.push({ x0: Infinity, y0: Infinity, x1: -1, y1: -1, runs: [], rowStart: new Int32Array(0) });
  for (let i = 0; i < runs.count; i++) {
    const c = comps[label[i]];
    if (runs.x0[i] < c.x0) c.x0 = runs.x0[i];
    if (runs.x1[i] > c.x1) c.x1 = runs.x1[i];
    if (runs.y[i] < c.y0) c.y0 = runs.y[i];
    c.y1 = runs.y[i] + 1;
    c.runs.push(i);
  }
  for (const c of comps) {
    c.rowStart = new Int32Array(c.y1 - c.y0 + 1);
    let k = 0;
    for (let r = c.y0; r <= c.y1; r++) {
      while (k < c.runs.length && runs.y[c.runs[k]] < r) k++;
      c.rowStart[r - c.y0] = k;
    }
  }
  return comps;
}

/** Whether some pixel of a and some pixel of b are at most d apart (centres, Euclidean). */
function within(runs: Runs, a: Component, b: Component, d: number): boolean {
  const d2 = d * d;
  const ylo = Math.max(a.y0, b.y0 - d);
  const yhi = Math.min(a.y1 - 1, b.y1 - 1 + d);
  for (let ya = ylo; ya <= yhi; ya++) {
    for (let ia = a.rowStart[ya - a.y0]; ia < a.rowStart[ya - a.y0 + 1]; ia++) {
      const ra = a.runs[ia];
      const ax0 = runs.x0[ra];
      const ax1 = runs.x1[ra] - 1;
      for (let yb = Math.max(b.y0, ya - d); yb <= Math.min(b.y1 - 1, ya + d); yb++) {
        const dy2 = (yb - ya) * (yb - ya);
        for (let ib = b.rowStart[yb - b.y0]; ib < b.rowStart[yb - b.y0 + 1]; ib++) {
          const rb = b.runs[ib];
          const dx = Math.max(0, runs.x0[rb] - ax1, ax0 - (runs.x1[rb] - 1));
          if (dx * dx + dy2 <= d2) return true;
        }
      }
    }
  }
  return false;
}

/**
 * Splits the hole into regions: 8-connected components of the hole, where components with pixels at
 * most `mergeDistance` apart (Euclidean, between pixel centres) form one region, transitively. Pairs are
 * tested exactly, on runs, only when their boxes are that close.
 * @param mergeDistance >= 0 pixels; below 2 it merges nothing (8-connected components are at least 2 apart)
 * @returns the regions in row-major order of their first pixel; [] for an empty mask
 */
export function holeRegions(mask: Mask, mergeDistance: number): HoleRegion[] {
  const runs = findRuns(mask);
  if (runs.count === 0) return [];
  const { label, components: count } = labelRuns(runs, mask.height);
  const comps = components(runs, label, count);
  // Union-find over components; a merged region takes its smallest component index.
  const parent = new Int32Array(count);
  for (let i = 0; i < count; i++) parent[i] = i;
  const d = mergeDistance;
  if (d >= 2) {
    const byX = [...comps.keys()].sort((i, j) => comps[i].x0 - comps[j].x0);
    for (let p = 0; p < byX.length; p++) {
      const a = comps[byX[p]];
      for (let q = p + 1; q < byX.length; q++) {
        const b = comps[byX[q]];
        if (b.x0 - (a.x1 - 1) > d) break;
        const gapY = Math.max(0, b.y0 - (a.y1 - 1), a.y0 - (b.y1 - 1));
        if (gapY > d) continue;
        const ra = find(parent, byX[p]);
        const rb = find(parent, byX[q]);
        if (ra === rb) continue;
        if (within(runs, a, b, d)) parent[Math.max(ra, rb)] = Math.min(ra, rb);
      }
    }
  }
  const regionOf = new Int32Array(count).fill(-1);
  const groups: number[][] = [];
  for (let c = 0; c < count; c++) {
    const root = find(parent, c);
    if (regionOf[root] < 0) {
      regionOf[root] = groups.length;
      groups.push([]);
    }
    groups[regionOf[root]].push(c);
  }
  return groups.map((group) => {
    let x0 = Infinity,
      y0 = Infinity,
      x1 = -1,
      y1 = -1;
    for (const c of group) {
      x0 = Math.min(x0, comps[c].x0);
      y0 = Math.min(y0, comps[c].y0);
      x1 = Math.max(x1, comps[c].x1);
      y1 = Math.max(y1, comps[c].y1);
    }
    const box = { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
    const m = createMask(box.width, box.height);
    let area = 0;
    for (const c of group)
      for (const i of comps[c].runs) {
        const row = (runs.y[i] - y0) * box.width - x0;
        m.data.fill(1, row + runs.x0[i], row + runs.x1[i]);
        area += runs.x1[i] - runs.x0[i];
      }
    return { box, area, mask: m };
  });
}
