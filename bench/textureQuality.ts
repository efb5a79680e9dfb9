/**
 * How the texture stage's design choices change its fills, measured (issue 7: "show by measurement
 * which design wins"). Each case: a fixture with a square hole, filled first by an embedded LaMa-stage
 * fill (smooth push-pull, or PatchMatch), then by the texture stage with a variant of its parameters.
 * Per fill, inside the hole, against the original:
 * - detail: mean luma gradient / the truth's (1 = as much detail as the truth; aim 0.6–1.6);
 * - spectrum: RMS distance of the hole window's log power spectrum to the truth's (lower = closer);
 * - drift: RMS change of the 8 px-blurred luma against the base fill (how far the coarse picture moved);
 * - placement: correlation, inside the hole, of the fill's detail band (luma minus its 8 px blur) with the
 *   truth's: ~0 when detail is right in kind but not in place, up to 1 when lines and edges sit where the
 *   truth has them. Meaningful with the `blurred` base (the truth blurred inside the hole, σ 3 px, a
 *   stand-in for a LaMa fill that has the structure but not the detail): does the stage put the detail
 *   where the start's picture says?
 * - seconds of the texture stage.
 *
 *   npx tsx bench/textureQuality.ts [case,…] [variant,…]
 *   npx tsx bench/textureQuality.ts scale      (working scale and time on the 8 MP fixture)
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadImage } from '../app/image/load';
import { meanGradient } from '../app/image/metrics';
import { createMask, type Mask, type RgbImage } from '../app/image/types';
import { createSessionPool } from '../app/ort/sessions';
import { Pipeline } from '../app/pipeline/run';
import { lamaStage } from '../app/stages/lama/stage';
import { gaussianBlur, luma } from '../app/stages/texture/band';
import { logPowerSpectrum, spectrumDistance } from '../app/testing/spectrum';
import { textureStage } from '../app/stages/texture/stage';
import { cropImage } from '../app/image/crop';
import { saveStrip, type StripPanel } from './strip';
import { FIXTURES } from './gallery/lama';
import { blurredHole, SIDE, squareHole, TEXTURE_CASES } from './gallery/texture';

export const QUALITY_CASES = ['brick', 'grass', 'gravel'];
/** Starts: the embedded LaMa-stage fills (smooth push-pull; PatchMatch) and the blurred truth. */
const BASES = (process.env.TEXTURE_BASES ?? 'pushpull,patchmatch,blurred').split(',');

export const VARIANTS: Record<string, Record<string, unknown>> = {
  default: {},
  'structure-off': { structure: 'off' },
  'structure-0': { structureScale: 0 },
  'structure-4': { structureScale: 4 },
  'structure-16': { structureScale: 16 },
  'structure-32': { structureScale: 32 },
  'patch-7': { patchSize: 7 },
  'patch-11': { patchSize: 11 },
  'patch-13': { patchSize: 13 },
  'structure-on': { structure: 'on' },
  'structure-on-8': { structure: 'on', structureScale: 8 },
  'structure-only': { iterations: 0 },
  'no-detail-match': { matchDetail: false },
  'full-band': { keepScale: 0 },
  'keep-8': { keepScale: 8 },
  'one-level': { levels: 1 },
  spectrum: { spectrumWeight: 1 },
  'spectrum-off': { spectrumWeight: 1, structure: 'off' },
  'spectrum-10-off': { spectrumWeight: 10, structure: 'off' },
  noise: { init: 'noise', keepScale: 0 },
  'noise-spectrum': { init: 'noise', spectrumWeight: 1 },
  'noise-spectrum-10': { init: 'noise', spectrumWeight: 10 },
  adam: { optimizer: 'adam', iterations: 120 },
  'border-0': { borderWeight: 0 },
  'border-100': { borderWeight: 100 },
  'border-1000': { borderWeight: 1000 },
  'iter-20': { iterations: 20 },
  rgb: { channels: 'rgb' },
};

/** Pearson correlation of the detail bands (luma − 8 px blur) of a and b over the mask. */
function placement(a: RgbImage, b: RgbImage, mask: Mask): number {
  const n = a.width * a.height;
  const band = (img: RgbImage) => {
    const l = luma(img.data, n);
    const low = gaussianBlur(l, img.width, img.height, 1, 8);
    for (let i = 0; i < n; i++) l[i] -= low[i];
    return l;
  };
  const x = band(a),
    y = band(b);
  let sx = 0,
    sy = 0,
    sxx = 0,
    syy = 0,
    sxy = 0,
    k = 0;
  for (let i = 0; i < n; i++)
    if (mask.data[i]) {
      sx += x[i];
      sy += y[i];
      sxx += x[i] * x[i];
      syy += y[i] * y[i];
      sxy += x[i] * y[i];
      k++;
    }
  const cov = sxy / k - (sx / k) * (sy / k);
  const vx = sxx / k - (sx / k) ** 2,
    vy = syy / k - (sy / k) ** 2;
  return vx > 0 && vy > 0 ? cov / Math.sqrt(vx * vy) : 0;
}

function drift(a: RgbImage, b: RgbImage, mask: Mask): number {
  const n = a.width * a.height;
  const d = luma(a.data, n);
  const lb = luma(b.data, n);
  for (let i = 0; i < n; i++) d[i] -= lb[i];
  const low = gaussianBlur(d, a.width, a.height, 1, 8);
  let s = 0,
    k = 0;
  for (let i = 0; i < n; i++)
    if (mask.data[i]) {
      s += low[i] * low[i];
      k++;
    }
  return Math.sqrt(s / k);
}

export interface QualityRow {
  case: string;
  base: string;
  variant: string;
  detail: number;
  spectrum: number;
  drift: number;
  placement: number;
  seconds: number;
}

export async function textureQuality(
  cases = QUALITY_CASES,
  variants = Object.keys(VARIANTS),
): Promise<QualityRow[]> {
  const sessions = createSessionPool({ providers: ['cpu'] });
  const pipeline = new Pipeline({
    stages: [lamaStage, textureStage],
    sessions,
    models: { resolve: async () => null },
  });
  const rows: QualityRow[] = [];
  const r2 = (v: number) => Math.round(v * 100) / 100;
  for (const name of cases) {
    const c = TEXTURE_CASES.find((t) => t.name === name);
    if (!c)
      throw new Error(`unknown case ${name}; choose from ${TEXTURE_CASES.map((t) => t.name).join(', ')}`);
    const box = { x: c.at.x, y: c.at.y, width: SIDE, height: SIDE };
    const image = (await loadImage(path.join(FIXTURES, c.file))).image;
    const mask = squareHole(image.width, image.height, c.at);
    const truthDetail = meanGradient(image, mask);
    const truthSpectrum = logPowerSpectrum(image, box);
    for (const fallback of BASES) {
      const lama = { name: 'lama', params: { engine: 'embedded', fallback, feather: 0 } };
      const blurred = fallback === 'blurred' ? blurredHole(image, mask, 3) : null;
      const input = blurred ?? image;
      const before = blurred ? [] : [lama];
      const base = blurred ?? (await pipeline.run({ image, mask, stages: [lama] })).image;
      const row = (variant: string, img: RgbImage, seconds: number): QualityRow => ({
        case: name,
        base: fallback,
        variant,
        detail: r2(meanGradient(img, mask) / truthDetail),
        spectrum: r2(spectrumDistance(logPowerSpectrum(img, box), truthSpectrum)),
        drift: Math.round(drift(img, base, mask) * 1000) / 1000,
        placement: r2(placement(img, image, mask)),
        seconds: r2(seconds),
      });
      rows.push(row('(base fill)', base, 0));
      const view = { x: c.at.x - 80, y: c.at.y - 80, width: 272, height: 272 };
      const panels: StripPanel[] = [{ label: fallback, image: cropImage(base, view) }];
      for (const v of variants) {
        const t = performance.now();
        const out = await pipeline.run({
          image: input,
          mask,
          stages: [...before, { name: 'texture', params: VARIANTS[v] }],
        });
        rows.push(row(v, out.image, (performance.now() - t) / 1000));
        const last = rows[rows.length - 1];
        process.stderr.write(`${JSON.stringify(last)}\n`);
        panels.push({ label: `${v} (d ${last.detail})`, image: cropImage(out.image, view) });
      }
      panels.push({ label: 'truth', image: cropImage(image, view) });
      if (process.env.TEXTURE_STRIPS)
        await saveStrip(
          path.join(process.env.TEXTURE_STRIPS, `${name}-${fallback}.png`),
          panels,
          view.height,
        );
    }
  }
  await sessions.releaseAll();
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href && process.argv[2] === 'scale') {
  process.stdout.write(`${(await scaleRows()).join('\n')}\n`);
} else if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const cases = process.argv[2] ? process.argv[2].split(',') : undefined;
  const variants = process.argv[3] ? process.argv[3].split(',') : undefined;
  const rows = await textureQuality(cases, variants);
  process.stdout.write(
    '| case | base | variant | detail | spectrum | drift | placement | s |\n|---|---|---|---|---|---|---|---|\n',
  );
  for (const r of rows)
    process.stdout.write(
      `| ${r.case} | ${r.base} | ${r.variant} | ${r.detail} | ${r.spectrum} | ${r.drift} | ${r.placement} | ${r.seconds} |\n`,
    );
}

/**
 * Working at a reduced scale: the texture stage on the 8 MP fixture with square holes of growing size
 * (over the push-pull fill). The crop (hole + context) is scaled down to `maxSide` when larger; reports
 * the working scale the stage chose and its time.
 */
export async function scaleRows(sides = [112, 384, 1024]): Promise<string[]> {
  const sessions = createSessionPool({ providers: ['cpu'] });
  const pipeline = new Pipeline({
    stages: [lamaStage, textureStage],
    sessions,
    models: { resolve: async () => null },
  });
  const image = (await loadImage(path.join(FIXTURES, 'Elephants_3840x2160.jpg'))).image;
  const rows = ['| hole (px) | crop | working size | scale | iterations | s |', '|---|---|---|---|---|---|'];
  for (const side of sides) {
    const at = { x: 1800 - (side >> 1), y: 1000 - (side >> 1) };
    const mask = createMask(image.width, image.height);
    for (let y = at.y; y < at.y + side; y++)
      for (let x = at.x; x < at.x + side; x++) mask.data[y * image.width + x] = 1;
    const lama = { name: 'lama', params: { engine: 'embedded', fallback: 'pushpull', feather: 0 } };
    await pipeline.run({ image, mask, stages: [lama] });
    const t = performance.now();
    const out = await pipeline.run({ image, mask, stages: [lama, { name: 'texture' }] });
    const s = (performance.now() - t) / 1000;
    const info = out.stages.find((x) => x.stage === 'texture')!.info as {
      crop: { width: number; height: number };
      workingSize: string;
      scale: number;
      iterations: number;
    };
    rows.push(
      `| ${side} | ${info.crop.width}x${info.crop.height} | ${info.workingSize} | ${info.scale} | ${info.iterations} | ${s.toFixed(1)} |`,
    );
    process.stderr.write(`${rows[rows.length - 1]}\n`);
  }
  await sessions.releaseAll();
  return rows;
}
