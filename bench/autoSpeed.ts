/**
 * Auto-correct's cost (issue 13, item 7): `npm run bench -- auto-speed`, or `npx tsx bench/autoSpeed.ts
 * [image]`. On a photo of ../shared/fixtures/images (Garden.jpg by default) scaled to 1600 px on its long
 * side, with a 5% blob mask (bench/masks.ts, seed 7), through the engine's pipeline with an empty model
 * store (so the LaMa stage runs its embedded, download-free fill; the report names the engine it used):
 *   lama              the fill alone;
 *   lama+auto         the fill then auto-correct (the fill comes from the pipeline's cache: auto's own time
 *                     is the second figure; the sum is the target, ≤ 20 s on the 2-core machine);
 *   color, detail     the stages auto runs, each once over the whole image after the fill (the colour
 *                     stage with its defaults; the detail transfer with its defaults), for comparison:
 *                     auto runs them on each hole's crop, colour-then-detail only where colour helped.
 * Prints a table, writes bench/results/auto-speed.json.
 */
import { stageInfo, type AutoInfo, type LamaInfo } from '../app/common/stageInfo';
import { autoSummary } from '../app/contract/stageInfoText';
import { mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createEngineServices } from '../app/host/services';
import { transferDetail } from '../app/image/detailTransfer';
import { loadImage } from '../app/image/load';
import { resizeImage } from '../app/image/resize';
import { maskArea, type RgbImage } from '../app/image/types';
import { blobMask } from './masks';
import { table } from './table';
import { writeJsonSync } from './jsonFile';

const FIXTURES = path.resolve('../shared/fixtures/images');
export const TARGET_MS = 20000;

export interface AutoSpeedRow {
  step: string;
  /** Wall time. */
  ms: number;
  /** CPU time of this process (user + system) over the same span: the work, whatever else the machine runs. */
  cpuMs: number;
  note: string;
}

/** Runs `f`, returning its result with its wall and CPU milliseconds. */
async function timed<T>(f: () => Promise<T> | T): Promise<{ value: T; ms: number; cpuMs: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await f();
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { value, ms: Math.round(ms), cpuMs: Math.round((c.user + c.system) / 1000) };
}

export async function benchAutoSpeed(file = path.join(FIXTURES, 'Garden.jpg')): Promise<{
  image: string;
  size: string;
  holePercent: number;
  holes: number;
  engine: string;
  rows: AutoSpeedRow[];
  totalMs: number;
  totalCpuMs: number;
  pass: boolean;
}> {
  let image = (await loadImage(file)).image;
  const s = 1600 / Math.max(image.width, image.height);
  image = resizeImage(image, Math.round(image.width * s), Math.round(image.height * s));
  const mask = blobMask(image.width, image.height, 0.05, 7);
  const services = createEngineServices({ modelsDir: mkdtempSync(path.join(os.tmpdir(), 'bench-models-')) });
  const { pipeline } = services;
  try {
    const rows: AutoSpeedRow[] = [];
    const lama = await timed(() => pipeline.run({ image, mask, stages: [{ name: 'lama', params: {} }] }));
    const filled = lama.value;
    const lamaInfo: Partial<LamaInfo> = stageInfo(filled.stages, 'lama') ?? {};
    const engine = `${lamaInfo.engine ?? '?'}${lamaInfo.method ? ` ${lamaInfo.method}` : ''} fill`;
    rows.push({ step: 'lama', ms: lama.ms, cpuMs: lama.cpuMs, note: engine });

    const auto = await timed(() =>
      pipeline.run({
        image,
        mask,
        stages: [
          { name: 'lama', params: {} },
          { name: 'auto', params: {} },
        ],
      }),
    );
    const info: AutoInfo = stageInfo(auto.value.stages, 'auto') ?? {
      candidates: [],
      holes: [],
      ms: 0,
      candidateMs: {},
    };
    const per = info.candidateMs;
    rows.push({
      step: 'auto',
      ms: auto.ms,
      cpuMs: auto.cpuMs,
      note: `${autoSummary(info)}; wall ms per candidate: ${Object.entries(per)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
    });
    const fill: RgbImage = filled.image;
    const color = await timed(() =>
      pipeline.run({ image: fill, mask, stages: [{ name: 'color', params: {} }] }),
    );
    rows.push({ step: 'color (whole image)', ms: color.ms, cpuMs: color.cpuMs, note: 'for comparison' });
    const detail = await timed(() => transferDetail(fill, mask));
    rows.push({ step: 'detail (whole image)', ms: detail.ms, cpuMs: detail.cpuMs, note: 'for comparison' });
    const totalMs = lama.ms + auto.ms;
    const totalCpuMs = lama.cpuMs + auto.cpuMs;
    rows.push({
      step: 'lama + auto',
      ms: totalMs,
      cpuMs: totalCpuMs,
      note: `target ≤ ${TARGET_MS / 1000} s: wall ${totalMs <= TARGET_MS ? 'PASS' : 'FAIL'}, CPU ${totalCpuMs <= TARGET_MS ? 'PASS' : 'FAIL'}`,
    });
    return {
      image: path.basename(file),
      size: `${image.width}x${image.height}`,
      holePercent: Number(((100 * maskArea(mask)) / (image.width * image.height)).toFixed(2)),
      holes: info.holes.length,
      engine,
      rows,
      totalMs,
      totalCpuMs,
      pass: totalMs <= TARGET_MS,
    };
  } finally {
    await services.close();
  }
}

function writeResults(data: unknown): string {
  const file = path.resolve('bench/results/auto-speed.json');
  mkdirSync(path.dirname(file), { recursive: true });
  writeJsonSync(file, data);
  return file;
}

export async function autoSpeedMain(argv: readonly string[]): Promise<void> {
  const file = argv.find((a) => !a.startsWith('--'));
  const r = await benchAutoSpeed(file ? path.resolve(file) : undefined);
  process.stdout.write(
    `\n## auto-correct cost: ${r.image} at ${r.size}, ${r.holePercent}% blob mask (${r.holes} holes), LaMa = ${r.engine}\n\n`,
  );
  process.stdout.write(
    `${table(r.rows as unknown as Record<string, unknown>[], ['step', 'ms', 'cpuMs', 'note'])}\n`,
  );
  process.stdout.write(
    `\nwrote ${writeResults({ date: new Date().toISOString(), node: process.version, ...r })}\n`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href)
  await autoSpeedMain(process.argv.slice(2));
