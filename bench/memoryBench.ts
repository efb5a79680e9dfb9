/**
 * Memory at high resolution: a whole CLI run (`inpaint-studio run`, default stages, no model installed, so
 * the embedded fill) on a photo upscaled to 2, 8, 32 (and on request 100) megapixels with a 5% blob mask.
 * Each run is its own process under GNU time (`/usr/bin/time -v`): its peak resident set size and wall
 * time, and peak bytes per pixel. Inputs are written to a temporary folder, never to the repository.
 *
 *   npm run bench -- memory [--mp=2,8,32,100] [--image=path] [--keep] [--format=jpg|webp|tif|png]
 *     [--set=lama.fallback=patchmatch ...]
 *   tsx bench/memoryBench.ts [--mp=...]
 * --format is the output file's extension (default jpg): the export encoding is part of the peak.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadImage } from '../app/image/load';
import { saveMask } from '../app/image/mask';
import { resizeImage } from '../app/image/resize';
import { saveImage } from '../app/image/save';
import { maskArea } from '../app/image/types';
import { blobMask } from './masks';

export interface MemoryRow {
  megapixels: number;
  size: string;
  holePercent: number;
  peakRssMB: number;
  bytesPerPixel: number;
  wallS: number;
  exitCode: number;
}

const DEFAULT_IMAGE = path.resolve('../shared/fixtures/images/Elephants_3840x2160.jpg');

/** Writes `<dir>/img-<mp>.jpg` and `<dir>/mask-<mp>.png`: the photo resized to `mp` megapixels and a 5% blob mask. */
async function makeInputs(
  photo: string,
  mp: number,
  dir: string,
): Promise<{ image: string; mask: string; width: number; height: number; hole: number }> {
  const loaded = await loadImage(photo);
  const s = Math.sqrt((mp * 1e6) / (loaded.image.width * loaded.image.height));
  const width = Math.round(loaded.image.width * s);
  const height = Math.round(loaded.image.height * s);
  const image = resizeImage(loaded.image, width, height);
  const file = path.join(dir, `img-${mp}.jpg`);
  await saveImage(file, image, { quality: 92 });
  const maskFile = path.join(dir, `mask-${mp}.png`);
  const mask = blobMask(width, height, 0.05, 7);
  await saveMask(maskFile, mask);
  return { image: file, mask: maskFile, width, height, hole: maskArea(mask) };
}

/** Runs the CLI once under /usr/bin/time -v; peak RSS (MB), wall time (s) and exit code. */
function runCli(
  image: string,
  mask: string,
  out: string,
  models: string,
  sets: readonly string[],
): { rssKB: number; wallS: number; code: number } {
  const args = [
    '-v',
    process.execPath,
    '--import',
    'tsx',
    'app/cli/index.ts',
    '--models-dir',
    models,
    'run',
    '--image',
    image,
    '--mask',
    mask,
    '--out',
    out,
    ...sets.flatMap((v) => ['--set', v]),
  ];
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  const wallS = (performance.now() - t0) / 1000;
  const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr ?? '');
  if (r.status !== 0) process.stderr.write(r.stderr ?? '');
  return { rssKB: m ? Number(m[1]) : NaN, wallS, code: r.status ?? -1 };
}

export async function benchMemory(
  mps: number[],
  photo = DEFAULT_IMAGE,
  keep = false,
  sets: readonly string[] = [],
  format = 'jpg',
): Promise<MemoryRow[]> {
  if (!existsSync('/usr/bin/time')) throw new Error('GNU time (/usr/bin/time) is needed to read peak RSS');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-memory-'));
  const models = mkdtempSync(path.join(os.tmpdir(), 'bench-memory-models-'));
  const rows: MemoryRow[] = [];
  try {
    for (const mp of mps) {
      const { image, mask, width: w, height: h, hole } = await makeInputs(photo, mp, dir);
      const out = path.join(dir, `out-${mp}.${format}`);
      const r = runCli(image, mask, out, models, sets);
      const pixels = w * h;
      rows.push({
        megapixels: Number((pixels / 1e6).toFixed(1)),
        size: `${w}x${h}`,
        holePercent: Number(((100 * hole) / pixels).toFixed(1)),
        peakRssMB: Math.round(r.rssKB / 1024),
        bytesPerPixel: Number(((r.rssKB * 1024) / pixels).toFixed(1)),
        wallS: Number(r.wallS.toFixed(1)),
        exitCode: r.code,
      });
      process.stderr.write(`${JSON.stringify(rows.at(-1))}\n`);
      if (!keep) for (const f of [image, mask, out]) rmSync(f, { force: true });
    }
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
    rmSync(models, { recursive: true, force: true });
  }
  return rows;
}

/** `--mp=2,8,32` style flags. */
export function parseMemoryFlags(argv: readonly string[]): {
  mps: number[];
  image?: string;
  keep: boolean;
  sets: string[];
  format: string;
} {
  const get = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const mps = (get('mp') ?? '2,8,32').split(',').map(Number);
  const sets = argv.filter((a) => a.startsWith('--set=')).map((a) => a.slice('--set='.length));
  return { mps, image: get('image'), keep: argv.includes('--keep'), sets, format: get('format') ?? 'jpg' };
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve('bench/memoryBench.ts')) {
  const { mps, image, keep, sets, format } = parseMemoryFlags(process.argv.slice(2));
  const rows = await benchMemory(mps, image, keep, sets, format);
  const { table } = await import('./table');
  process.stdout.write(
    `${table(rows as unknown as Record<string, unknown>[], Object.keys(rows[0] ?? {}))}\n`,
  );
}
