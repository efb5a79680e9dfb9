/**
 * Benchmark of the colour stage (`npx tsx bench/colorBench.ts`, or from `npm run bench`):
 *
 * 1. Accuracy. Fixture photos with a blob hole whose fill is the ground truth with a simulated LaMa colour
 *    defect, of two kinds: uniform (desaturated and shifted) and spatially varying (desaturation varying
 *    across the hole, a hue rotation varying down it, contrast loss). For each method, the mean CIEDE2000
 *    to the truth over the hole before and after, the mean colour jump across the hole's edge, and the time.
 *    "raw ring" rows turn off the ring weighting, the change smoothing and the seam correction (what the
 *    stage did before them).
 * 2. Speed. 1 MP of hole pixels (Elephants, 8.3 MP, a 12% blob hole), 200 iterations, K = 10: the whole
 *    stage with its previews on (λ_R = 0, the default, and λ_R = 0.05), then the solver alone on one
 *    WebAssembly thread and on the TypeScript fallback; wall and CPU time and where the time goes.
 *    `npx tsx bench/colorBench.ts --speed [runs] [λ_R]` runs only the whole stage, `runs` times (default
 *    5) for λ_R = 0 and λ_R (default 0.05; 0 skips it), and prints the minimum and median of each timing
 *    with the load average before and after (other processes share the CPU); it writes nothing.
 *
 * Writes bench/results/color.json.
 */
import { mkdirSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadImage } from '../app/image/load';
import { resizeImage } from '../app/image/resize';
import { cloneImage, type Mask, type RgbImage } from '../app/image/types';
import type { StageContext } from '../app/pipeline/types';
import { labToSrgb, meanCiede2000, srgbToLab } from '../app/stages/color/colorSpace';
import { COLOR_PARAMS } from '../app/stages/color/params';
import { colorStage } from '../app/stages/color/stage';
import { resolveParams } from '../app/common/params';
import { maskBoundingBox } from '../app/image/crop';
import { createProblem } from '../app/stages/color/energy';
import { chooseReference, referenceSamples } from '../app/stages/color/reference';
import { buildRegion } from '../app/stages/color/region';
import { createRng } from '../app/stages/color/rng';
import {
  emptyTiming,
  solveRabinPeyre,
  type SolverResult,
  type SolverTiming,
} from '../app/stages/color/solver';
import { blobMask } from './masks';
import { table } from './table';
import { writeJsonSync } from './jsonFile';

export const FIXTURES = path.resolve('../shared/fixtures/images');
const RESULTS = path.resolve('bench/results');

export type DefectKind = 'uniform' | 'varying';

export interface ColorCase {
  name: string;
  file: string;
  /** Scale to about this many megapixels first (optional). */
  megapixels?: number;
  coverage: number;
  seed: number;
}

export const COLOR_CASES: ColorCase[] = [
  { name: 'astronaut', file: 'astronaut.png', coverage: 0.05, seed: 3 },
  { name: 'chelsea', file: 'chelsea.png', coverage: 0.06, seed: 5 },
  { name: 'garden-1mp', file: 'Garden.jpg', megapixels: 1, coverage: 0.05, seed: 7 },
  { name: 'wood-1mp', file: 'Wood.jpg', megapixels: 1, coverage: 0.05, seed: 9 },
];

export async function loadColorCase(c: ColorCase): Promise<{ image: RgbImage; mask: Mask }> {
  let image = (await loadImage(path.join(FIXTURES, c.file))).image;
  if (c.megapixels) {
    const s = Math.sqrt((c.megapixels * 1e6) / (image.width * image.height));
    if (s < 1) image = resizeImage(image, Math.round(image.width * s), Math.round(image.height * s));
  }
  return { image, mask: blobMask(image.width, image.height, c.coverage, c.seed) };
}

/**
 * The truth with a simulated LaMa colour defect inside the hole (pixels outside are the truth's).
 * uniform: chroma × 0.55, L + 6, (a, b) + (2, −5). varying: over the hole's bounding box, chroma ×
 * (0.9 − 0.6 x) with x 0..1 left to right, hue rotated by 10° + 25° y with y 0..1 top to bottom, and L
 * pulled towards the hole's mean by 40% (contrast loss).
 */
export function simulateDefect(truth: RgbImage, mask: Mask, kind: DefectKind): RgbImage {
  const out = cloneImage(truth);
  const n = truth.width * truth.height;
  const lab = new Float64Array(3);
  const rgb = new Float64Array(3);
  const box = maskBoundingBox(mask)!;
  let meanL = 0;
  let count = 0;
  for (let i = 0; i < n; i++) {
    if (!mask.data[i]) continue;
    srgbToLab(truth.data[i], truth.data[n + i], truth.data[2 * n + i], lab, 0);
    meanL += lab[0];
    count++;
  }
  meanL /= Math.max(1, count);
  for (let i = 0; i < n; i++) {
    if (!mask.data[i]) continue;
    srgbToLab(truth.data[i], truth.data[n + i], truth.data[2 * n + i], lab, 0);
    let [L, a, b] = [lab[0], lab[1], lab[2]];
    if (kind === 'uniform') {
      L += 6;
      a = a * 0.55 + 2;
      b = b * 0.55 - 5;
    } else {
      const x = ((i % truth.width) - box.x) / Math.max(1, box.width - 1);
      const y = (Math.floor(i / truth.width) - box.y) / Math.max(1, box.height - 1);
      const sat = 0.9 - 0.6 * x;
      const hue = ((10 + 25 * y) * Math.PI) / 180;
      const ra = (a * Math.cos(hue) - b * Math.sin(hue)) * sat;
      const rb = (a * Math.sin(hue) + b * Math.cos(hue)) * sat;
      a = ra;
      b = rb;
      L = meanL + 0.6 * (L - meanL);
    }
    labToSrgb(L, a, b, rgb, 0);
    for (let c = 0; c < 3; c++) out.data[c * n + i] = Math.min(1, Math.max(0, rgb[c]));
  }
  return out;
}

/** Mean CIEDE2000 between each hole pixel on the hole's edge and its untouched 4-neighbours. */
export function meanEdgeJump(image: RgbImage, mask: Mask): number {
  const { width, height } = image;
  const n = width * height;
  const a = new Float64Array(3);
  const b = new Float64Array(3);
  let s = 0;
  let c = 0;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (!mask.data[i]) continue;
      for (const [dx, dy] of [
        [1, 0],
        [-1, 0],
        [0, 1],
        [0, -1],
      ]) {
        const xx = x + dx;
        const yy = y + dy;
        if (xx < 0 || yy < 0 || xx >= width || yy >= height) continue;
        const j = yy * width + xx;
        if (mask.data[j]) continue;
        srgbToLab(image.data[i], image.data[n + i], image.data[2 * n + i], a, 0);
        srgbToLab(image.data[j], image.data[n + j], image.data[2 * n + j], b, 0);
        s += Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
        c++;
      }
    }
  return c === 0 ? 0 : s / c;
}

/** A stage context for running the colour stage outside a pipeline (it uses no model). */
export function benchContext(seed = 1, onProgress: StageContext['progress'] = () => {}): StageContext {
  return {
    signal: new AbortController().signal,
    progress: onProgress,
    sessions: undefined as unknown as StageContext['sessions'],
    models: { resolve: async () => null },
    seed,
    log: () => {},
  };
}

/** Runs the colour stage with these parameters (the rest default). */
export async function runColor(
  image: RgbImage,
  mask: Mask,
  params: Record<string, unknown>,
  ctx: StageContext = benchContext(),
): Promise<{ image: RgbImage; info: Record<string, unknown>; ms: number }> {
  const t = performance.now();
  const out = await colorStage.run(
    { image, original: image, mask, artifacts: {} },
    resolveParams(COLOR_PARAMS, params),
    ctx,
  );
  return { image: out.image, info: out.info ?? {}, ms: performance.now() - t };
}

export interface Row {
  kind: 'accuracy' | 'speed';
  case: string;
  [key: string]: unknown;
}

/** The ring as it is and the transfer's result as it is (the stage before these three steps). */
const RAW = { ringWeighting: false, changeSmoothing: 0, seamWidth: 0 };

export const METHODS: { label: string; params: Record<string, unknown> }[] = [
  { label: 'reinhard', params: { method: 'reinhard' } },
  { label: 'reinhard raw ring', params: { method: 'reinhard', ...RAW } },
  { label: 'pitie', params: { method: 'pitie' } },
  { label: 'pitie raw ring', params: { method: 'pitie', ...RAW } },
  { label: 'rabin-peyre', params: {} },
  { label: 'rabin-peyre raw ring', params: RAW },
  { label: 'rabin-peyre unweighted ring', params: { ringWeighting: false } },
  { label: 'rabin-peyre no smoothing/seam', params: { changeSmoothing: 0, seamWidth: 0 } },
  { label: 'rabin-peyre λB=0', params: { lambdaB: 0 } },
  { label: 'rabin-peyre rgb', params: { colorSpace: 'rgb' } },
  { label: 'rabin-peyre one ring', params: { ringPerHole: false } },
  { label: 'reinhard one ring', params: { method: 'reinhard', ringPerHole: false } },
];

const r2 = (x: number) => Math.round(x * 100) / 100;

export async function accuracyRows(): Promise<Row[]> {
  const rows: Row[] = [];
  for (const c of COLOR_CASES) {
    const { image: truth, mask } = await loadColorCase(c);
    for (const defect of ['uniform', 'varying'] as const) {
      const input = simulateDefect(truth, mask, defect);
      const before = meanCiede2000(input, truth, mask);
      const jumpBefore = meanEdgeJump(input, mask);
      const jumpTruth = meanEdgeJump(truth, mask);
      for (const m of METHODS) {
        const r = await runColor(input, mask, m.params);
        rows.push({
          kind: 'accuracy',
          case: `${c.name} (${truth.width}x${truth.height})`,
          defect,
          method: m.label,
          holePixels: r.info.pixels,
          de00Before: r2(before),
          de00After: r2(meanCiede2000(r.image, truth, mask)),
          edgeJumpTruth: r2(jumpTruth),
          edgeJumpBefore: r2(jumpBefore),
          edgeJumpAfter: r2(meanEdgeJump(r.image, mask)),
          ms: Math.round(r.ms),
        });
        process.stderr.write(
          `${c.name} ${defect} ${m.label}: ${rows.at(-1)!.de00After} (${Math.round(r.ms)} ms)\n`,
        );
      }
    }
  }
  return rows;
}

/** The solver alone on the stage's problem (Lab, ring reference), for kernel configurations the stage picks itself. */
async function solverOnly(
  input: RgbImage,
  mask: Mask,
  iterations: number,
  choice: { threads?: number; kernels?: 'js' | 'wasm' },
): Promise<{ wallMs: number; cpuMs: number; timing: SolverTiming; result: SolverResult; pixels: number }> {
  const region = buildRegion(input, mask, 'lab');
  const ref = chooseReference(mask, null, undefined, 8);
  const v = referenceSamples(input, ref.pixels, 'lab', createRng(1));
  const problem = createProblem(region, v);
  const timing = emptyTiming();
  const t = performance.now();
  const cpu0 = process.cpuUsage();
  const result = await solveRabinPeyre(problem, {
    weights: { lambdaL: 0.01, lambdaLS: 0.005, lambdaR: 0, lambdaS: 1, lambdaB: 0.1 },
    directions: 10,
    iterations,
    step: 1,
    seed: 1,
    timing,
    ...choice,
  });
  const cpu = process.cpuUsage(cpu0);
  return {
    wallMs: performance.now() - t,
    cpuMs: (cpu.user + cpu.system) / 1000,
    timing,
    result,
    pixels: region.n,
  };
}

/** The speed case: 1 MP of hole pixels in Elephants (8.3 MP), the uniform defect. */
async function speedCase(): Promise<{ name: string; input: RgbImage; truth: RgbImage; mask: Mask }> {
  const c: ColorCase = { name: 'elephants', file: 'Elephants_3840x2160.jpg', coverage: 0.12, seed: 7 };
  const { image: truth, mask } = await loadColorCase(c);
  const input = simulateDefect(truth, mask, 'uniform');
  return { name: `${c.name} (${truth.width}x${truth.height})`, input, truth, mask };
}

/** One run of the whole stage, as the editor runs it (previews on), with the stage's own breakdown. */
async function stageSpeedRow(
  s: { name: string; input: RgbImage; truth: RgbImage; mask: Mask },
  params: Record<string, unknown>,
): Promise<Row> {
  let previews = 0;
  const ctx = benchContext(1, (u) => {
    if (u.preview) previews++;
  });
  const cpu0 = process.cpuUsage();
  const r = await runColor(s.input, s.mask, params, ctx);
  const cpu = process.cpuUsage(cpu0);
  const ms = r.info.ms as Record<string, number>;
  return {
    kind: 'speed',
    case: s.name,
    config: `stage (${r.info.kernels} x${r.info.threads})${params.lambdaR ? ` λR=${params.lambdaR}` : ''}`,
    holePixels: r.info.pixels,
    iterations: 200,
    wallMs: Math.round(r.ms),
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    setupMs: ms.setup,
    countMs: ms.count,
    tablesMs: ms.tables,
    updateMs: ms.update,
    tvMs: ms.tv,
    postMs: ms.post,
    previewMs: ms.previews,
    previews,
    writeMs: ms.write,
    de00Before: r2(meanCiede2000(s.input, s.truth, s.mask)),
    de00After: r2(meanCiede2000(r.image, s.truth, s.mask)),
  };
}

/**
 * Speed rows: the whole stage (λ_R = 0, the default, and with `lambdaR` when given), then, unless
 * stageOnly, the solver alone on one WebAssembly thread and on the TypeScript fallback.
 */
export async function speedRows(opts: { lambdaR?: number; stageOnly?: boolean } = {}): Promise<Row[]> {
  const s = await speedCase();
  const { name, input, mask } = s;
  const rows: Row[] = [];
  for (const params of opts.lambdaR ? [{}, { lambdaR: opts.lambdaR }] : [{}]) {
    rows.push(await stageSpeedRow(s, params));
    process.stderr.write(`speed ${rows.at(-1)!.config}: ${rows.at(-1)!.wallMs} ms\n`);
  }
  if (opts.stageOnly) return rows;
  // The solver alone: WebAssembly on one thread, and the TypeScript fallback (20 iterations, scaled).
  const configs: {
    label: string;
    iterations: number;
    choice: { threads?: number; kernels?: 'js' | 'wasm' };
  }[] = [
    { label: 'solver, wasm-simd x1', iterations: 200, choice: { threads: 1, kernels: 'wasm' } },
    { label: 'solver, typescript (20 it. x 10)', iterations: 20, choice: { kernels: 'js' } },
  ];
  for (const cfg of configs) {
    const r = await solverOnly(input, mask, cfg.iterations, cfg.choice);
    const f = 200 / cfg.iterations;
    rows.push({
      kind: 'speed',
      case: name,
      config: cfg.label,
      holePixels: r.pixels,
      iterations: 200,
      wallMs: Math.round(r.wallMs * f),
      cpuMs: Math.round(r.cpuMs * f),
      countMs: Math.round(r.timing.countMs * f),
      tablesMs: Math.round(r.timing.tableMs * f),
      updateMs: Math.round(r.timing.updateMs * f),
    });
    process.stderr.write(`speed ${cfg.label}: ${Math.round(r.wallMs)} ms\n`);
  }
  return rows;
}

const SPEED_COLS = [
  'wallMs',
  'cpuMs',
  'setupMs',
  'countMs',
  'tablesMs',
  'updateMs',
  'tvMs',
  'postMs',
  'previewMs',
  'writeMs',
];

/**
 * The whole stage `runs` times for each configuration (λ_R = 0 and, when lambdaR > 0, λ_R = lambdaR),
 * with the minimum and median of each timing and the load average before and after (other processes
 * share the CPU).
 */
export async function speedRepeat(runs: number, lambdaR: number): Promise<Row[]> {
  const s = await speedCase();
  const out: Row[] = [];
  for (const params of lambdaR > 0 ? [{}, { lambdaR }] : [{}]) {
    const load0 = loadavg()[0];
    const rows: Row[] = [];
    for (let i = 0; i < runs; i++) {
      rows.push(await stageSpeedRow(s, params));
      process.stderr.write(`  ${rows.at(-1)!.config} run ${i + 1}: ${rows.at(-1)!.wallMs} ms\n`);
    }
    const load1 = loadavg()[0];
    for (const stat of ['min', 'median'] as const) {
      const row: Row = { kind: 'speed', case: s.name, config: `${rows[0].config} ${stat} of ${runs}` };
      for (const col of SPEED_COLS) {
        const v = rows.map((r) => r[col] as number).sort((a, b) => a - b);
        row[col] = stat === 'min' ? v[0] : v[Math.floor((v.length - 1) / 2)];
      }
      row.load = `${load0.toFixed(2)} → ${load1.toFixed(2)}`;
      row.de00After = rows[0].de00After;
      out.push(row);
    }
  }
  return out;
}

export async function benchColor(): Promise<Row[]> {
  return [...(await accuracyRows()), ...(await speedRows({ lambdaR: 0.05 }))];
}

async function main() {
  const args = process.argv.slice(2);
  const at = args.indexOf('--speed');
  if (at >= 0) {
    // `--speed [runs] [λ_R]`: the whole stage repeated, λ_R = 0 and λ_R (0: skipped); min and median.
    const runs = Number(args[at + 1] ?? 5) || 5;
    const lambdaR = args[at + 2] !== undefined ? Number(args[at + 2]) : 0.05;
    const rows = await speedRepeat(runs, lambdaR);
    process.stdout.write(`\n## colour stage: 1 MP of hole pixels, 200 iterations, K = 10, ${runs} runs\n\n`);
    process.stdout.write(`${table(rows, ['config', ...SPEED_COLS, 'load', 'de00After'])}\n`);
    process.stdout.write(`\nnode ${process.version}, ${cpus()[0]?.model}, ${availableParallelism()} cores\n`);
    return;
  }
  const t0 = performance.now();
  const rows = await benchColor();
  const acc = rows.filter((r) => r.kind === 'accuracy');
  const speed = rows.filter((r) => r.kind === 'speed');
  process.stdout.write('\n## colour stage: mean CIEDE2000 to the truth over the hole\n\n');
  process.stdout.write(
    `${table(acc, ['case', 'defect', 'method', 'de00Before', 'de00After', 'edgeJumpTruth', 'edgeJumpBefore', 'edgeJumpAfter', 'ms'])}\n`,
  );
  process.stdout.write('\n## colour stage: 1 MP of hole pixels, 200 iterations, K = 10\n\n');
  process.stdout.write(
    `${table(speed, ['config', 'holePixels', 'wallMs', 'cpuMs', 'setupMs', 'countMs', 'tablesMs', 'updateMs', 'tvMs', 'postMs', 'previewMs', 'previews', 'writeMs', 'de00Before', 'de00After'])}\n`,
  );
  mkdirSync(RESULTS, { recursive: true });
  const file = path.join(RESULTS, 'color.json');
  const data = {
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model,
    cores: availableParallelism(),
    loadAverageAtEnd: loadavg(),
    totalMs: Math.round(performance.now() - t0),
    rows,
  };
  writeJsonSync(file, data);
  process.stdout.write(`\nwrote ${file}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) await main();
