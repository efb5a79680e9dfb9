/**
 * The LaMa stage's sizing strategies at 8 MP, and the choice of the default context margin.
 *
 * 1. Cost (each case in its own process, so that its peak RSS is its own): the 8 MP fixture with 1, 10
 *    and 50 separate holes and with one hole covering 30%, filled by the generated LaMa-signature
 *    networks with sizing auto / resize / regions / multiscale: model calls, wall time of the stage
 *    (model warm), peak RSS, and PSNR inside the hole against the original.
 * 2. Context margin: PSNR inside the hole of the regions strategy against the original (the truth
 *    under the mask), for margin factors from 0.1 to 4, on the fixtures larger than the model.
 *
 * 3. Batching (lama.batchSize): the regions strategy on the 8 MP fixture with 10 and 50 separate
 *    holes, batching off (batchSize 1) and on (4, the default, and 16), for the generated models
 *    whose batch dimension is dynamic (generated-lama-fixed-rgb: every crop is a 512x512 input, so
 *    every crop can share a call; generated-migan: dynamic size, so only crops padded to the same size
 *    can): model calls, wall time of the stage (median of 3 runs, model warm), time inside
 *    session.run, peak RSS, and the largest difference from the sequential run's image.
 *
 *   tsx bench/regionsBench.ts                    runs cost and margin, writes bench/results/regions.json
 *   tsx bench/regionsBench.ts cost | margin [installed model ids...] | batch   one part (nothing written)
 *   tsx bench/regionsBench.ts --child <image> <holes> <sizing> <model> [batchSize [repeats]]
 *                                                one case (one JSON line)
 */
import { stageInfo, type LamaInfo } from '../app/common/stageInfo';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEngineServices } from '../app/host/services';
import { loadImage } from '../app/image/load';
import { psnr } from '../app/image/metrics';
import { createMask, maskArea, type Mask } from '../app/image/types';
import { blobMask } from './masks';
import { mulberry32 } from '../app/common/random';
import { table } from './table';
import { writeJsonSync } from './jsonFile';

export type Row = Record<string, string | number | null>;

const FIXTURES = path.resolve('../shared/fixtures/images');
const RESULTS = path.resolve('bench/results');
const ELEPHANTS = path.join(FIXTURES, 'Elephants_3840x2160.jpg');
const MODELS = ['generated-lama-fixed-rgb', 'generated-lama-dynamic-4ch'];

/**
 * `count` separate irregular holes (short random walks of discs of about `radius` px), one per cell of a
 * grid over the image, so that they stay apart (gaps of at least a cell minus 5 radii).
 */
export function separateHoles(width: number, height: number, count: number, radius: number, seed = 1): Mask {
  const mask = createMask(width, height);
  const rnd = mulberry32(seed);
  const cols = Math.ceil(Math.sqrt((count * width) / height));
  const rows = Math.ceil(count / cols);
  const cw = width / cols;
  const ch = height / rows;
  const cells = Array.from({ length: cols * rows }, (_, i) => i);
  for (let i = cells.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [cells[i], cells[j]] = [cells[j], cells[i]];
  }
  const disc = (cx: number, cy: number, r: number) => {
    for (let y = Math.max(0, Math.floor(cy - r)); y <= Math.min(height - 1, Math.ceil(cy + r)); y++)
      for (let x = Math.max(0, Math.floor(cx - r)); x <= Math.min(width - 1, Math.ceil(cx + r)); x++)
        if ((x - cx) ** 2 + (y - cy) ** 2 <= r * r) mask.data[y * width + x] = 1;
  };
  for (const cell of cells.slice(0, count)) {
    const pad = Math.min(cw, ch) / 2 - 2.5 * radius;
    let cx = ((cell % cols) + 0.5) * cw + (rnd() - 0.5) * 2 * Math.max(0, pad);
    let cy = (Math.floor(cell / cols) + 0.5) * ch + (rnd() - 0.5) * 2 * Math.max(0, pad);
    const steps = 3 + Math.floor(rnd() * 4);
    for (let s = 0; s < steps; s++) {
      disc(cx, cy, radius * (0.6 + 0.4 * rnd()));
      cx += (rnd() - 0.5) * radius;
      cy += (rnd() - 0.5) * radius;
    }
  }
  return mask;
}

/** The benchmark's hole cases on a width x height image. */
export function holeCase(name: string, width: number, height: number): Mask {
  const r = Math.round(Math.min(width, height) * 0.012);
  switch (name) {
    case '1':
    case '10':
    case '50':
      return separateHoles(width, height, Number(name), r, 7);
    case '30%':
      return blobMask(width, height, 0.3, 7, 1);
    default:
      throw new Error(`unknown hole case ${name}`);
  }
}

async function child(
  image: string,
  holes: string,
  sizing: string,
  model: string,
  batchSize?: number,
  repeats = 1,
): Promise<void> {
  const loaded = (await loadImage(image)).image;
  const mask = holeCase(holes, loaded.width, loaded.height);
  const services = createEngineServices({ modelsDir: mkdtempSync(path.join(os.tmpdir(), 'bench-models-')) });
  const request = (b: number | undefined) => ({
    image: loaded,
    mask,
    stages: [
      { name: 'lama', params: { engine: 'model', sizing, ...(b === undefined ? {} : { batchSize: b }) } },
    ],
    modelId: model,
  });
  const req = request(batchSize);
  // Warm-up (model build, session creation) is not part of the figure.
  await services.pipeline.run(req);
  const times: number[] = [];
  let r: Awaited<ReturnType<typeof services.pipeline.run>> | undefined;
  for (let k = 0; k < repeats; k++) {
    services.pipeline.cache.clear();
    const t0 = performance.now();
    r = await services.pipeline.run(req);
    times.push(performance.now() - t0);
  }
  const ms = times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
  const peakRssMB = Math.round(process.resourceUsage().maxRSS / 1024);
  const info: Partial<LamaInfo> = stageInfo(r!.stages, 'lama') ?? {};
  const row: Row = {
    holes,
    holePercent: Number(((100 * maskArea(mask)) / (loaded.width * loaded.height)).toFixed(2)),
    model,
    sizing,
    ...(batchSize === undefined
      ? {}
      : {
          batchSize,
          batches: typeof info.batches === 'number' ? info.batches : null,
          largestBatch: typeof info.largestBatch === 'number' ? info.largestBatch : null,
        }),
    ran: String(info.strategy),
    regions: typeof info.regions === 'number' ? info.regions : null,
    modelCalls: Number(info.modelCalls),
    ms: Math.round(ms),
    sessionRunMs: Math.round(Number(info.sessionRunMs)),
    peakRssMB,
    psnrHole: Number(psnr(r!.image, loaded, mask).toFixed(2)),
  };
  if (batchSize !== undefined && batchSize > 1) {
    // After the figures (this run raises the peak RSS): the sequential run's image, for the difference.
    services.pipeline.cache.clear();
    const seq = await services.pipeline.run(request(1));
    let worst = 0;
    for (let i = 0; i < seq.image.data.length; i++)
      worst = Math.max(worst, Math.abs(seq.image.data[i] - r!.image.data[i]));
    row.maxDiffVsSequential = worst;
  } else if (batchSize !== undefined) {
    row.maxDiffVsSequential = 0;
  }
  process.stdout.write(`${JSON.stringify(row)}\n`);
  await services.close();
}

function runChild(args: string[]): Row {
  const self = fileURLToPath(import.meta.url);
  const out = execFileSync(process.execPath, ['--import', 'tsx', self, '--child', ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 24,
  });
  return JSON.parse(out.trim().split('\n').at(-1)!) as Row;
}

/** The cost table: every hole case x sizing x model, each in its own process. */
export function benchCost(): Row[] {
  const rows: Row[] = [];
  for (const model of MODELS)
    for (const holes of ['1', '10', '50', '30%'])
      for (const sizing of ['auto', 'resize', 'regions', 'multiscale']) {
        const row = runChild([ELEPHANTS, holes, sizing, model]);
        process.stderr.write(`${model} ${holes} ${sizing}: ${row.ms} ms, ${row.modelCalls} calls\n`);
        rows.push(row);
      }
  return rows;
}

/** The generated models whose batch dimension is dynamic (the others run one region per call). */
const BATCH_MODELS = ['generated-lama-fixed-rgb', 'generated-migan'];
const BATCH_SIZES = [1, 4, 16];

/** Batching off (1) and on (4, 16) for the regions strategy, 10 and 50 holes, each case in its own process. */
export function benchBatching(): Row[] {
  const rows: Row[] = [];
  for (const model of BATCH_MODELS)
    for (const holes of ['10', '50'])
      for (const batchSize of BATCH_SIZES) {
        const row = runChild([ELEPHANTS, holes, 'regions', model, String(batchSize), '3']);
        process.stderr.write(
          `${model} ${holes} holes batchSize ${batchSize}: ${row.ms} ms, ${row.modelCalls} calls, ${row.peakRssMB} MB\n`,
        );
        rows.push(row);
      }
  return rows;
}

const MARGINS = [0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4];
const MARGIN_IMAGES = ['Garden.jpg', 'Wood.jpg', 'Elephants_3840x2160.jpg'];
/**
 * The generated networks are diffusion fills (they interpolate the hole's border), so the embedded
 * PatchMatch fill, which copies patches from the context, is measured too: context matters differently
 * to an exemplar-based fill.
 */
const MARGIN_ENGINES = [...MODELS, 'patchmatch'];

/** PSNR inside the hole against the truth, per image and margin factor (regions), with resize for reference. */
export async function benchMargins(extraModels: readonly string[] = []): Promise<Row[]> {
  // Extra (installed) models come from the default store; otherwise an empty one.
  const services = createEngineServices(
    extraModels.length ? {} : { modelsDir: mkdtempSync(path.join(os.tmpdir(), 'bench-models-')) },
  );
  const engines = [...MARGIN_ENGINES, ...extraModels];
  const rows: Row[] = [];
  for (const file of MARGIN_IMAGES) {
    const image = (await loadImage(path.join(FIXTURES, file))).image;
    const r = Math.round(Math.min(image.width, image.height) * 0.02);
    for (const seed of [3, 5]) {
      const mask = separateHoles(image.width, image.height, 8, r, seed);
      for (const model of engines) {
        const embedded = model === 'patchmatch' || model === 'pushpull';
        const run = async (params: Record<string, unknown>) => {
          const out = await services.pipeline.run({
            image,
            mask,
            stages: [
              {
                name: 'lama',
                params: embedded
                  ? { engine: 'embedded', fallback: model, ...params }
                  : { engine: 'model', ...params },
              },
            ],
            modelId: embedded ? undefined : model,
          });
          return Number(psnr(out.image, image, mask).toFixed(2));
        };
        // The whole image in one pass, for reference (resize for a model; full size for the embedded fill).
        const row: Row = { image: file, seed, model, resize: await run({ sizing: 'resize' }) };
        for (const m of MARGINS) row[`m${m}`] = await run({ sizing: 'regions', contextMargin: m });
        process.stderr.write(`margin ${file} seed ${seed} ${model}: ${JSON.stringify(row)}\n`);
        rows.push(row);
      }
    }
  }
  // Mean over images and seeds, per model.
  for (const model of engines) {
    const mine = rows.filter((r) => r.model === model);
    const mean: Row = { image: 'mean', seed: null, model };
    for (const k of ['resize', ...MARGINS.map((m) => `m${m}`)])
      mean[k] = Number((mine.reduce((s, r) => s + Number(r[k]), 0) / mine.length).toFixed(2));
    rows.push(mean);
  }
  await services.close();
  return rows;
}

function writeResults(data: unknown): string {
  mkdirSync(RESULTS, { recursive: true });
  const file = path.join(RESULTS, 'regions.json');
  writeJsonSync(file, data);
  return file;
}

/** Runs both parts, writes bench/results/regions.json, returns the cost rows then the margin rows. */
export async function benchRegions(): Promise<Row[]> {
  const cost = benchCost();
  const batch = benchBatching();
  const margin = await benchMargins();
  writeResults({ date: new Date().toISOString(), node: process.version, cost, batch, margin });
  return [
    ...cost.map((r) => ({ kind: 'cost', ...r })),
    ...batch.map((r) => ({ kind: 'batch', ...r })),
    ...margin.map((r) => ({ kind: 'margin', ...r })),
  ];
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  if (args[0] === '--child') {
    await child(
      args[1],
      args[2],
      args[3],
      args[4],
      args[5] === undefined ? undefined : Number(args[5]),
      args[6] === undefined ? 1 : Number(args[6]),
    );
  } else if (args[0] === 'batch') {
    process.stdout.write(`\n## regions in batches on the 8 MP fixture\n\n${table(benchBatching())}\n`);
  } else {
    const only = args[0];
    const cost = only === 'margin' ? [] : benchCost();
    const batch = only ? [] : benchBatching();
    const margin = only === 'cost' ? [] : await benchMargins(args.slice(1));
    if (cost.length) process.stdout.write(`\n## sizing strategies on the 8 MP fixture\n\n${table(cost)}\n`);
    if (batch.length)
      process.stdout.write(`\n## regions in batches on the 8 MP fixture\n\n${table(batch)}\n`);
    if (margin.length)
      process.stdout.write(`\n## context margin: PSNR (dB) inside the hole\n\n${table(margin)}\n`);
    if (!only)
      process.stdout.write(
        `\nwrote ${writeResults({ date: new Date().toISOString(), node: process.version, cost, batch, margin })}\n`,
      );
  }
}
