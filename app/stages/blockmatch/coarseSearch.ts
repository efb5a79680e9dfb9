/**
 * The exhaustive part of the search: every position of one pyramid level scored against a batch of
 * block templates by the ONNX graph of searchGraph.ts (one convolution = one matrix product on all
 * cores), keeping the best position of each block's best K cells.
 */
import { StudioError, throwIfAborted } from '../../common/errors';
import type { ModelSession, TensorValue } from '../../ort/types';
import { HISTOGRAM_BINS, HISTOGRAM_SIZE } from './histogram';
import type { Level } from './pyramid';
import { EXCLUDED, histogramSamples } from './searchGraph';

/**
 * Values per score tensor of one batch. ONNX Runtime holds about four float tensors of this size while
 * a batch runs (the convolution's output and the element-wise steps after it, in its arena): 8M values
 * are about 130 MB. Larger batches barely speed the matrix product up (16 templates of 8 x 8 x 3 per
 * batch run about as fast per template as 47), but 24M cost 390 MB.
 */
const BATCH_VALUES = 8_000_000;
const MAX_BATCH = 64;

export interface LevelScan {
  level: Level;
  /** Template side at this level. */
  k: number;
  /** Cell side in level positions (the graph the session runs was built for it). */
  cell: number;
  /** Per-position term of the score ((w - k + 1) x (h - k + 1), see gainMap). */
  gain: Float32Array;
  /**
   * The ssim constant C at this level (ssimConstant(k)) when the session's graph scores ssim (built with
   * `contrast`); null for zncc / raw.
   */
  contrast: number | null;
  /** Per position: 0 when allowed, EXCLUDED otherwise. */
  bias: Float32Array;
  /**
   * Root histograms (histogramMaps) of the full-size blocks sampled in each cell (cellHistogramCorners
   * with histogramSamples(cell) per axis), when the session's graph tests histograms; null otherwise.
   */
  hist: Float32Array | null;
}

export interface ScanKnobs {
  /** Score lost per full-size pixel of distance. */
  penaltyPerPixel: number;
  /** Full-size pixels; 0 = no limit. */
  maxDistance: number;
  /** Smallest allowed Bhattacharyya coefficient (1 - threshold^2); used with LevelScan.hist. */
  minCoefficient: number;
}

export interface ScanQuery {
  template: Float32Array;
  /** For ssim: the template's var_t (templateVariance). */
  variance: number;
  /** The block's corner in full-size pixels. */
  blockX: number;
  blockY: number;
  /** The block's root histogram (with LevelScan.hist). */
  rootHistogram: Float32Array | null;
}

export interface Candidates {
  /** Level positions, the best of their cell, best cell first. */
  x: Int32Array;
  y: Int32Array;
  /** The graph's objective for the cell (its best score minus the distance penalty), float32. */
  objective: Float32Array;
}

/** A graph value at or below this is an excluded position (ordinary objectives are within [-4, 3]). */
const EXCLUDED_BELOW = EXCLUDED / 2;

/**
 * Full-size corners, along one axis, of the blocks whose histograms stand for the cells: `samples`
 * evenly spread positions per cell, kept inside the image (extent = image side, b = block side).
 */
export function cellHistogramCorners(
  positions: number,
  cell: number,
  samples: number,
  factor: number,
  extent: number,
  b: number,
): Int32Array {
  const n = Math.ceil(positions / cell);
  const gap = cell / samples;
  const out = new Int32Array(n * samples);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < samples; j++) {
      const p = Math.min(positions - 1, i * cell + Math.floor(j * gap + (gap - 1) / 2));
      out[i * samples + j] = Math.max(0, Math.min(extent - b, p * factor));
    }
  return out;
}

/** First and last full-size coordinate of every cell along one axis of `positions` level positions. */
function cellEdges(positions: number, cell: number, factor: number): [Float32Array, Float32Array] {
  const n = Math.ceil(positions / cell);
  const first = new Float32Array(n);
  const last = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    first[i] = i * cell * factor;
    last[i] = Math.min(positions - 1, (i + 1) * cell - 1) * factor;
  }
  return [first, last];
}

/**
 * Scores every allowed position of the level against each query and returns its best `top` cells
 * (fewer when fewer cells hold an allowed position). Yields to the event loop between batches.
 * @throws StudioError CANCELLED when the signal fires; INFERENCE when ONNX Runtime fails.
 */
export async function scanTopK(
  session: ModelSession,
  scan: LevelScan,
  queries: readonly ScanQuery[],
  top: number,
  knobs: ScanKnobs,
  signal?: AbortSignal,
  onBatch?: (done: number, total: number) => void,
): Promise<Candidates[]> {
  const { level, k, cell } = scan;
  const wp = level.width - k + 1;
  const hp = level.height - k + 1;
  if (wp < 1 || hp < 1) {
    throw new StudioError(
      'INTERNAL',
      `A ${k}x${k} template does not fit a ${level.width}x${level.height} level`,
    );
  }
  const [x0, x1] = cellEdges(wp, cell, level.factor);
  const [y0, y1] = cellEdges(hp, cell, level.factor);
  const wc = x0.length;
  const cells = wc * y0.length;
  const K = Math.max(1, Math.min(top, cells));
  const knobValues = new Float32Array([
    knobs.penaltyPerPixel,
    knobs.maxDistance > 0 ? knobs.maxDistance : 3e38,
    knobs.minCoefficient,
  ]);
  const batch = Math.max(1, Math.min(MAX_BATCH, Math.floor(BATCH_VALUES / (wp * hp))));
  const kk = k * k * 3;
  const out: Candidates[] = [];
  for (let start = 0; start < queries.length; start += batch) {
    throwIfAborted(signal);
    const part = queries.slice(start, start + batch);
    const m = part.length;
    const templates = new Float32Array(m * kk);
    const bx = new Float32Array(m);
    const by = new Float32Array(m);
    part.forEach((q, i) => {
      templates.set(q.template, i * kk);
      bx[i] = q.blockX;
      by[i] = q.blockY;
    });
    const extraFeeds: Record<string, TensorValue> = {};
    if (scan.contrast !== null) {
      const C = scan.contrast;
      extraFeeds.convBias = { dtype: 'float32', dims: [m], data: new Float32Array(m).fill(C) };
      extraFeeds.blockVar = {
        dtype: 'float32',
        dims: [m, 1, 1, 1],
        data: Float32Array.from(part, (q) => q.variance + C),
      };
    }
    if (scan.hist) {
      // Channel-major: every block's R histogram, then G, then B (group c of the graph's convolution).
      const blockHist = new Float32Array(3 * m * HISTOGRAM_BINS);
      part.forEach((q, i) => {
        for (let c = 0; c < 3; c++)
          blockHist.set(
            q.rootHistogram!.subarray(c * HISTOGRAM_BINS, (c + 1) * HISTOGRAM_BINS),
            (c * m + i) * HISTOGRAM_BINS,
          );
      });
      const n = histogramSamples(cell);
      extraFeeds.hist = {
        dtype: 'float32',
        dims: [1, HISTOGRAM_SIZE, n * y0.length, n * wc],
        data: scan.hist,
      };
      extraFeeds.blockHist = { dtype: 'float32', dims: [3 * m, HISTOGRAM_BINS, 1, 1], data: blockHist };
    }
    const result = await session.run(
      {
        ...extraFeeds,
        image: { dtype: 'float32', dims: [1, 3, level.height, level.width], data: level.data },
        templates: { dtype: 'float32', dims: [m, 3, k, k], data: templates },
        gain: { dtype: 'float32', dims: [1, 1, hp, wp], data: scan.gain },
        bias: { dtype: 'float32', dims: [1, 1, hp, wp], data: scan.bias },
        blockX: { dtype: 'float32', dims: [m, 1, 1, 1], data: bx },
        blockY: { dtype: 'float32', dims: [m, 1, 1, 1], data: by },
        cellX0: { dtype: 'float32', dims: [1, 1, 1, wc], data: x0 },
        cellX1: { dtype: 'float32', dims: [1, 1, 1, wc], data: x1 },
        cellY0: { dtype: 'float32', dims: [1, 1, y0.length, 1], data: y0 },
        cellY1: { dtype: 'float32', dims: [1, 1, y0.length, 1], data: y1 },
        knobs: { dtype: 'float32', dims: [3], data: knobValues },
        k: { dtype: 'int64', dims: [1], data: BigInt64Array.of(BigInt(K)) },
      },
      signal,
    );
    const values = result.values.data as Float32Array;
    const flat = result.positions.data as BigInt64Array;
    const P = wp * hp;
    for (let i = 0; i < m; i++) {
      let n = 0;
      while (n < K && values[i * K + n] > EXCLUDED_BELOW) n++;
      const c: Candidates = { x: new Int32Array(n), y: new Int32Array(n), objective: new Float32Array(n) };
      for (let j = 0; j < n; j++) {
        const idx = Number(flat[i * K + j]) % P;
        c.x[j] = idx % wp;
        c.y[j] = (idx - c.x[j]) / wp;
        c.objective[j] = values[i * K + j];
      }
      out.push(c);
    }
    onBatch?.(Math.min(queries.length, start + m), queries.length);
    await new Promise((r) => setImmediate(r));
  }
  return out;
}
