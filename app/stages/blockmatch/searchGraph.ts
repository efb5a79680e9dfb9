/**
 * The ONNX graph of the exhaustive part of the block search: for a batch of m templates it scores every
 * position of one pyramid level at once and returns each template's best K cells.
 *
 * Scoring is a convolution (a matrix product after im2col, which ONNX Runtime runs on all cores):
 *   score(p) = conv(image, template)(p) * gain(p) + bias(p)
 * - With zero-mean, unit-norm templates and gain = 1 / (the window's zero-mean norm), this is the
 *   zero-mean normalised cross-correlation over the three channels (OpenCV's TM_CCOEFF_NORMED): the
 *   window's own mean drops out because each template channel sums to zero. With raw templates and a
 *   constant gain it is the plain correlation.
 * - With `contrast` (the ssim similarity of zncc.ts), the templates are zero-mean and doubled, the
 *   convolution adds convBias = C per template and the score is
 *     (conv(image, template)(p) + C) / (gain(p) + blockVar) + bias(p)
 *   with gain = the window's zero-mean sum of squares var_s and blockVar = var_t + C per template.
 * - bias is 0 at an allowed position and -1e9 where the block there would overlap the dilated hole.
 * Positions are then grouped in cells of `cell` x `cell` (a max pool: one candidate per cell, so the K
 * results do not crowd one peak, and the per-block work after it is cell^2 times smaller). Each cell's
 * best score loses  penalty * d, d = the distance from the block's corner to the nearest position of the
 * cell (exact when cell = 1), and cells wholly beyond the maximum distance are dropped. Outputs: the K
 * best cells' values and the flat index of each one's best position (for cell > 1 offset by the
 * block's index in the batch times the positions per block).
 * With `histogram`, cells are also tested for colour: the Bhattacharyya coefficient of each block's
 * square-rooted 16-bin histogram with those of `samples` x `samples` blocks spread over the cell (a
 * grouped 1x1 convolution: one dot product per channel); a sample passes when no channel's coefficient
 * is below the allowed minimum (histogram.ts: Hellinger distance at most the threshold), and a cell
 * where no sample passes is excluded. With cell = 1 this is every position's own test.
 * The graph has no weights of its own; it is serialised once per variant and process and cached on disk
 * by a hash of its bytes (ensureSearchGraph).
 */
import { writeCachedModel } from '../../../native-models/generated/index';
import type { LruCache } from '../../common/lruCache';
import { GraphBuilder } from '../../graph/onnxBuilder';

/** Added to a score to rule its position out (an ordinary score is within [-3, 3]). */
export const EXCLUDED = -1e9;

/** Histogram samples per cell along each axis (a cell of 4 x 4 positions is tested at 2 x 2 of them). */
export function histogramSamples(cell: number): number {
  return cell >= 4 ? 2 : 1;
}

/**
 * Builds the search graph (deterministic bytes) for cells of cell x cell positions (1 = every position
 * is its own candidate), with or without the histogram test, for zncc / raw or (contrast) ssim scores.
 */
export function buildSearchGraph(cell: number, histogram: boolean, contrast = false): Uint8Array {
  const g = new GraphBuilder(
    `blockmatch-search-${cell}${histogram ? '-hist' : ''}${contrast ? '-ssim' : ''}`,
  );
  const samples = histogramSamples(cell);
  const image = g.input('image', 'float32', [1, 3, 'h', 'w']);
  const templates = g.input('templates', 'float32', ['m', 3, 'k', 'k']);
  const gain = g.input('gain', 'float32', [1, 1, 'hp', 'wp']);
  const bias = g.input('bias', 'float32', [1, 1, 'hp', 'wp']);
  // Block corners, and the first and last position of every cell column / row, in full-size pixels.
  const blockX = g.input('blockX', 'float32', ['m', 1, 1, 1]);
  const blockY = g.input('blockY', 'float32', ['m', 1, 1, 1]);
  const cellX0 = g.input('cellX0', 'float32', [1, 1, 1, 'wc']);
  const cellX1 = g.input('cellX1', 'float32', [1, 1, 1, 'wc']);
  const cellY0 = g.input('cellY0', 'float32', [1, 1, 'hc', 1]);
  const cellY1 = g.input('cellY1', 'float32', [1, 1, 'hc', 1]);
  // [penalty per pixel of distance, maximum distance in pixels, smallest allowed Bhattacharyya coefficient]
  const knobs = g.input('knobs', 'float32', [3]);
  const k = g.input('k', 'int64', [1]);

  const convBias = contrast ? g.input('convBias', 'float32', ['m']) : null;
  const blockVar = contrast ? g.input('blockVar', 'float32', ['m', 1, 1, 1]) : null;
  const conv = g.op('Conv', convBias ? [image, templates, convBias] : [image, templates]);
  // [1, m, hp, wp] -> [m, 1, hp, wp]: the same memory, blocks as the batch axis.
  const perBlock = g.op('Reshape', [conv, g.int64s('perBlockShape', [4], [-1, 1, 0, 0])]);
  const pick = (i: number) =>
    g.op('Slice', [knobs, g.int64s(`s${i}`, [1], [i]), g.int64s(`e${i}`, [1], [i + 1])]);
  const scored = g.op('Add', [
    blockVar ? g.op('Div', [perBlock, g.op('Add', [gain, blockVar])]) : g.op('Mul', [perBlock, gain]),
    bias,
  ]);
  // Each cell's best score, and where it is (MaxPool's second output: the flat index into `scored`,
  // batch offset included).
  const [pooled, where] =
    cell > 1
      ? g.node('MaxPool', [scored], { kernel_shape: [cell, cell], strides: [cell, cell], ceil_mode: 1 }, 2)
      : [scored, ''];
  let cells = pooled;
  if (histogram) {
    // hist: [1, 48, hc * samples, wc * samples] root histograms of the sampled blocks; blockHist:
    // [3m, 16, 1, 1], channel-major (the R histograms of the m blocks, then G, then B), so that group c
    // of the convolution is channel c.
    const hist = g.input('hist', 'float32', [1, 48, 'hs', 'ws']);
    const blockHist = g.input('blockHist', 'float32', ['m3', 16, 1, 1]);
    const bc = g.op('Conv', [hist, blockHist], { group: 3 });
    const perChannel = g.op('Reshape', [bc, g.int64s('perChannelShape', [4], [3, -1, 0, 0])]);
    const worst = g.op('ReduceMin', [perChannel], { axes: [0], keepdims: 0 });
    let worst4 = g.op('Unsqueeze', [worst, g.int64s('unsqueezeAxes', [1], [1])]);
    if (samples > 1) {
      worst4 = g.op('MaxPool', [worst4], { kernel_shape: [samples, samples], strides: [samples, samples] });
    }
    const rejected = g.op('Cast', [g.op('Less', [worst4, pick(2)])], { to: 1 });
    cells = g.op('Add', [cells, g.op('Mul', [rejected, g.scalar(EXCLUDED)])]);
  }
  const zero = g.scalar(0);
  // Distance from the block to the nearest position of a cell, per axis.
  const dx = g.op('Max', [g.op('Sub', [cellX0, blockX]), g.op('Sub', [blockX, cellX1]), zero]);
  const dy = g.op('Max', [g.op('Sub', [cellY0, blockY]), g.op('Sub', [blockY, cellY1]), zero]);
  const dist = g.op('Sqrt', [g.op('Add', [g.op('Mul', [dx, dx]), g.op('Mul', [dy, dy])])]);
  const far = g.op('Mul', [g.op('Cast', [g.op('Greater', [dist, pick(1)])], { to: 1 }), g.scalar(EXCLUDED)]);
  const objective = g.op('Add', [g.op('Sub', [cells, g.op('Mul', [dist, pick(0)])]), far]);
  const flat = g.op('Reshape', [objective, g.int64s('flatShape', [2], [0, -1])]);
  const [values, indices] = g.node('TopK', [flat, k], { axis: 1, largest: 1, sorted: 1 }, 2);
  const positions =
    cell > 1
      ? g.op('GatherElements', [g.op('Reshape', [where, g.int64s('whereShape', [2], [0, -1])]), indices], {
          axis: 1,
        })
      : indices;
  g.output(values, 'values', 'float32', ['m', 'kk']);
  g.output(positions, 'positions', 'int64', ['m', 'kk']);
  return g.build({
    docString: 'Block matching: scores of every position for a batch of templates, top K cells',
  });
}

/**
 * Writes the graph (atomically, through the shared model cache writer `writeCachedModel`: into the
 * user's cache folder, `$INPAINT_STUDIO_CACHE` when set) as `blockmatch-search-<hash16>.onnx` unless it
 * is already there, and returns its path.
 * @param dir another folder for the file
 * @param resources the pipeline's cache (StageContext.resources): keeps the path by variant, so the graph
 *   is built once per pipeline; without it each call builds it (milliseconds) and finds the file
 * @throws StudioError IO when the folder cannot be written.
 */
export function ensureSearchGraph(
  cell: number,
  histogram: boolean,
  contrast = false,
  dir?: string,
  resources?: LruCache,
): Promise<string> {
  const write = () => writeCachedModel(buildSearchGraph(cell, histogram, contrast), 'blockmatch-search', dir);
  if (!resources) return write();
  return resources.get(`blockmatch-search:${cell}|${histogram}|${contrast}|${dir ?? ''}`, 1024, write);
}
