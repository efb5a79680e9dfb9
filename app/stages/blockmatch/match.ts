/**
 * Block matching: for every mask block of the current image, the most similar b x b block of known
 * pixels, under the stage's rules (allowed positions, histogram rejection, distance limit and penalty).
 *
 * The objective of a source at distance d from its block is  score - penalty * d / diagonal, where score
 * is the similarity of zncc.ts. The search scans one pyramid level exhaustively with the ONNX graph of
 * searchGraph.ts (the finest level whose scan fits a work budget while a block still spans 4 level
 * pixels: 1/4 size for b = 32 and a 5% hole at 8 MP) and refines in TypeScript (refine.ts):
 * - exhaustive (the scanned level is the full-size image: search=exhaustive, or any image small enough):
 *   every allowed position on the stride; each block's best K are re-scored exactly in double precision
 *   and taken in order until one passes the histogram test. The scan applies the histogram test to
 *   every position itself when its histogram maps fit in memory, so this is exact; otherwise K grows
 *   (x16, three times) while nothing passes.
 * - pyramid: positions grouped in cells of 4 x 4; the histogram test is applied to 2 x 2 sampled blocks
 *   per cell (a cell is dropped when none passes); each block's best K cells go to refine(): level by
 *   level down to full size, then the first candidate passing the exact histogram test.
 * Ties go to the position first in row-major order. Nothing is random: the result is the same on every
 * run (the seed is not used).
 */
import type { LruCache } from '../../common/lruCache';
import { StudioError, throwIfAborted } from '../../common/errors';
import type { Mask, RgbImage } from '../../image/types';
import { assertSameSize } from '../../image/types';
import type { SessionPool } from '../../ort/types';
import { cellHistogramCorners, scanTopK, type LevelScan, type ScanQuery } from './coarseSearch';
import { effectiveBlockSize, maskBlocks } from './grid';
import { blockHistogram, histogramDistance, histogramMaps, HISTOGRAM_SIZE, rootHistogram } from './histogram';
import { buildPyramid, fullSizeVariances, scanLevel, sideAt, type Level } from './pyramid';
import { pickExhaustive, refine, Scorer, type BlockState, type Found, type Pick } from './refine';
import { EXCLUDED, ensureSearchGraph, histogramSamples } from './searchGraph';
import { SourceValidity } from './validity';
import { gainMap, makeTemplate, ssimConstant, templateVariance, type Similarity } from './zncc';

export type SearchMode = 'pyramid' | 'exhaustive';

export interface MatchOptions {
  /** Block side, 1..image size (8..128 in the stage). */
  blockSize: number;
  /** Sources start at multiples of stride (>= 1). */
  stride: number;
  /** Sources avoid the hole grown by this many pixels (>= 0). */
  margin: number;
  similarity: Similarity;
  /** 0..1; 1 = no histogram test. */
  histogramThreshold: number;
  /** Pixels; 0 = no limit. */
  maxDistance: number;
  /** Score lost per image diagonal of distance (>= 0). */
  distancePenalty: number;
  search: SearchMode;
  /** Cells per block taken from the pyramid scan (default DEFAULT_CANDIDATES). */
  candidates?: number;
  /**
   * 0..1 (default 0 = off): objective lost per earlier block whose source lies within b/2 of a
   * candidate; blocks are assigned in row-major order among their kept candidates.
   */
  reusePenalty?: number;
  /** Multiply-adds the scan may take before a coarser level is scanned (default SCAN_BUDGET). */
  scanBudget?: number;
  /**
   * The sampling area (1 = may sample; StageInput.sampling): no source block overlaps a known pixel
   * outside it. Absent = anywhere outside the grown hole.
   */
  sampling?: Mask;
}

export interface BlockMatch {
  /** The mask block: top-left corner and side. */
  x: number;
  y: number;
  size: number;
  /** Hole pixels inside the block. */
  holePixels: number;
  /** Top-left corner of the chosen source block, or null when none was found (rejected). */
  source: { x: number; y: number } | null;
  /** Similarity of the source to the block (zncc in -1..1, raw in 0..1); NaN without a source. */
  score: number;
  /** score minus the distance penalty (what the search maximises); NaN without a source. */
  objective: number;
  /** Distance from the block to its source in pixels; NaN without a source. */
  distance: number;
  /** Histogram distance of the source to the block (0..1, histogram.ts); NaN without a source. */
  histogramDistance: number;
  /** Candidates the histogram test turned down before this source was found. */
  histogramRejections: number;
  /** True when no allowed candidate passed the histogram test (the block is left as it was). */
  rejected: boolean;
}

export interface MatchResult {
  width: number;
  height: number;
  blockSize: number;
  matches: BlockMatch[];
  /** Milliseconds per phase, and how the search ran. */
  stats: {
    /** Pyramid levels used (1 = the full-size image only: exhaustive). */
    levels: number;
    /** Size of the scanned level. */
    scannedLevel: string;
    /** Whether the scan itself applied the histogram test. */
    histogramInScan: boolean;
    prepareMs: number;
    scanMs: number;
    refineMs: number;
    /** Blocks scanned again with more candidates (only when the scan could not test histograms). */
    escalatedBlocks: number;
    /** Exact similarity evaluations in TypeScript. */
    evaluations: number;
  };
}

export interface MatchEnv {
  sessions: SessionPool;
  /** The pipeline's graph cache (StageContext.resources), if any. */
  resources?: LruCache;
  signal?: AbortSignal;
  /** Progress 0..1 with a message. */
  progress?: (fraction: number, message: string) => void;
}

export const DEFAULT_CANDIDATES = 48;
/** A block spans at least this many pixels of the scanned level. */
const MIN_SIDE = 4;
/**
 * Multiply-adds the scan may take (blocks x template values x positions) before a coarser level is
 * scanned instead: about a second of ONNX Runtime on two cores.
 */
export const SCAN_BUDGET = 6e10;
/** Cell side (level positions) of the pyramid scan. */
const CELL = 4;
/** The scan tests histograms itself when the root-histogram maps hold at most this many values. */
const HISTOGRAM_MAP_LIMIT = 64e6;
/** First batch of exact candidates per block in an exhaustive search. */
const EXHAUSTIVE_FIRST = 64;
/**
 * When the scan cannot test histograms and no candidate passed, the candidate count grows by this
 * factor, at most this many times.
 */
const GROWTH = 16;
const ESCALATIONS = 3;
/** Passing candidates kept per block after its pick when the reuse penalty is on. */
const REUSE_ALTERNATIVES = 15;

function matchOf(s: BlockState, b: number, pick: Pick | null): BlockMatch {
  const found: Found | null = pick ? pick[0] : null;
  return {
    x: s.block.x,
    y: s.block.y,
    size: b,
    holePixels: s.block.holePixels,
    source: found ? { x: found.x, y: found.y } : null,
    score: found ? found.score : NaN,
    objective: found ? found.objective : NaN,
    distance: found ? found.distance : NaN,
    histogramDistance: pick ? pick[1] : NaN,
    histogramRejections: s.rejections,
    rejected: found === null,
  };
}

/**
 * The reuse penalty: blocks in row-major order (ties: the order of maskBlocks) each take, among their
 * kept candidates, the best objective - penalty * (earlier sources within b/2 of the candidate, per
 * axis); ties go to the better objective. Deterministic. Rewrites the matches in place.
 */
function spreadSources(states: BlockState[], done: (BlockMatch | null)[], b: number, penalty: number): void {
  const radius = Math.max(1, Math.floor(b / 2));
  const grid = new Map<number, { x: number; y: number }[]>();
  const cellOf = (p: number) => Math.floor(p / radius);
  const key = (cx: number, cy: number) => cy * 1048576 + cx;
  const count = (x: number, y: number) => {
    let n = 0;
    for (let cy = cellOf(y) - 1; cy <= cellOf(y) + 1; cy++)
      for (let cx = cellOf(x) - 1; cx <= cellOf(x) + 1; cx++)
        for (const q of grid.get(key(cx, cy)) ?? [])
          if (Math.abs(q.x - x) <= radius && Math.abs(q.y - y) <= radius) n++;
    return n;
  };
  const order = states
    .map((_, i) => i)
    .sort((i, j) => states[i].block.y - states[j].block.y || states[i].block.x - states[j].block.x || i - j);
  for (const i of order) {
    const m = done[i];
    const alts = states[i].alternatives;
    if (!m || !m.source || !alts || alts.length === 0) continue;
    let best = alts[0];
    let bestValue = -Infinity;
    for (const a of alts) {
      const value = a[0].objective - penalty * count(a[0].x, a[0].y);
      if (value > bestValue) {
        bestValue = value;
        best = a;
      }
    }
    const [f, hd] = best;
    m.source = { x: f.x, y: f.y };
    m.score = f.score;
    m.objective = f.objective;
    m.distance = f.distance;
    m.histogramDistance = hd;
    const k = key(cellOf(f.x), cellOf(f.y));
    const list = grid.get(k);
    if (list) list.push({ x: f.x, y: f.y });
    else grid.set(k, [{ x: f.x, y: f.y }]);
  }
}

function checkOptions(o: MatchOptions): void {
  const bad = (what: string, v: unknown) => {
    throw new StudioError('PARAM_INVALID', `Expected ${what} but received ${String(v)}`);
  };
  if (!Number.isInteger(o.blockSize) || o.blockSize < 1) bad('a whole block size >= 1', o.blockSize);
  if (!Number.isInteger(o.stride) || o.stride < 1) bad('a whole stride >= 1', o.stride);
  if (!Number.isInteger(o.margin) || o.margin < 0) bad('a whole margin >= 0', o.margin);
  if (!(o.histogramThreshold >= 0 && o.histogramThreshold <= 1))
    bad('a histogram threshold in 0..1', o.histogramThreshold);
  if (!(o.maxDistance >= 0)) bad('a maximum distance >= 0', o.maxDistance);
  if (!(o.distancePenalty >= 0)) bad('a distance penalty >= 0', o.distancePenalty);
  const r = o.reusePenalty ?? 0;
  if (!(r >= 0 && r <= 1)) bad('a reuse penalty in 0..1', r);
}

/**
 * Matches every mask block of `image` (the current, filled image) to a source block of known pixels.
 * @param mask the hole (1 = hole), image's size
 * @throws StudioError MASK_SIZE when the sizes differ; PARAM_INVALID for out-of-range options;
 *   CANCELLED when env.signal fires; INFERENCE / IO when the search graph cannot run.
 */
export async function matchBlocks(
  image: RgbImage,
  mask: Mask,
  o: MatchOptions,
  env: MatchEnv,
): Promise<MatchResult> {
  assertSameSize(image, mask);
  checkOptions(o);
  const t0 = performance.now();
  const { width: W, height: H } = image;
  const b = effectiveBlockSize(o.blockSize, W, H);
  const blocks = maskBlocks(mask, b);
  // When the full-size scan fits the budget, the pyramid search is the exhaustive one.
  const L =
    o.search === 'exhaustive' ? 0 : scanLevel(b, W, H, blocks.length, MIN_SIDE, o.scanBudget ?? SCAN_BUDGET);
  const exhaustive = L === 0;
  const top = exhaustive ? EXHAUSTIVE_FIRST : (o.candidates ?? DEFAULT_CANDIDATES);
  const levels = buildPyramid(image, L);
  // ssim compares contrast at full size on every level (see Level.windowVariance).
  if (o.similarity === 'ssim')
    for (let l = 1; l <= L; l++) {
      const lv = levels[l];
      const kl = sideAt(b, lv);
      lv.windowVariance = fullSizeVariances(image, b, lv.factor, kl, lv.width - kl + 1, lv.height - kl + 1);
    }
  const validity = new SourceValidity(mask, o.margin, b, o.sampling);
  const scorer = new Scorer(image, levels, validity, b, {
    similarity: o.similarity,
    histogramThreshold: o.histogramThreshold,
    maxDistance: o.maxDistance,
    stride: o.stride,
    penaltyPerPixel: o.distancePenalty / Math.hypot(W, H),
    alternatives: (o.reusePenalty ?? 0) > 0 ? REUSE_ALTERNATIVES : 0,
  });
  const useHistogram = o.histogramThreshold < 1;

  // The scanned level: which positions are allowed (at full size, and on the stride when exhaustive),
  // and, when affordable, every position's histogram so that the scan itself rejects by colour.
  const coarse = levels[L];
  const k = sideAt(b, coarse);
  const wp = coarse.width - k + 1;
  const hp = coarse.height - k + 1;
  const f = coarse.factor;
  const bias = new Float32Array(Math.max(0, wp * hp));
  for (let v = 0; v < hp; v++)
    for (let u = 0; u < wp; u++) {
      const onStride = !exhaustive || ((u * f) % o.stride === 0 && (v * f) % o.stride === 0);
      bias[v * wp + u] = onStride && validity.allowed(u * f, v * f) ? 0 : EXCLUDED;
    }
  const cell = exhaustive ? 1 : CELL;
  const samples = histogramSamples(cell);
  const histInScan =
    useHistogram && (HISTOGRAM_SIZE * wp * hp * samples * samples) / (cell * cell) <= HISTOGRAM_MAP_LIMIT;
  const scan: LevelScan = {
    level: coarse,
    k,
    cell,
    gain: gainMap(coarse, k, o.similarity),
    contrast: o.similarity === 'ssim' ? ssimConstant(k) : null,
    bias,
    hist: histInScan
      ? histogramMaps(
          image,
          b,
          cellHistogramCorners(wp, cell, samples, f, W, b),
          cellHistogramCorners(hp, cell, samples, f, H, b),
        )
      : null,
  };
  // A block's corner on a level (clamped inside it, as the templates are).
  const corner = (p: number, lv: Level, extent: number) =>
    Math.max(0, Math.min(extent - sideAt(b, lv), Math.round(p / lv.factor)));
  const states: BlockState[] = blocks.map((block) => {
    const histogram = useHistogram
      ? blockHistogram(image, block.x, block.y, b, new Int32Array(HISTOGRAM_SIZE))
      : null;
    const templates = levels.map((lv) =>
      makeTemplate(
        lv,
        corner(block.x, lv, lv.width),
        corner(block.y, lv, lv.height),
        sideAt(b, lv),
        o.similarity,
      ),
    );
    return {
      block,
      templates,
      // var_t at full size, scaled like Level.windowVariance.
      variances: levels.map((lv) => {
        const kl = sideAt(b, lv);
        return o.similarity === 'ssim' ? (templateVariance(templates[0]) * kl * kl) / (b * b) : 0;
      }),
      histogram,
      coarseHistogram:
        useHistogram && !histInScan && !exhaustive
          ? blockHistogram(
              coarse,
              corner(block.x, coarse, coarse.width),
              corner(block.y, coarse, coarse.height),
              k,
              new Int32Array(HISTOGRAM_SIZE),
            )
          : null,
      rejections: 0,
    };
  });
  const roots = states.map((s) => (histInScan ? rootHistogram(s.histogram!, b * b) : null));
  const session = await env.sessions.get(
    await ensureSearchGraph(cell, histInScan, o.similarity === 'ssim', undefined, env.resources),
  );
  const prepareMs = performance.now() - t0;
  throwIfAborted(env.signal);

  const done = new Array<BlockMatch | null>(states.length).fill(null);
  let scanMs = 0;
  let refineMs = 0;
  let escalatedBlocks = 0;
  let pending = states.map((_, i) => i);
  let K = top;
  const cells = Math.ceil(wp / cell) * Math.ceil(hp / cell);
  for (let round = 0; pending.length > 0; round++) {
    const ts = performance.now();
    const queries: ScanQuery[] = pending.map((i) => ({
      template: states[i].templates[L],
      variance: states[i].variances[L],
      blockX: states[i].block.x,
      blockY: states[i].block.y,
      rootHistogram: roots[i],
    }));
    const share = round === 0 ? 0.6 : 0.1;
    const candidates = await scanTopK(
      session,
      scan,
      queries,
      K,
      {
        penaltyPerPixel: scorer.rules.penaltyPerPixel,
        maxDistance: o.maxDistance,
        minCoefficient: 1 - o.histogramThreshold * o.histogramThreshold,
      },
      env.signal,
      (n, total) =>
        env.progress?.((share * n) / total, `Scanning ${coarse.width}x${coarse.height} for ${total} blocks`),
    );
    scanMs += performance.now() - ts;
    const tr = performance.now();
    const retry: number[] = [];
    // More candidates can only help when the scan did not test histograms and was cut off at K.
    const canGrow = useHistogram && !histInScan && K < cells && round < ESCALATIONS;
    for (let j = 0; j < pending.length; j++) {
      const i = pending[j];
      const s = states[i];
      const c = candidates[j];
      const pick = exhaustive ? pickExhaustive(s, c, scorer) : refine(s, c, K, scorer);
      if (!pick && canGrow && c.x.length === K) retry.push(i);
      else done[i] = matchOf(s, b, pick);
      if (j % 16 === 15) {
        throwIfAborted(env.signal);
        env.progress?.(0.6 + (0.4 * j) / pending.length, `Refining ${pending.length} blocks`);
        await new Promise((r) => setImmediate(r));
      }
    }
    refineMs += performance.now() - tr;
    escalatedBlocks += retry.length;
    pending = retry;
    K = Math.min(cells, K * GROWTH);
  }
  if ((o.reusePenalty ?? 0) > 0) spreadSources(states, done, b, o.reusePenalty!);
  // The histogram distance of every source, also when the test was off (for the editor).
  const own = new Int32Array(HISTOGRAM_SIZE);
  const theirs = new Int32Array(HISTOGRAM_SIZE);
  for (const m of done)
    if (m?.source && Number.isNaN(m.histogramDistance)) {
      blockHistogram(image, m.x, m.y, b, own);
      blockHistogram(image, m.source.x, m.source.y, b, theirs);
      m.histogramDistance = histogramDistance(theirs, own, b * b);
    }
  env.progress?.(1, 'Matched');
  return {
    width: W,
    height: H,
    blockSize: b,
    matches: done.map((m) => m!),
    stats: {
      levels: L + 1,
      scannedLevel: `${coarse.width}x${coarse.height}`,
      histogramInScan: histInScan,
      prepareMs,
      scanMs,
      refineMs,
      escalatedBlocks,
      evaluations: scorer.evaluations,
    },
  };
}
