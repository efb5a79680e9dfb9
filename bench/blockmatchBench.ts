/**
 * The block-matching stage: its speed and the quality of its matches, side by side with brute force by
 * OpenCV's cv2.matchTemplate (TM_CCOEFF_NORMED, Debian's python3-opencv, bench/opencv_match.py; for the
 * `ssim` cases TM_CCOEFF and window variances, SSIM_SCRIPT below).
 *   npx tsx bench/blockmatchBench.ts [case-name-substring ...]
 * Prints two tables and writes bench/results/blockmatch.json.
 *
 * Per case: the LaMa stage fills the hole first (the generated LaMa-signature network, as the pipeline
 * runs without a downloaded model), its result rounded to 8 bits so that OpenCV and the stage see the
 * same values; then the blockmatch stage runs with its defaults (b = 32, histogram threshold 0.8,
 * distance penalty 0.05, feathered seams) unless the case says otherwise: `stageMs` is its whole run
 * (search, paste, regions), the median of 3 warm runs (the search graph's session already made;
 * `coldStageMs` is the first run, making it), `stageCpuMs` the CPU time of all threads in those runs
 * (what the run would take on idle cores is about the single-threaded part plus the ONNX part / cores).
 * For a sample of mask blocks,
 * opencv_match.py scores every position with matchTemplate (timed alone: `cvMsPerBlock`) and finds the
 * brute-force best under the same rules (allowed positions, distance penalty, histogram test);
 * `cvProjectedS` = cvMsPerBlock x mask blocks, `speedup` = that / the stage's search time. `gapPct`: mean
 * over the sampled blocks both found a source for of (brute-force objective - search objective) /
 * brute-force objective, in percent, for the search alone (matchBlocks with reusePenalty 0: brute force
 * has no reuse penalty, so this is the search's accuracy under one objective; `maxGapPct` the worst
 * block, `exactPct` the share where the search found the brute-force position; `missedBlocks` the
 * sampled blocks it rejected although brute force found an allowed source; `meanScore` /
 * `bruteMeanScore` the mean similarity of both). `stageGapPct`: the same for the stage's own matches
 * (reuse penalty on), i.e. the search's gap plus the objective the reuse penalty gives up on purpose.
 * `stageRssMB` / `poissonRssMB`: how much the stage adds to the process's peak resident memory
 * (defaults / blend=poisson), each measured in a fresh child process (node --import tsx this file
 * --memory-child ...): the filled image and mask loaded, ONNX Runtime loaded and the search warmed up on
 * a 512 x 512 crop, garbage collected, then the peak RSS over one run (Linux: VmHWM after resetting it
 * through /proc/self/clear_refs; what /usr/bin/time -v reports for a whole process) less the RSS before
 * it; `rssBaseMB` is that RSS before.
 * The second table compares the seam blending on the same matches: PSNR inside the hole against the
 * original, and the seam contrast (seams.ts: ~1 = seams as busy as the texture, higher = visible seams).
 * The Poisson solve (multigrid-preconditioned conjugate gradients) runs to its default tolerance: every
 * channel's residual at most 1e-6 of its right-hand side's (`poissonResidual`, `poissonIterations`).
 * Timings on a shared 2-core machine vary run to run; `load` is the 1-minute load average at the start.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createEngineServices } from '../app/host/services';
import { cropImage } from '../app/image/crop';
import { loadImage } from '../app/image/load';
import { saveMask } from '../app/image/mask';
import { psnr } from '../app/image/metrics';
import { resizeImage } from '../app/image/resize';
import { saveImage } from '../app/image/save';
import { createMask, type Mask, type RgbImage } from '../app/image/types';
import { resolveParams } from '../app/common/params';
import type { StageContext } from '../app/pipeline/types';
import { matchBlocks, type MatchResult } from '../app/stages/blockmatch/match';
import { BLOCKMATCH_PARAMS } from '../app/stages/blockmatch/params';
import { featherPaste, hardPaste } from '../app/stages/blockmatch/paste';
import { poissonPaste } from '../app/stages/blockmatch/poisson';
import { seamContrast } from '../app/testing/seamContrast';
import { table } from './table';
import { blockmatchStage, matchOptionsOf } from '../app/stages/blockmatch/stage';
import { SourceValidity } from '../app/stages/blockmatch/validity';
import { Pipeline } from '../app/pipeline/run';
import { lamaStage } from '../app/stages/lama/stage';
import { blobMask } from './masks';
import { writeJsonSync } from './jsonFile';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const FIXTURES = path.resolve(HERE, '../../shared/fixtures/images');
const RESULTS = path.resolve(HERE, 'results');
const SCRIPT = path.resolve(HERE, 'opencv_match.py');
const SYSTEM_PYTHON = '/usr/bin/python3';

export interface Row {
  case: string;
  size: string;
  blockSize: number;
  maskBlocks: number;
  /** Median wall time of 3 warm runs of the whole stage, and the CPU time (all threads) of those runs. */
  stageMs: number;
  stageCpuMs: number;
  coldStageMs: number;
  searchMs: number;
  scanMs: number;
  refineMs: number;
  sampled: number;
  cvMsPerBlock: number | null;
  cvProjectedS: number | null;
  speedup: number | null;
  gapPct: number | null;
  stageGapPct: number | null;
  maxGapPct: number | null;
  exactPct: number | null;
  /** Sampled blocks the stage left without a source although brute force found one. */
  missedBlocks: number | null;
  /** Mean similarity over the sampled blocks both found a source for: the stage's and brute force's. */
  meanScore: number | null;
  bruteMeanScore: number | null;
  rejectedBlocks: number;
  /** Peak RSS the stage adds (MB; defaults, then blend=poisson) and the RSS before it (see the top). */
  stageRssMB: number | null;
  poissonRssMB: number | null;
  rssBaseMB: number | null;
  load: number;
  /** PSNR (dB) inside the hole against the original: the LaMa-stage input, then each blending. */
  psnrInput: number;
  psnrHard: number;
  psnrFeather: number;
  psnrPoisson: number;
  /**
   * Contrast of the sources against the truth: mean over mask blocks at least half hole of
   * ln(sd(source block) / sd(original block)) (sd: mean per-channel standard deviation, + 0.005), and
   * the mean of its absolute value. > 0: the sources are busier than what they replace (edges or
   * detail pasted into smooth regions).
   */
  contrastBias: number;
  contrastError: number;
  /** Seam contrast (seams.ts) of the same images, and of the original. */
  seamInput: number;
  seamHard: number;
  seamFeather: number;
  seamPoisson: number;
  seamTruth: number;
  featherMs: number;
  poissonMs: number;
  poissonIterations: number;
  /** Relative residual the Poisson solve stopped at (its tolerance is 1e-6). */
  poissonResidual: number;
}

/** The columns of the two views of a row. */
export const SEARCH_COLUMNS: (keyof Row)[] = [
  'case',
  'size',
  'blockSize',
  'maskBlocks',
  'stageMs',
  'stageCpuMs',
  'coldStageMs',
  'searchMs',
  'scanMs',
  'refineMs',
  'sampled',
  'cvMsPerBlock',
  'cvProjectedS',
  'speedup',
  'gapPct',
  'stageGapPct',
  'maxGapPct',
  'exactPct',
  'missedBlocks',
  'meanScore',
  'bruteMeanScore',
  'rejectedBlocks',
  'stageRssMB',
  'poissonRssMB',
  'rssBaseMB',
  'load',
];
export const BLEND_COLUMNS: (keyof Row)[] = [
  'case',
  'psnrInput',
  'psnrHard',
  'psnrFeather',
  'psnrPoisson',
  'contrastBias',
  'contrastError',
  'seamInput',
  'seamHard',
  'seamFeather',
  'seamPoisson',
  'seamTruth',
  'featherMs',
  'poissonMs',
  'poissonIterations',
  'poissonResidual',
];

interface BenchCase {
  name: string;
  file: string;
  /** blockmatch parameters other than the defaults. */
  params?: Record<string, unknown>;
  megapixels?: number;
  coverage: number;
  seed: number;
  /** Blocks given to brute force (evenly spread over the mask blocks). */
  sample: number;
}

const CASES: BenchCase[] = [
  { name: 'elephants-8mp', file: 'Elephants_3840x2160.jpg', coverage: 0.05, seed: 7, sample: 40 },
  {
    name: 'elephants-8mp-nohist',
    file: 'Elephants_3840x2160.jpg',
    coverage: 0.05,
    seed: 7,
    sample: 40,
    params: { histogramThreshold: 1 },
  },
  {
    name: 'elephants-8mp-ssim',
    file: 'Elephants_3840x2160.jpg',
    coverage: 0.05,
    seed: 7,
    sample: 40,
    params: { similarity: 'ssim' },
  },
  { name: 'garden-1mp', file: 'Garden.jpg', megapixels: 1, coverage: 0.05, seed: 7, sample: 40 },
  {
    name: 'garden-1mp-ssim',
    file: 'Garden.jpg',
    megapixels: 1,
    coverage: 0.05,
    seed: 7,
    sample: 40,
    params: { similarity: 'ssim' },
  },
  {
    name: 'garden-1mp-hist0.5',
    file: 'Garden.jpg',
    megapixels: 1,
    coverage: 0.05,
    seed: 7,
    sample: 40,
    params: { histogramThreshold: 0.5 },
  },
  { name: 'brick', file: 'brick.png', coverage: 0.05, seed: 7, sample: 32 },
];

const round = (v: number, k = 2) => Number(v.toFixed(k));

/** Rounds to 8-bit values (what OpenCV reads back from the PNG). */
function quantise(img: RgbImage): RgbImage {
  const data = new Float32Array(img.data.length);
  for (let i = 0; i < data.length; i++)
    data[i] = Math.round(Math.min(1, Math.max(0, img.data[i])) * 255) / 255;
  return { width: img.width, height: img.height, data };
}

async function loadBenchCase(c: BenchCase): Promise<{ image: RgbImage; mask: Mask }> {
  let image = (await loadImage(path.join(FIXTURES, c.file))).image;
  if (c.megapixels) {
    const s = Math.sqrt((c.megapixels * 1e6) / (image.width * image.height));
    if (s < 1) image = resizeImage(image, Math.round(image.width * s), Math.round(image.height * s));
  }
  return { image: quantise(image), mask: blobMask(image.width, image.height, c.coverage, c.seed) };
}

/**
 * opencv_match.py's brute force with the stage's `ssim` score instead of TM_CCOEFF_NORMED:
 * (2 cov + C) / (var_s + var_t + C), C = 3 b^2 0.03^2, cov from cv2.matchTemplate(TM_CCOEFF) (summed over
 * the channels) and var_s from summed-area tables; same arguments, rules and output.
 */
const SSIM_SCRIPT = `
import json, sys, time
import cv2
import numpy as np
sys.path.insert(0, BENCH_DIR)
from opencv_match import histogram_distance_map, BINS

image_path, allowed_path, query_path, out_path = sys.argv[1:5]
raw = cv2.imread(image_path, cv2.IMREAD_COLOR)
image = raw.astype(np.float32) / 255
allowed = cv2.imread(allowed_path, cv2.IMREAD_GRAYSCALE)
query = json.load(open(query_path, encoding="utf8"))
b = int(query["blockSize"])
penalty = float(query["penaltyPerPixel"])
max_distance = float(query["maxDistance"])
threshold = float(query["histogramThreshold"])
h, w = image.shape[:2]
bins = np.minimum((raw.astype(np.int32) * BINS) // 255, BINS - 1)
C = 3 * b * b * 9e-4
def window_sums(a):
    t = cv2.integral(a.astype(np.float64))
    return t[b:, b:] - t[:-b, b:] - t[b:, :-b] + t[:-b, :-b]
var_s = sum(window_sums(image[:, :, c] ** 2) - window_sums(image[:, :, c]) ** 2 / (b * b) for c in range(3))
ys, xs = np.mgrid[0 : h - b + 1, 0 : w - b + 1]
base_ok = allowed[: h - b + 1, : w - b + 1] > 0
results = []
for blk in query["blocks"]:
    x, y = int(blk["x"]), int(blk["y"])
    t0 = time.perf_counter()
    template = image[y : y + b, x : x + b]
    var_t = float(((template.astype(np.float64) - template.mean(axis=(0, 1))) ** 2).sum())
    cov = cv2.matchTemplate(image, template, cv2.TM_CCOEFF).astype(np.float64)
    score = (2 * cov + C) / (var_s + var_t + C)
    mt = time.perf_counter() - t0
    distance = np.hypot(xs - x, ys - y)
    objective = score - penalty * distance
    ok = base_ok.copy()
    if max_distance > 0:
        ok &= distance <= max_distance
    if threshold < 1:
        ok &= histogram_distance_map(bins, bins[y : y + b, x : x + b], b) <= threshold
    objective[~ok] = -np.inf
    i = int(np.argmax(objective))
    best = None
    if np.isfinite(objective.flat[i]):
        by, bx = divmod(i, objective.shape[1])
        best = {"x": bx, "y": by, "score": float(score[by, bx]), "objective": float(objective[by, bx])}
    results.append({"x": x, "y": y, "matchTemplateSeconds": mt, "seconds": time.perf_counter() - t0, "best": best})
json.dump({"opencv": cv2.__version__, "threads": cv2.getNumThreads(), "blocks": results}, open(out_path, "w", encoding="utf8"))
`;

interface BruteBlock {
  matchTemplateSeconds: number;
  best: { x: number; y: number; score: number; objective: number } | null;
}

/** Brute force for the sampled blocks through opencv_match.py; null when OpenCV is unavailable. */
function bruteForce(
  image: RgbImage,
  mask: Mask,
  result: MatchResult,
  params: Record<string, unknown>,
  sample: number[],
  dir: string,
): Promise<BruteBlock[] | null> {
  return (async () => {
    const o = matchOptionsOf(resolveParams(BLOCKMATCH_PARAMS, params));
    const b = result.blockSize;
    const validity = new SourceValidity(mask, o.margin, b);
    const { width: W, height: H } = image;
    const allowed = createMask(W, H);
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++)
        allowed.data[y * W + x] = x % o.stride === 0 && y % o.stride === 0 && validity.allowed(x, y) ? 1 : 0;
    const imagePath = path.join(dir, 'image.png');
    const allowedPath = path.join(dir, 'allowed.png');
    const queryPath = path.join(dir, 'query.json');
    const outPath = path.join(dir, 'out.json');
    await saveImage(imagePath, image);
    await saveMask(allowedPath, allowed);
    writeFileSync(
      queryPath,
      JSON.stringify({
        blockSize: b,
        penaltyPerPixel: o.distancePenalty / Math.hypot(W, H),
        maxDistance: o.maxDistance,
        histogramThreshold: o.histogramThreshold,
        blocks: sample.map((i) => ({ x: result.matches[i].x, y: result.matches[i].y })),
      }),
    );
    // opencv_match.py scores zncc; for ssim the same search with SSIM's contrast-structure map.
    let script = SCRIPT;
    if (o.similarity === 'ssim') {
      script = path.join(dir, 'ssim_match.py');
      writeFileSync(script, SSIM_SCRIPT.replace('BENCH_DIR', JSON.stringify(HERE)));
    }
    try {
      execFileSync(SYSTEM_PYTHON, [script, imagePath, allowedPath, queryPath, outPath], {
        stdio: ['ignore', 'pipe', 'pipe'],
        maxBuffer: 1 << 24,
      });
    } catch (e) {
      process.stderr.write(
        `opencv_match.py unavailable (${e instanceof Error ? e.message.split('\n')[0] : String(e)})\n`,
      );
      return null;
    }
    return (JSON.parse(readFileSync(outPath, 'utf8')) as { blocks: BruteBlock[] }).blocks;
  })();
}

/** Mean per-channel standard deviation of a b x b block. */
function blockSd(img: RgbImage, x: number, y: number, b: number): number {
  const { width: W, height: H, data } = img;
  let v = 0;
  for (let c = 0; c < 3; c++) {
    let s = 0;
    let s2 = 0;
    for (let r = 0; r < b; r++)
      for (let q = 0; q < b; q++) {
        const p = data[c * W * H + (y + r) * W + x + q];
        s += p;
        s2 += p * p;
      }
    v += Math.max(0, s2 / (b * b) - (s / (b * b)) ** 2);
  }
  return Math.sqrt(v / 3);
}

/** contrastBias / contrastError of a row (see Row). */
function sourceContrast(
  current: RgbImage,
  original: RgbImage,
  r: MatchResult,
): { bias: number; error: number } {
  let bias = 0;
  let error = 0;
  let k = 0;
  for (const m of r.matches) {
    if (!m.source || m.holePixels < (m.size * m.size) / 2) continue;
    const l = Math.log(
      (blockSd(current, m.source.x, m.source.y, m.size) + 0.005) /
        (blockSd(original, m.x, m.y, m.size) + 0.005),
    );
    bias += l;
    error += Math.abs(l);
    k++;
  }
  return { bias: k ? bias / k : 0, error: k ? error / k : 0 };
}

/** MB, rounded. */
const mb = (bytes: number) => Math.round(bytes / 1048576);

/**
 * The peak RSS one stage run adds, in a fresh process (see the top); null when the child fails.
 * The image and mask are handed over as raw files in `dir`.
 */
function measureMemory(
  image: RgbImage,
  mask: Mask,
  params: Record<string, unknown>,
  dir: string,
): { addedMB: number; baseMB: number } | null {
  writeFileSync(
    path.join(dir, 'mem-image.f32'),
    new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.byteLength),
  );
  writeFileSync(path.join(dir, 'mem-mask.u8'), mask.data);
  writeFileSync(
    path.join(dir, 'mem-meta.json'),
    JSON.stringify({ width: image.width, height: image.height }),
  );
  try {
    const out = execFileSync(
      process.execPath,
      [
        '--expose-gc',
        '--import',
        'tsx',
        fileURLToPath(import.meta.url),
        '--memory-child',
        dir,
        JSON.stringify(params),
      ],
      { cwd: path.resolve(HERE, '..'), stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 20 },
    );
    const r = JSON.parse(out.toString().trim().split('\n').pop()!) as { base: number; peak: number };
    return { addedMB: mb(r.peak - r.base), baseMB: mb(r.base) };
  } catch (e) {
    process.stderr.write(
      `memory measurement failed (${e instanceof Error ? e.message.split('\n')[0] : String(e)})\n`,
    );
    return null;
  } finally {
    for (const f of ['mem-image.f32', 'mem-mask.u8', 'mem-meta.json'])
      rmSync(path.join(dir, f), { force: true });
  }
}

/** The peak RSS of this process (Linux: VmHWM, since exec or the last clear_refs 5). */
function peakRss(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch {
    // Not Linux.
  }
  return process.resourceUsage().maxRSS * 1024;
}

/** The child side of measureMemory: prints {"base": bytes, "peak": bytes}. */
async function memoryChild(dir: string, paramsJson: string): Promise<void> {
  const meta = JSON.parse(readFileSync(path.join(dir, 'mem-meta.json'), 'utf8')) as {
    width: number;
    height: number;
  };
  const raw = readFileSync(path.join(dir, 'mem-image.f32'));
  const image: RgbImage = {
    width: meta.width,
    height: meta.height,
    data: new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength)),
  };
  const mask: Mask = {
    width: meta.width,
    height: meta.height,
    data: new Uint8Array(readFileSync(path.join(dir, 'mem-mask.u8'))),
  };
  const services = createEngineServices({ modelsDir: mkdtempSync(path.join(os.tmpdir(), 'bm-mem-models-')) });
  const params = resolveParams(BLOCKMATCH_PARAMS, JSON.parse(paramsJson) as Record<string, unknown>);
  // Load ONNX Runtime and run the stage once on a small crop, so that the baseline holds the library.
  const side = Math.min(512, image.width, image.height);
  const rect = { x: 0, y: 0, width: side, height: side };
  const small = cropImage(image, rect);
  const smallMask = createMask(side, side);
  for (let y = side >> 2; y < (3 * side) >> 2; y++)
    smallMask.data.fill(1, y * side + (side >> 2), y * side + ((3 * side) >> 2));
  await blockmatchStage.run(
    { image: small, original: small, mask: smallMask, artifacts: {} },
    params,
    context(services.sessions),
  );
  (globalThis as { gc?: () => void }).gc?.();
  await new Promise((r) => setTimeout(r, 100));
  const base = process.memoryUsage.rss();
  // Linux: restart the peak count here (clear_refs 5). getrusage's maxRSS would not do: it carries the
  // parent's RSS at fork over exec.
  try {
    writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    // Not Linux: VmHWM is absent too, and maxRSS is used.
  }
  await blockmatchStage.run(
    { image, original: image, mask, artifacts: {} },
    params,
    context(services.sessions),
  );
  const peak = peakRss();
  await services.close();
  process.stdout.write(`${JSON.stringify({ base, peak })}\n`);
}

function context(sessions: StageContext['sessions']): StageContext {
  return {
    signal: new AbortController().signal,
    progress: () => {},
    sessions,
    models: { resolve: async () => null },
    seed: 0,
    log: () => {},
  };
}

/**
 * Runs every case (or those whose name contains one of `only`) and writes bench/results/blockmatch.json.
 */
export async function benchBlockmatch(
  only: string[] = [],
  log: (s: string) => void = () => {},
): Promise<Row[]> {
  const services = createEngineServices({
    modelsDir: mkdtempSync(path.join(os.tmpdir(), 'bm-bench-models-')),
  });
  const pipeline = new Pipeline({
    stages: [lamaStage],
    sessions: services.sessions,
    models: services.resolver,
  });
  const rows: Row[] = [];
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bm-bench-'));
  try {
    for (const c of CASES.filter((k) => only.length === 0 || only.some((s) => k.name.includes(s)))) {
      const { image: original, mask } = await loadBenchCase(c);
      const filled = await pipeline.run({
        image: original,
        mask,
        stages: [{ name: 'lama', params: { engine: 'model' } }],
        modelId: 'generated-lama-fixed-rgb',
      });
      const current = quantise(filled.image);
      const params = c.params ?? {};
      const resolved = resolveParams(BLOCKMATCH_PARAMS, params);
      const load = os.loadavg()[0];
      const input = { image: current, original, mask, artifacts: {} };
      let t = performance.now();
      await blockmatchStage.run(input, resolved, context(services.sessions));
      const coldStageMs = performance.now() - t;
      const walls: number[] = [];
      const cpus: number[] = [];
      for (let r = 0; r < 3; r++) {
        const cpu = process.cpuUsage();
        t = performance.now();
        await blockmatchStage.run(input, resolved, context(services.sessions));
        walls.push(performance.now() - t);
        const used = process.cpuUsage(cpu);
        cpus.push((used.user + used.system) / 1000);
      }
      const median = (v: number[]) => [...v].sort((a, b) => a - b)[1];
      const stageMs = median(walls);
      const stageCpuMs = median(cpus);
      t = performance.now();
      const result = await matchBlocks(current, mask, matchOptionsOf(resolved), {
        sessions: services.sessions,
      });
      const searchMs = performance.now() - t;
      log(
        `${c.name}: stage ${Math.round(stageMs)} ms (cold ${Math.round(coldStageMs)}), search ${Math.round(searchMs)} ms`,
      );
      // The search alone, against brute force under the same objective: without the reuse penalty,
      // which gives up objective on purpose to spread sources (its cost is stageGapPct).
      const search =
        (resolved.reusePenalty as number) > 0
          ? await matchBlocks(
              current,
              mask,
              { ...matchOptionsOf(resolved), reusePenalty: 0 },
              { sessions: services.sessions },
            )
          : result;
      const memory = measureMemory(current, mask, params, dir);
      const poissonMemory = measureMemory(current, mask, { ...params, blend: 'poisson' }, dir);
      log(`${c.name}: the stage adds ${memory?.addedMB} MB peak RSS (poisson ${poissonMemory?.addedMB} MB)`);
      const blocks = result.matches.length;
      const sample = Array.from({ length: Math.min(c.sample, blocks) }, (_, i) =>
        Math.floor((i * blocks) / Math.min(c.sample, blocks)),
      );
      const brute = await bruteForce(current, mask, result, params, sample, dir);
      const found = result.matches.filter((m) => m.source);
      let gap: number | null = null;
      let maxGap: number | null = null;
      let exact: number | null = null;
      let cvMs: number | null = null;
      let bruteMean: number | null = null;
      let missed: number | null = null;
      let sampleMean: number | null = null;
      let stageGap: number | null = null;
      if (brute) {
        const stageGaps: number[] = [];
        brute.forEach((bf, k) => {
          const m = result.matches[sample[k]];
          if (bf.best && m.source)
            stageGaps.push(Math.max(0, (bf.best.objective - m.objective) / Math.abs(bf.best.objective)));
        });
        stageGap = (100 * stageGaps.reduce((a, v) => a + v, 0)) / Math.max(1, stageGaps.length);
        const gaps: number[] = [];
        let same = 0;
        let bruteScore = 0;
        let ourScore = 0;
        missed = 0;
        brute.forEach((bf, k) => {
          const m = search.matches[sample[k]];
          if (!bf.best) return;
          if (!m.source) {
            missed!++;
            return;
          }
          bruteScore += bf.best.score;
          ourScore += m.score;
          // OpenCV scores in float32: an identical position may come out a hair better on our side.
          gaps.push(Math.max(0, (bf.best.objective - m.objective) / Math.abs(bf.best.objective)));
          if (m.source.x === bf.best.x && m.source.y === bf.best.y) same++;
        });
        gap = (100 * gaps.reduce((a, v) => a + v, 0)) / Math.max(1, gaps.length);
        maxGap = 100 * Math.max(0, ...gaps);
        exact = (100 * same) / Math.max(1, gaps.length);
        cvMs = (1000 * brute.reduce((a, v) => a + v.matchTemplateSeconds, 0)) / brute.length;
        bruteMean = bruteScore / Math.max(1, gaps.length);
        sampleMean = ourScore / Math.max(1, gaps.length);
      }
      const contrast = sourceContrast(current, original, result);
      // Seam blending on the same matches.
      const seam = (img: RgbImage) => round(seamContrast(img, mask, result.blockSize).ratio, 3);
      const inHole = (img: RgbImage) => round(psnr(img, original, mask), 2);
      const hard = hardPaste(current, mask, result.matches);
      t = performance.now();
      const feathered = featherPaste(current, mask, result.matches, resolved.seamWidth as number);
      const featherMs = performance.now() - t;
      t = performance.now();
      const poisson = await poissonPaste(current, mask, result.matches, feathered);
      const poissonMs = performance.now() - t;
      rows.push({
        case: c.name,
        size: `${current.width}x${current.height}`,
        blockSize: result.blockSize,
        maskBlocks: blocks,
        stageMs: Math.round(stageMs),
        stageCpuMs: Math.round(stageCpuMs),
        coldStageMs: Math.round(coldStageMs),
        searchMs: Math.round(searchMs),
        scanMs: Math.round(result.stats.scanMs),
        refineMs: Math.round(result.stats.refineMs),
        sampled: sample.length,
        cvMsPerBlock: cvMs === null ? null : Math.round(cvMs),
        cvProjectedS: cvMs === null ? null : round((cvMs * blocks) / 1000, 1),
        speedup: cvMs === null ? null : round((cvMs * blocks) / searchMs, 0),
        gapPct: gap === null ? null : round(gap, 2),
        stageGapPct: stageGap === null ? null : round(stageGap, 2),
        maxGapPct: maxGap === null ? null : round(maxGap, 2),
        exactPct: exact === null ? null : round(exact, 0),
        missedBlocks: missed,
        meanScore: sampleMean === null ? null : round(sampleMean, 4),
        bruteMeanScore: bruteMean === null ? null : round(bruteMean, 4),
        rejectedBlocks: blocks - found.length,
        stageRssMB: memory?.addedMB ?? null,
        poissonRssMB: poissonMemory?.addedMB ?? null,
        rssBaseMB: memory?.baseMB ?? null,
        load: round(load, 1),
        psnrInput: inHole(current),
        psnrHard: inHole(hard),
        psnrFeather: inHole(feathered),
        psnrPoisson: inHole(poisson.image),
        contrastBias: round(contrast.bias, 3),
        contrastError: round(contrast.error, 3),
        seamInput: seam(current),
        seamHard: seam(hard),
        seamFeather: seam(feathered),
        seamPoisson: seam(poisson.image),
        seamTruth: seam(original),
        featherMs: Math.round(featherMs),
        poissonMs: Math.round(poissonMs),
        poissonIterations: poisson.iterations,
        poissonResidual: Number(poisson.relativeResidual.toExponential(1)),
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await services.close();
  }
  mkdirSync(RESULTS, { recursive: true });
  const file = path.join(RESULTS, 'blockmatch.json');
  writeJsonSync(file, {
    date: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    rows,
  });
  log(`wrote ${file}`);
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href && process.argv[2] === '--memory-child') {
  await memoryChild(process.argv[3], process.argv[4] ?? '{}');
} else if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const rows = await benchBlockmatch(process.argv.slice(2), (s) => process.stderr.write(`${s}\n`));
  process.stdout.write(
    '\n## blockmatch stage vs brute force (cv2.matchTemplate; -ssim cases: the ssim score)\n\n',
  );
  process.stdout.write(`${table(rows, SEARCH_COLUMNS)}\n`);
  process.stdout.write(
    '\n## seam blending on the same matches (PSNR in dB inside the hole vs the original)\n\n',
  );
  process.stdout.write(`${table(rows, BLEND_COLUMNS)}\n`);
}
