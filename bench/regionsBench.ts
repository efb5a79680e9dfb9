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
 *   tsx bench/regionsBench.ts                    runs both, writes bench/results/regions.json
 *   tsx bench/regionsBench.ts cost | margin [installed model ids...]   one part (nothing written)
 *   tsx bench/regionsBench.ts --child <image> <holes> <sizing> <model>   one cost case (one JSON line)
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEngineServices } from '../app/host/services';
import { loadImage } from '../app/image/load';
import { psnr } from '../app/image/metrics';
import { createMask, maskArea, type Mask } from '../app/image/types';
import { blobMask } from './masks';
import { mulberry32 } from '../app/common/random';

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

async function child(image: string, holes: string, sizing: string, model: string): Promise<void> {
  const loaded = (await loadImage(image)).image;
  const mask = holeCase(holes, loaded.width, loaded.height);
  const services = createEngineServices({ modelsDir: mkdtempSync(path.join(os.tmpdir(), 'bench-models-')) });
  const req = {
    image: loaded,
    mask,
    stages: [{ name: 'lama', params: { engine: 'model', sizing } }],
    modelId: model,
  };
  // Warm-up (model build, session creation) is not part of the figure.
  await services.pipeline.run(req);
  services.pipeline.cache.clear();
  const t0 = performance.now();
  const r = await services.pipeline.run(req);
  const ms = performance.now() - t0;
  const peakRssMB = Math.round(process.resourceUsage().maxRSS / 1024);
  const info = r.stages[0].info ?? {};
  const row: Row = {
    holes,
    holePercent: Number(((100 * maskArea(mask)) / (loaded.width * loaded.height)).toFixed(2)),
    model,
    sizing,
    ran: String(info.strategy),
    regions: typeof info.regions === 'number' ? info.regions : null,
    modelCalls: Number(info.modelCalls),
    ms: Math.round(ms),
    sessionRunMs: Math.round(Number(info.sessionRunMs)),
    peakRssMB,
    psnrHole: Number(psnr(r.image, loaded, mask).toFixed(2)),
  };
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
  writeFileSync(`${file}.tmp`, `${JSON.stringify(data, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
  return file;
}

/** Runs both parts, writes bench/results/regions.json, returns the cost rows then the margin rows. */
export async function benchRegions(): Promise<Row[]> {
  const cost = benchCost();
  const margin = await benchMargins();
  writeResults({ date: new Date().toISOString(), node: process.version, cost, margin });
  return [...cost.map((r) => ({ kind: 'cost', ...r })), ...margin.map((r) => ({ kind: 'margin', ...r }))];
}

function table(rows: Row[]): string {
  const cols = Object.keys(rows[0] ?? {});
  const w = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c] ?? '').length)));
  const line = (vals: string[]) => `| ${vals.map((v, i) => v.padEnd(w[i])).join(' | ')} |`;
  return [
    line(cols),
    line(w.map((n) => '-'.repeat(n))),
    ...rows.map((r) => line(cols.map((c) => String(r[c] ?? '')))),
  ].join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  if (args[0] === '--child') {
    await child(args[1], args[2], args[3], args[4]);
  } else {
    const only = args[0];
    const cost = only === 'margin' ? [] : benchCost();
    const margin = only === 'cost' ? [] : await benchMargins(args.slice(1));
    if (cost.length) process.stdout.write(`\n## sizing strategies on the 8 MP fixture\n\n${table(cost)}\n`);
    if (margin.length)
      process.stdout.write(`\n## context margin: PSNR (dB) inside the hole\n\n${table(margin)}\n`);
    if (!only)
      process.stdout.write(
        `\nwrote ${writeResults({ date: new Date().toISOString(), node: process.version, cost, margin })}\n`,
      );
  }
}
