/**
 * Microbenchmark of the image module's hot loops at 8 MP (the Elephants 3840x2160 fixture, a 5% blob mask):
 *   npx tsx bench/imageOps.ts [image] [runs]
 * Prints a table of the median (and min) wall time of each op over `runs` timed runs (default 5), after
 * one untimed warm-up run so the JIT has compiled the loops. `benchImageOps()` returns the same rows for
 * `npm run bench`.
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadImage } from '../app/image/load';
import { distanceTransform, featherWeights, growMask } from '../app/image/morphology';
import { resizeImage, resizeMask } from '../app/image/resize';
import { blobMask } from './masks';
import { table } from './table';

export interface Row {
  op: string;
  size: string;
  medianMs: number;
  minMs: number;
  runs: number;
}

/** The 8 MP fixture, found beside the checkout (../shared/fixtures/images). */
export const IMAGE_OPS_FIXTURE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../shared/fixtures/images/Elephants_3840x2160.jpg',
);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Times fn: one warm-up call, then `runs` timed calls; the result is kept alive so nothing is elided. */
function time(op: string, size: string, runs: number, fn: () => unknown): Row {
  let sink: unknown = fn();
  const ms: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    sink = fn();
    ms.push(performance.now() - t0);
  }
  if (sink === undefined) throw new Error(`${op} returned nothing`);
  const round = (v: number) => Math.round(v * 10) / 10;
  return { op, size, medianMs: round(median(ms)), minMs: round(Math.min(...ms)), runs };
}

/**
 * Runs every op on the 8 MP fixture (or `image`) with a 5% blob mask; `runs` timed runs each (>= 1).
 * @throws StudioError IMAGE_DECODE when the image cannot be loaded.
 */
export async function benchImageOps(image = IMAGE_OPS_FIXTURE, runs = 5): Promise<Row[]> {
  const { image: img } = await loadImage(image);
  const { width: w, height: h } = img;
  const s = 512 / Math.max(w, h);
  const sw = Math.max(1, Math.round(w * s));
  const sh = Math.max(1, Math.round(h * s));
  const small = resizeImage(img, sw, sh);
  const mask = blobMask(w, h, 0.05, 7);
  const big = `${w}x${h}`;
  return [
    time('resizeImage down', `${big} -> ${sw}x${sh}`, runs, () => resizeImage(img, sw, sh)),
    time('resizeImage up', `${sw}x${sh} -> ${big}`, runs, () => resizeImage(small, w, h)),
    time('resizeMask down', `${big} -> ${sw}x${sh}`, runs, () => resizeMask(mask, sw, sh)),
    time('distanceTransform', big, runs, () => distanceTransform(mask.data, w, h)),
    time('growMask(+4)', big, runs, () => growMask(mask, 4)),
    time('growMask(-4)', big, runs, () => growMask(mask, -4)),
    time('featherWeights(3)', big, runs, () => featherWeights(mask, 3)),
  ];
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const [image, runs] = process.argv.slice(2);
  const rows = await benchImageOps(image || IMAGE_OPS_FIXTURE, runs ? Number(runs) : 5);
  process.stdout.write(`${table(rows)}\n`);
}
