/**
 * Gallery strips of the block-matching stage. Per case:
 * - docs/gallery/blockmatch-<case>.png: the input with its hole (magenta); the LaMa stage's result (the
 *   generated LaMa-signature network: a smooth development stand-in, not LaMa, which is what the
 *   blocks are matched against); the block-matched result pasted hard, feathered, and Poisson-blended
 *   (stage defaults otherwise); with the ssim similarity (correlation and contrast); the report's method (raw correlation, no histogram test, hard paste);
 *   a strict histogram threshold (0.5); the stage after the embedded PatchMatch fill (what the LaMa stage
 *   runs without a downloaded model) instead; the original as truth. Large images get a 100% crop around the hole as well (-crop).
 * - docs/gallery/blockmatch-<case>-matches.png: the correspondences (each mask block outlined in a
 *   colour from red, score <= 0, to green, score 1, a line to its source, outlined in white; magenta
 *   crosses for rejected blocks) with the automatic exemplar (thick cyan) and colour reference (thick
 *   blue), then the correlation heatmap of one block (the report's Figure 17) with normalised and with
 *   raw correlation (bright = similar; grey = not allowed; the block in cyan, the best position in green).
 *   npx tsx bench/gallery/blockmatch.ts  (GALLERY_DIR=/some/dir writes the strips there instead)
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Rect } from '../../app/common/params';
import { resolveParams } from '../../app/common/params';
import { createEngineServices } from '../../app/host/services';
import { cropImage, cropMask } from '../../app/image/crop';
import { loadImage } from '../../app/image/load';
import { resizeImage } from '../../app/image/resize';
import { saveStrip, type StripPanel } from '../strip';
import type { Mask, RgbImage } from '../../app/image/types';
import { Pipeline } from '../../app/pipeline/run';
import { BLOCKMATCH_PARAMS } from '../../app/stages/blockmatch/params';
import {
  blockmatchStage,
  correlationHeatmap,
  heatmapImage,
  matchBlocks,
  matchOptionsOf,
  renderCorrespondence,
  type Heatmap,
} from '../../app/stages/blockmatch/stage';
import { lamaStage } from '../../app/stages/lama/stage';
import { blobMask } from '../masks';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const FIXTURES = path.resolve(HERE, '../../../shared/fixtures/images');
const GALLERY = process.env.GALLERY_DIR ?? path.resolve(HERE, '../../docs/gallery');

interface Case {
  name: string;
  file: string;
  megapixels?: number;
  coverage: number;
  seed: number;
}

const CASES: Case[] = [
  { name: 'elephants-8mp', file: 'Elephants_3840x2160.jpg', coverage: 0.05, seed: 7 },
  { name: 'garden-1mp', file: 'Garden.jpg', megapixels: 1, coverage: 0.05, seed: 7 },
  { name: 'brick', file: 'brick.png', coverage: 0.08, seed: 11 },
  { name: 'grass', file: 'grass.png', coverage: 0.06, seed: 5 },
];

async function loadCase(c: Case): Promise<{ image: RgbImage; mask: Mask }> {
  let image = (await loadImage(path.join(FIXTURES, c.file))).image;
  if (c.megapixels) {
    const s = Math.sqrt((c.megapixels * 1e6) / (image.width * image.height));
    if (s < 1) image = resizeImage(image, Math.round(image.width * s), Math.round(image.height * s));
  }
  return { image, mask: blobMask(image.width, image.height, c.coverage, c.seed) };
}

/** Paints a rectangle outline (`thick` px) in place. */
function outline(img: RgbImage, r: Rect, colour: readonly number[], thick = 2): void {
  const { width: W, height: H, data } = img;
  const n = W * H;
  const set = (x: number, y: number) => {
    if (x < 0 || y < 0 || x >= W || y >= H) return;
    for (let c = 0; c < 3; c++) data[c * n + y * W + x] = colour[c];
  };
  for (let t = 0; t < thick; t++) {
    for (let x = r.x; x < r.x + r.width; x++) {
      set(x, r.y + t);
      set(x, r.y + r.height - 1 - t);
    }
    for (let y = r.y; y < r.y + r.height; y++) {
      set(r.x + t, y);
      set(r.x + r.width - 1 - t, y);
    }
  }
}

/** The heatmap picture with the block (cyan) and the best position (green) marked. */
function heatmapPanel(h: Heatmap, block: Rect): RgbImage {
  const pic = heatmapImage(h);
  const side = Math.max(3, Math.round(block.width / h.factor));
  const at = (x: number, y: number): Rect => ({
    x: Math.round(x / h.factor),
    y: Math.round(y / h.factor),
    width: side,
    height: side,
  });
  outline(pic, at(block.x, block.y), [0.2, 0.9, 1]);
  if (h.best) outline(pic, at(h.best.x, h.best.y), [0.2, 1, 0.2]);
  return pic;
}

/** A 100% crop (up to 768 x 576) centred on the hole pixels near the first one. */
function cropAroundHole(mask: Mask): Rect {
  const { width: W, height: H } = mask;
  const first = mask.data.indexOf(1);
  const fx = first % W;
  const fy = Math.floor(first / W);
  let sx = 0;
  let sy = 0;
  let k = 0;
  for (let y = Math.max(0, fy - 50); y < Math.min(H, fy + 500); y++)
    for (let x = Math.max(0, fx - 400); x < Math.min(W, fx + 400); x++)
      if (mask.data[y * W + x]) {
        sx += x;
        sy += y;
        k++;
      }
  const w = Math.min(W, 768);
  const h = Math.min(H, 576);
  const cx = Math.round(sx / k);
  const cy = Math.round(sy / k);
  return {
    x: Math.max(0, Math.min(W - w, cx - (w >> 1))),
    y: Math.max(0, Math.min(H - h, cy - (h >> 1))),
    width: w,
    height: h,
  };
}

/** Writes the strips of every case (or of those whose name contains one of `only`); returns the files. */
export async function blockmatchGallery(only: string[] = []): Promise<string[]> {
  mkdirSync(GALLERY, { recursive: true });
  const services = createEngineServices({
    modelsDir: mkdtempSync(path.join(os.tmpdir(), 'bm-gallery-models-')),
  });
  const pipeline = new Pipeline({
    stages: [lamaStage, blockmatchStage],
    sessions: services.sessions,
    models: services.resolver,
  });
  const written: string[] = [];
  try {
    for (const c of CASES.filter((k) => only.length === 0 || only.some((s) => k.name.includes(s)))) {
      const { image, mask } = await loadCase(c);
      const run = async (params: Record<string, unknown>) =>
        pipeline.run({
          image,
          mask,
          stages: [
            { name: 'lama', params: { engine: 'model' } },
            { name: 'blockmatch', params },
          ],
          modelId: 'generated-lama-fixed-rgb',
        });
      const lama = (
        await pipeline.run({
          image,
          mask,
          stages: [{ name: 'lama', params: { engine: 'model' } }],
          modelId: 'generated-lama-fixed-rgb',
        })
      ).image;
      const feather = await run({});
      const results: [string, RgbImage][] = [
        ['LaMa stage (generated stand-in)', lama],
        ['blockmatch: hard paste', (await run({ blend: 'none' })).image],
        ['blockmatch: feathered seams', feather.image],
        ['blockmatch: Poisson seams', (await run({ blend: 'poisson' })).image],
        ['similarity ssim (contrast too)', (await run({ similarity: 'ssim' })).image],
        [
          'report: raw corr., no histogram',
          (await run({ blend: 'none', similarity: 'raw', histogramThreshold: 1, distancePenalty: 0 })).image,
        ],
        ['histogram threshold 0.5', (await run({ histogramThreshold: 0.5 })).image],
        [
          'after embedded PatchMatch fill',
          (
            await pipeline.run({
              image,
              mask,
              stages: [
                { name: 'lama', params: { engine: 'embedded', fallback: 'patchmatch' } },
                { name: 'blockmatch', params: {} },
              ],
            })
          ).image,
        ],
      ];
      const big = image.width * image.height > 1.5e6;
      const views: { suffix: string; crop?: Rect }[] = [{ suffix: '' }];
      if (big) views.push({ suffix: '-crop', crop: cropAroundHole(mask) });
      for (const v of views) {
        const cut = (img: RgbImage) => (v.crop ? cropImage(img, v.crop) : img);
        const panels: StripPanel[] = [
          {
            label: `input + hole (${image.width}x${image.height}${v.crop ? ', 100% crop' : ''})`,
            image: cut(image),
            hole: v.crop ? cropMask(mask, v.crop) : mask,
          },
          ...results.map(([label, img]) => ({ label, image: cut(img) })),
          { label: 'original (truth)', image: cut(image) },
        ];
        const file = path.join(GALLERY, `blockmatch-${c.name}${v.suffix}.png`);
        await saveStrip(file, panels, v.crop ? 320 : 300);
        written.push(file);
      }

      // Matches, one block's heatmaps, and the regions handed on.
      const matches = (
        await matchBlocks(lama, mask, matchOptionsOf(resolveParams(BLOCKMATCH_PARAMS)), {
          sessions: services.sessions,
        })
      ).matches;
      const drawn = renderCorrespondence(lama, mask, matches, 1600);
      const s = drawn.width / image.width;
      const scaled = (r: Rect): Rect => ({
        x: Math.round(r.x * s),
        y: Math.round(r.y * s),
        width: Math.max(3, Math.round(r.width * s)),
        height: Math.max(3, Math.round(r.height * s)),
      });
      if (feather.artifacts.reference)
        outline(drawn, scaled(feather.artifacts.reference), [0.25, 0.45, 1], 4);
      if (feather.artifacts.exemplar) outline(drawn, scaled(feather.artifacts.exemplar), [0.1, 1, 1], 4);
      // The block with the most hole pixels that still has some known ones.
      const pick =
        [...matches]
          .filter((m) => m.holePixels < m.size * m.size)
          .sort((a, b) => b.holePixels - a.holePixels)[0] ?? matches[0];
      const block = { x: pick.x, y: pick.y, width: pick.size, height: pick.size };
      const zncc = correlationHeatmap(lama, mask, block, { maxPositions: 400_000 });
      const raw = correlationHeatmap(lama, mask, block, { maxPositions: 400_000, similarity: 'raw' });
      const file = path.join(GALLERY, `blockmatch-${c.name}-matches.png`);
      await saveStrip(
        file,
        [
          { label: 'matches; exemplar cyan, reference blue', image: drawn },
          { label: `zncc heatmap, block ${block.x},${block.y}`, image: heatmapPanel(zncc, block) },
          { label: 'raw-correlation heatmap', image: heatmapPanel(raw, block) },
        ],
        360,
      );
      written.push(file);
    }
  } finally {
    await services.close();
  }
  return written;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const f of await blockmatchGallery(process.argv.slice(2))) process.stdout.write(`wrote ${f}\n`);
}
