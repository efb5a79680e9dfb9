/**
 * The embedded fills (push-pull, PatchMatch, auto = FSR + PatchMatch) side by side with OpenCV's
 * cv2.inpaint (Telea, radius 3, one thread; bench/opencv_inpaint.py under Debian's /usr/bin/python3) on
 * the fixture images with deterministic masks: a few blobs plus brush strokes covering ~5%, and one
 * irregular blob of ~10%.
 *   npx tsx bench/embeddedFillCompare.ts [case-name-substring ...]
 *   npx tsx bench/embeddedFillCompare.ts --photos [bench/embeddedFillPhotos.ts's arguments]
 * The second form is issue 17's comparison with OpenCV's FSR_FAST and SHIFTMAP on photos (S, D,
 * whole-process time, strips); see bench/embeddedFillPhotos.ts.
 * Prints a table and writes bench/results/embedded-fill.json. Per method: wall time of the fill call alone
 * (no decoding or file I/O), PSNR inside the hole against the original, and `detail`: the mean gradient
 * magnitude inside the hole relative to the original's (1 = as much detail as the truth; a smooth fill
 * is near 0). PSNR rewards blur, so read it together with `detail` and the gallery.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadImage } from '../app/image/load';
import { saveMask } from '../app/image/mask';
import { meanGradient as holeDetail, psnr } from '../app/image/metrics';
import { resizeImage } from '../app/image/resize';
import { saveImage } from '../app/image/save';
import { maskArea, type Mask, type RgbImage } from '../app/image/types';
import { embeddedFill } from '../app/stages/lama/embeddedFill';
import { patchMatchFill } from '../app/image/fill/patchMatch';
import { pushPullFill } from '../app/image/fill/pushPull';
import { blobMask } from './masks';
import { mulberry32 } from '../app/common/random';
import { table } from './table';
import { writeJsonSync } from './jsonFile';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const FIXTURES = path.resolve(HERE, '../../shared/fixtures/images');
const RESULTS = path.resolve(HERE, 'results');
const OPENCV_SCRIPT = path.resolve(HERE, 'opencv_inpaint.py');
/** Debian's interpreter, which has python3-opencv (the pyenv python3 on PATH does not). */
const SYSTEM_PYTHON = '/usr/bin/python3';

export type MaskKind = 'blobs+strokes 5%' | 'blob 10%';

export interface FillCase {
  name: string;
  file: string;
  mask: MaskKind;
  seed: number;
  /** Scale the image to about this many megapixels first (optional). */
  megapixels?: number;
}

export interface Row {
  case: string;
  size: string;
  mask: MaskKind;
  holePct: number;
  pushpullMs: number;
  pushpullPsnr: number;
  pushpullDetail: number;
  patchmatchMs: number;
  patchmatchPsnr: number;
  patchmatchDetail: number;
  autoMs: number;
  autoPsnr: number;
  autoDetail: number;
  teleaMs: number | null;
  teleaPsnr: number | null;
  teleaDetail: number | null;
}

export function defaultCases(): FillCase[] {
  const cases: FillCase[] = [];
  const images: [string, string][] = [
    ['astronaut', 'astronaut.png'],
    ['chelsea', 'chelsea.png'],
    ['brick', 'brick.png'],
    ['grass', 'grass.png'],
    ['garden', 'Garden.jpg'],
  ];
  images.forEach(([name, file], i) => {
    cases.push({ name: `${name}-5`, file, mask: 'blobs+strokes 5%', seed: 11 + i });
    cases.push({ name: `${name}-10`, file, mask: 'blob 10%', seed: 31 + i });
  });
  cases.push({ name: 'elephants-8mp-5', file: 'Elephants_3840x2160.jpg', mask: 'blobs+strokes 5%', seed: 7 });
  return cases;
}

/**
 * Adds smooth brush strokes (round brush, 1-2% of the short side wide, gently curving random walks) to
 * `mask` until `coverage` of the image is hole; away from the borders like blobMask.
 */
export function addStrokes(mask: Mask, coverage: number, seed: number): Mask {
  const { width: W, height: H } = mask;
  const rnd = mulberry32(seed);
  const target = Math.round(W * H * coverage);
  let area = maskArea(mask);
  const short = Math.min(W, H);
  for (let stroke = 0; stroke < 64 && area < target; stroke++) {
    const r = short * (0.006 + 0.006 * rnd());
    let x = W * (0.15 + 0.7 * rnd());
    let y = H * (0.15 + 0.7 * rnd());
    let angle = rnd() * 2 * Math.PI;
    const length = short * (0.15 + 0.25 * rnd());
    for (let s = 0; s < length && area < target; s += r * 0.5) {
      const x0 = Math.max(0, Math.floor(x - r));
      const x1 = Math.min(W - 1, Math.ceil(x + r));
      const y0 = Math.max(0, Math.floor(y - r));
      const y1 = Math.min(H - 1, Math.ceil(y + r));
      for (let py = y0; py <= y1; py++) {
        for (let px = x0; px <= x1; px++) {
          const i = py * W + px;
          if (!mask.data[i] && (px - x) ** 2 + (py - y) ** 2 <= r * r) {
            mask.data[i] = 1;
            area++;
          }
        }
      }
      angle += (rnd() - 0.5) * 0.5;
      x = Math.min(W * 0.92, Math.max(W * 0.08, x + Math.cos(angle) * r * 0.5));
      y = Math.min(H * 0.92, Math.max(H * 0.08, y + Math.sin(angle) * r * 0.5));
    }
  }
  return mask;
}

export function caseMask(width: number, height: number, kind: MaskKind, seed: number): Mask {
  if (kind === 'blob 10%') return blobMask(width, height, 0.1, seed, 1);
  return addStrokes(blobMask(width, height, 0.03, seed, 2), 0.05, seed + 1000);
}

export async function loadCase(c: FillCase): Promise<{ image: RgbImage; mask: Mask }> {
  let image = (await loadImage(path.join(FIXTURES, c.file))).image;
  if (c.megapixels) {
    const s = Math.sqrt((c.megapixels * 1e6) / (image.width * image.height));
    if (s < 1) image = resizeImage(image, Math.round(image.width * s), Math.round(image.height * s));
  }
  return { image, mask: caseMask(image.width, image.height, c.mask, c.seed) };
}

/** The image with its hole painted black, so no method can see what was there. */
export function blankHole(image: RgbImage, mask: Mask): RgbImage {
  const data = image.data.slice();
  const n = image.width * image.height;
  for (let i = 0; i < n; i++) if (mask.data[i]) data[i] = data[n + i] = data[2 * n + i] = 0;
  return { width: image.width, height: image.height, data };
}

/**
 * cv2.inpaint (Telea, radius 3) through bench/opencv_inpaint.py; null when OpenCV is not available.
 * @returns the result and the seconds of the cv2.inpaint call itself.
 */
export async function teleaInpaint(
  image: RgbImage,
  mask: Mask,
): Promise<{ image: RgbImage; seconds: number } | null> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'telea-'));
  try {
    const inPath = path.join(dir, 'in.png');
    const maskPath = path.join(dir, 'mask.png');
    const outPath = path.join(dir, 'out.png');
    await saveImage(inPath, blankHole(image, mask));
    await saveMask(maskPath, mask);
    let stdout: string;
    try {
      stdout = execFileSync(SYSTEM_PYTHON, [OPENCV_SCRIPT, inPath, maskPath, outPath, '3'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (e) {
      process.stderr.write(
        `cv2.inpaint unavailable (${e instanceof Error ? e.message.split('\n')[0] : String(e)})\n`,
      );
      return null;
    }
    const info = JSON.parse(stdout.trim().split('\n').at(-1)!) as { seconds: number };
    const out = (await loadImage(outPath)).image;
    // Outside the hole the 8-bit round trip changed the values a little; keep the original there.
    const n = image.width * image.height;
    const data = image.data.slice();
    for (let i = 0; i < n; i++)
      if (mask.data[i]) for (let c = 0; c < 3; c++) data[c * n + i] = out.data[c * n + i];
    return { image: { width: image.width, height: image.height, data }, seconds: info.seconds };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const round = (v: number, k: number) => Number(v.toFixed(k));

/** Runs the three fills on each case (the fills from the blanked image, so none sees the truth). */
export async function compareEmbeddedFills(
  cases: FillCase[],
  log: (s: string) => void = () => {},
): Promise<Row[]> {
  const rows: Row[] = [];
  // Untimed warm-up so the first case's figures are not the JIT's.
  {
    const w = 192;
    const warm = {
      width: w,
      height: w,
      data: new Float32Array(3 * w * w).map((_, i) => ((i * 7919) % 251) / 251),
    };
    const hole = caseMask(w, w, 'blob 10%', 1);
    pushPullFill(warm, hole);
    patchMatchFill(warm, hole);
  }
  for (const c of cases) {
    const { image, mask } = await loadCase(c);
    const input = blankHole(image, mask);
    const truthDetail = holeDetail(image, mask);
    const time = (f: () => RgbImage): [RgbImage, number] => {
      const t0 = performance.now();
      const out = f();
      return [out, performance.now() - t0];
    };
    const [pp, ppMs] = time(() => pushPullFill(input, mask));
    const [pm, pmMs] = time(() => patchMatchFill(input, mask, { seed: 1 }));
    const [auto, autoMs] = time(() => embeddedFill(input, mask, { method: 'auto', seed: 1 }));
    const telea = await teleaInpaint(image, mask);
    const row: Row = {
      case: c.name,
      size: `${image.width}x${image.height}`,
      mask: c.mask,
      holePct: round((100 * maskArea(mask)) / (image.width * image.height), 2),
      pushpullMs: Math.round(ppMs),
      pushpullPsnr: round(psnr(pp, image, mask), 2),
      pushpullDetail: round(holeDetail(pp, mask) / truthDetail, 2),
      patchmatchMs: Math.round(pmMs),
      patchmatchPsnr: round(psnr(pm, image, mask), 2),
      patchmatchDetail: round(holeDetail(pm, mask) / truthDetail, 2),
      autoMs: Math.round(autoMs),
      autoPsnr: round(psnr(auto, image, mask), 2),
      autoDetail: round(holeDetail(auto, mask) / truthDetail, 2),
      teleaMs: telea ? Math.round(telea.seconds * 1000) : null,
      teleaPsnr: telea ? round(psnr(telea.image, image, mask), 2) : null,
      teleaDetail: telea ? round(holeDetail(telea.image, mask) / truthDetail, 2) : null,
    };
    rows.push(row);
    log(
      `${c.name}: push-pull ${row.pushpullMs} ms, PatchMatch ${row.patchmatchMs} ms, auto ${row.autoMs} ms, Telea ${row.teleaMs} ms\n`,
    );
  }
  return rows;
}

function writeJson(rows: Row[]): string {
  mkdirSync(RESULTS, { recursive: true });
  const file = path.join(RESULTS, 'embedded-fill.json');
  const data = {
    date: new Date().toISOString(),
    node: process.version,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    notes:
      'Wall time of each fill call alone, one core. PSNR (dB, peak 1) and detail (mean luma gradient ' +
      'relative to the original) inside the hole. Telea: cv2.inpaint INPAINT_TELEA, radius 3, one thread.',
    rows,
  };
  writeJsonSync(file, data);
  return file;
}

if (
  process.argv[1] &&
  import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href &&
  process.argv[2] === '--photos'
) {
  // Not awaited at the top level: embeddedFillPhotos imports this module, which must finish first.
  void import('./embeddedFillPhotos').then((m) => m.photosMain(process.argv.slice(3)));
} else if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const only = process.argv.slice(2);
  const cases = defaultCases().filter((c) => only.length === 0 || only.some((o) => c.name.includes(o)));
  const rows = await compareEmbeddedFills(cases, (s) => process.stderr.write(s));
  process.stdout.write(`${table(rows)}\n`);
  if (only.length === 0) process.stdout.write(`\nwrote ${writeJson(rows)}\n`);
}
