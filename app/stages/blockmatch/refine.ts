/**
 * The per-block part of the search, in plain TypeScript: exact scores of candidate positions on any
 * pyramid level, the coarse-to-fine refinement of the scan's candidates, and the final choice under the
 * histogram test. Objective = score - penalty per pixel * distance; ties go to the position first in
 * row-major order.
 */
import type { RgbImage } from '../../image/types';
import type { Candidates } from './coarseSearch';
import type { GridBlock } from './grid';
import { blockHistogram, histogramDistance, HISTOGRAM_SIZE } from './histogram';
import { sideAt, type Level } from './pyramid';
import type { SourceValidity } from './validity';
import { scoreAt, type Similarity } from './zncc';

/** A track at level l+1 is refined over its two children and this many neighbours on each side. */
const SPAN = 1;
/** Climbing steps at full size, at most. */
const MAX_CLIMB = 8;
/** Tracks never drop below this many per block. */
const MIN_TRACKS = 4;
/** Without the scan's histogram test, coarse candidates are pre-filtered on the scanned level's pixels
 * with the threshold loosened by this much (those histograms are of box-averaged pixels). */
const PREFILTER_SLACK = 0.15;

export interface Found {
  /** Position on the level it was evaluated on (full-size pixels at level 0). */
  x: number;
  y: number;
  score: number;
  objective: number;
  distance: number;
}

export interface BlockState {
  block: GridBlock;
  /** Templates per level 0..top. */
  templates: Float32Array[];
  /** For ssim: each template's var_t (templateVariance), per level; zeros otherwise. */
  variances: number[];
  /** Full-size histogram of the block (with the histogram test). */
  histogram: Int32Array | null;
  /** Histogram on the scanned level, for the pre-filter (when the scan does not test histograms). */
  coarseHistogram: Int32Array | null;
  /** Candidates turned down by the histogram test so far. */
  rejections: number;
  /**
   * The pick and the next passing candidates in order of objective, each more than half a block from
   * the others (at most 1 + rules.alternatives), for the reuse penalty; set by the last pick.
   */
  alternatives?: Pick[];
}

export interface RefineRules {
  similarity: Similarity;
  /** 0..1; 1 = no test. */
  histogramThreshold: number;
  /** Full-size pixels; 0 = no limit. */
  maxDistance: number;
  stride: number;
  penaltyPerPixel: number;
  /** Passing candidates kept after the pick (for the reuse penalty; default 0). */
  alternatives?: number;
}

/** Exact evaluation of candidates, fixed for one search. */
export class Scorer {
  evaluations = 0;
  private readonly scratch = new Int32Array(HISTOGRAM_SIZE);
  constructor(
    readonly image: RgbImage,
    readonly levels: Level[],
    readonly validity: SourceValidity,
    readonly b: number,
    readonly rules: RefineRules,
  ) {}

  /** Objective of level position (u, v) for a block, or null when no source may start there. */
  evaluate(l: number, u: number, v: number, s: BlockState): Found | null {
    const level = this.levels[l];
    const k = sideAt(this.b, level);
    if (u < 0 || v < 0 || u + k > level.width || v + k > level.height) return null;
    const x = u * level.factor;
    const y = v * level.factor;
    if (!this.validity.allowed(x, y)) return null;
    const distance = Math.hypot(x - s.block.x, y - s.block.y);
    if (this.rules.maxDistance > 0 && distance > this.rules.maxDistance) return null;
    this.evaluations++;
    const score = scoreAt(level, u, v, s.templates[l], k, this.rules.similarity, s.variances[l]);
    return { x: u, y: v, score, objective: score - this.rules.penaltyPerPixel * distance, distance };
  }

  /** Histogram distance of the window at level position (u, v) to the block's on that level. */
  levelHistogramDistance(l: number, u: number, v: number, s: BlockState): number {
    const level = this.levels[l];
    const k = sideAt(this.b, level);
    blockHistogram(level, u, v, k, this.scratch);
    return histogramDistance(this.scratch, s.coarseHistogram!, k * k);
  }

  /** Histogram distance of the full-size source at (x, y) to the block. */
  histogramDistance(x: number, y: number, s: BlockState): number {
    blockHistogram(this.image, x, y, this.b, this.scratch);
    return histogramDistance(this.scratch, s.histogram!, this.b * this.b);
  }
}

/** Better objective first; ties to the position first in row-major order. */
export function byObjective(a: Found, b: Found): number {
  return b.objective - a.objective || a.y - b.y || a.x - b.x;
}

/** A chosen source and its histogram distance (NaN without the test). */
export type Pick = [Found, number];

/**
 * Takes full-size candidates in order of objective and returns the first that passes the histogram
 * test (counting the ones turned down), or null.
 */
export function firstPassing(found: Found[], s: BlockState, scorer: Scorer): Pick | null {
  found.sort(byObjective);
  const extra = scorer.rules.alternatives ?? 0;
  let pick: Pick | null = null;
  let kept: Pick[] = [];
  const r = scorer.b / 2;
  for (const f of found) {
    // Alternatives are distinct sources: none within half a block of a kept one.
    if (pick && kept.some(([k]) => Math.abs(k.x - f.x) <= r && Math.abs(k.y - f.y) <= r)) continue;
    let hd = NaN;
    if (s.histogram) {
      hd = scorer.histogramDistance(f.x, f.y, s);
      if (!(hd <= scorer.rules.histogramThreshold)) {
        if (!pick) s.rejections++;
        continue;
      }
    }
    if (!pick) {
      pick = [f, hd];
      kept = [pick];
      if (extra === 0) break;
    } else {
      kept.push([f, hd]);
      if (kept.length > extra) break;
    }
  }
  if (pick) s.alternatives = kept;
  return pick;
}

/** Evaluates the stride-lattice neighbours of a full-size position and climbs to a local maximum. */
function climb(start: Found, s: BlockState, scorer: Scorer, seen: Set<number>): Found {
  const W = scorer.image.width;
  const step = scorer.rules.stride;
  let at = start;
  for (let moves = 0; moves < MAX_CLIMB; moves++) {
    let next = at;
    for (let dy = -step; dy <= step; dy += step)
      for (let dx = -step; dx <= step; dx += step) {
        const key = (at.y + dy) * W + at.x + dx;
        if ((dx === 0 && dy === 0) || seen.has(key)) continue;
        seen.add(key);
        const e = scorer.evaluate(0, at.x + dx, at.y + dy, s);
        if (e && byObjective(e, next) < 0) next = e;
      }
    if (next === at) break;
    at = next;
  }
  return at;
}

/**
 * Refines one block's candidates from the scanned level (its top) down to full size.
 * - Levels between: each refines the better half of the tracks of the level above over a 4 x 4 window
 *   around the track's two children (per axis), keeping the best position.
 * - Full size: the better half again; from each track's best stride-lattice child, a climb to a local
 *   maximum. The maxima are taken in order of objective until one passes the exact histogram test; then
 *   every other position evaluated at full size; then the scanned candidates' own positions.
 * @param top tracks taken from the scan
 * @returns the pick, or null when no candidate passed
 */
export function refine(s: BlockState, coarse: Candidates, top: number, scorer: Scorer): Pick | null {
  const levels = scorer.levels;
  const L = levels.length - 1;
  const threshold = scorer.rules.histogramThreshold;
  let tracks: Found[] = [];
  for (let i = 0; i < coarse.x.length; i++) {
    const e = scorer.evaluate(L, coarse.x[i], coarse.y[i], s);
    if (!e) continue;
    if (s.coarseHistogram && scorer.levelHistogramDistance(L, e.x, e.y, s) > threshold + PREFILTER_SLACK) {
      s.rejections++;
      continue;
    }
    tracks.push(e);
  }
  tracks.sort(byObjective);
  const scanned = tracks;
  let keep = top;
  for (let l = L - 1; l >= 1; l--) {
    keep = Math.max(MIN_TRACKS, Math.ceil(keep / 2));
    const next = new Map<number, Found>();
    const lw = levels[l].width;
    for (const t of tracks.slice(0, keep)) {
      let best: Found | null = null;
      for (let v = Math.max(0, 2 * t.y - SPAN); v <= 2 * t.y + 1 + SPAN; v++)
        for (let u = Math.max(0, 2 * t.x - SPAN); u <= 2 * t.x + 1 + SPAN; u++) {
          const e = scorer.evaluate(l, u, v, s);
          if (e && (!best || byObjective(e, best) < 0)) best = e;
        }
      if (best) next.set(best.y * lw + best.x, best);
    }
    tracks = [...next.values()].sort(byObjective);
  }
  keep = Math.max(MIN_TRACKS, Math.ceil(keep / 2));
  const step = scorer.rules.stride;
  const W = scorer.image.width;
  const seen = new Set<number>();
  const evaluated: Found[] = [];
  const peaks = new Map<number, Found>();
  const visit = (u: number, v: number): Found | null => {
    const key = v * W + u;
    if (seen.has(key)) return null;
    seen.add(key);
    const e = scorer.evaluate(0, u, v, s);
    if (e) evaluated.push(e);
    return e;
  };
  const f1 = L >= 1 ? 2 : 1;
  for (const t of tracks.slice(0, keep)) {
    let best: Found | null = null;
    for (let v = Math.floor((f1 * t.y) / step) * step; v <= f1 * t.y + f1 - 1; v += step)
      for (let u = Math.floor((f1 * t.x) / step) * step; u <= f1 * t.x + f1 - 1; u += step) {
        const e = visit(u, v);
        if (e && (!best || byObjective(e, best) < 0)) best = e;
      }
    if (!best) continue;
    const peak = climb(best, s, scorer, seen);
    peaks.set(peak.y * W + peak.x, peak);
  }
  const pick = firstPassing([...peaks.values()], s, scorer);
  if (pick || !s.histogram) return pick;
  const rest = firstPassing(
    evaluated.filter((e) => !peaks.has(e.y * W + e.x)),
    s,
    scorer,
  );
  if (rest) return rest;
  // The scanned positions themselves, at full size (on the stride lattice).
  const f = levels[L].factor;
  const own: Found[] = [];
  for (const t of scanned) {
    const u = Math.floor((t.x * f) / step) * step;
    const v = Math.floor((t.y * f) / step) * step;
    if (seen.has(v * W + u)) continue;
    const e = visit(u, v);
    if (e) own.push(e);
  }
  return firstPassing(own, s, scorer);
}

/** The exact full-size candidates of an exhaustive scan: the first that passes. */
export function pickExhaustive(s: BlockState, coarse: Candidates, scorer: Scorer): Pick | null {
  const found: Found[] = [];
  for (let i = 0; i < coarse.x.length; i++) {
    const f = scorer.evaluate(0, coarse.x[i], coarse.y[i], s);
    if (f) found.push(f);
  }
  s.rejections = 0; // a larger round re-examines the earlier candidates
  return firstPassing(found, s, scorer);
}
