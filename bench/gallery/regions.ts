/**
 * Gallery strips of the LaMa stage's sizing strategies (the generated LaMa-signature networks are
 * diffusion fills, not LaMa: judge structure and seams, not realism).
 * - regions-<case>.png: separate small holes on a large image, a 100% view around one hole: the whole
 *   image resized to the model, the region crop at full resolution, the truth.
 * - regions-<case>-context.png: the same hole with a user context rectangle (drawn in the input panel).
 * - multiscale-<case>.png: one large hole: one pass (resize), multiscale laplacian, plain and
 *   fit-to-model, the truth; whole view and a 100% view.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Rect } from '../../app/common/params';
import { createEngineServices } from '../../app/host/services';
import { cropImage, cropMask, expandRect } from '../../app/image/crop';
import { loadImage } from '../../app/image/load';
import { saveStrip, type StripPanel } from '../strip';
import type { Mask, RgbImage } from '../../app/image/types';
import { blobMask } from '../masks';
import { separateHoles } from '../regionsBench';
import { FIXTURES, GALLERY } from './lama';

type Services = ReturnType<typeof createEngineServices>;

async function fill(
  services: Services,
  image: RgbImage,
  mask: Mask,
  params: Record<string, unknown>,
  modelId: string,
): Promise<{ image: RgbImage; info: Record<string, unknown> }> {
  const r = await services.pipeline.run({
    image,
    mask,
    stages: [{ name: 'lama', params: { engine: 'model', ...params } }],
    modelId,
  });
  return { image: r.image, info: r.stages[0].info ?? {} };
}

/** A square view of `side` px centred on rect, inside the image. */
function viewAround(rect: Rect, side: number, width: number, height: number): Rect {
  const s = Math.min(side, width, height);
  const cx = rect.x + rect.width / 2;
  const cy = rect.y + rect.height / 2;
  const x = Math.round(Math.max(0, Math.min(width - s, cx - s / 2)));
  const y = Math.round(Math.max(0, Math.min(height - s, cy - s / 2)));
  return expandRect({ x, y, width: s, height: s }, 0, width, height);
}

/** The image with a rectangle's outline drawn in green (for showing the context rectangle). */
function outline(img: RgbImage, r: Rect): RgbImage {
  const out = { ...img, data: img.data.slice() };
  const n = img.width * img.height;
  const paint = (x: number, y: number) => {
    if (x < 0 || y < 0 || x >= img.width || y >= img.height) return;
    const i = y * img.width + x;
    out.data[i] = 0;
    out.data[n + i] = 1;
    out.data[2 * n + i] = 0;
  };
  for (let t = 0; t < 3; t++) {
    for (let x = r.x; x < r.x + r.width; x++) {
      paint(x, r.y + t);
      paint(x, r.y + r.height - 1 - t);
    }
    for (let y = r.y; y < r.y + r.height; y++) {
      paint(r.x + t, y);
      paint(r.x + r.width - 1 - t, y);
    }
  }
  return out;
}

const MODEL = 'generated-lama-fixed-rgb';

async function regionsStrips(services: Services, name: string, file: string): Promise<string[]> {
  const image = (await loadImage(path.join(FIXTURES, file))).image;
  const { width: W, height: H } = image;
  const mask = separateHoles(W, H, 10, Math.round(Math.min(W, H) * 0.02), 3);
  const resized = await fill(services, image, mask, { sizing: 'resize' }, MODEL);
  const regions = await fill(services, image, mask, { sizing: 'regions' }, MODEL);
  const crops = regions.info.crops as Rect[];
  // The largest crop: the hole with the most to show.
  const crop = crops.reduce((a, b) => (b.width * b.height > a.width * a.height ? b : a));
  const view = viewAround(crop, Math.max(320, Math.round(Math.max(crop.width, crop.height) * 1.3)), W, H);
  const cut = (img: RgbImage) => cropImage(img, view);
  const local = { ...crop, x: crop.x - view.x, y: crop.y - view.y };
  const written: string[] = [];
  const panels: StripPanel[] = [
    { label: `input ${W}x${H}, 10 holes (100% view)`, image: cut(image), hole: cropMask(mask, view) },
    { label: `resize: whole image at ${Number(resized.info.scale).toFixed(2)}x`, image: cut(resized.image) },
    { label: 'regions: the crop (green) at 1x', image: outline(cut(regions.image), local) },
    { label: 'original (truth)', image: cut(image) },
  ];
  let out = path.join(GALLERY, `regions-${name}.png`);
  await saveStrip(out, panels, 360);
  written.push(out);

  // A user context rectangle tight around the same hole (its box plus a quarter of its size).
  const region = crops.indexOf(crop);
  const hole = cropMask(mask, crop);
  let x0 = Infinity,
    y0 = Infinity,
    x1 = -1,
    y1 = -1;
  for (let y = 0; y < hole.height; y++)
    for (let x = 0; x < hole.width; x++)
      if (hole.data[y * hole.width + x]) {
        x0 = Math.min(x0, x);
        y0 = Math.min(y0, y);
        x1 = Math.max(x1, x);
        y1 = Math.max(y1, y);
      }
  const m = Math.round((x1 - x0 + y1 - y0) / 8);
  const contextRect = expandRect(
    { x: crop.x + x0, y: crop.y + y0, width: x1 - x0 + 1, height: y1 - y0 + 1 },
    m,
    W,
    H,
  );
  const restricted = await fill(services, image, mask, { sizing: 'regions', contextRect }, MODEL);
  const rLocal = { ...contextRect, x: contextRect.x - view.x, y: contextRect.y - view.y };
  out = path.join(GALLERY, `regions-${name}-context.png`);
  await saveStrip(
    out,
    [
      { label: 'input + context rectangle', image: outline(cut(image), rLocal), hole: cropMask(mask, view) },
      { label: `regions (region ${region + 1}, default margin)`, image: cut(regions.image) },
      { label: 'regions, restricted to the rectangle', image: cut(restricted.image) },
      { label: 'original (truth)', image: cut(image) },
    ],
    360,
  );
  written.push(out);
  return written;
}

async function multiscaleStrips(
  services: Services,
  name: string,
  file: string,
  modelId: string,
): Promise<string[]> {
  const image = (await loadImage(path.join(FIXTURES, file))).image;
  const { width: W, height: H } = image;
  const mask = blobMask(W, H, 0.12, 5, 1);
  const variants: [string, Record<string, unknown>][] = [
    ['one pass (resize)', { sizing: 'resize' }],
    ['multiscale laplacian', { sizing: 'multiscale' }],
    ['multiscale plain', { sizing: 'multiscale', multiscaleVariant: 'plain' }],
    ['multiscale fit-to-model', { sizing: 'multiscale', coarseFit: true }],
  ];
  const results: [string, RgbImage][] = [];
  for (const [label, params] of variants)
    results.push([label, (await fill(services, image, mask, params, modelId)).image]);
  const first = mask.data.indexOf(1);
  const seed = { x: first % W, y: Math.floor(first / W), width: 1, height: 1 };
  const views: [string, Rect | null][] = [
    ['', null],
    ['-crop', viewAround({ ...seed, y: seed.y + 150 }, 480, W, H)],
  ];
  const written: string[] = [];
  for (const [suffix, view] of views) {
    const cut = (img: RgbImage) => (view ? cropImage(img, view) : img);
    const panels: StripPanel[] = [
      {
        label: `input ${W}x${H} (${modelId.replace('generated-', '')})`,
        image: cut(image),
        hole: view ? cropMask(mask, view) : mask,
      },
      ...results.map(([label, img]) => ({ label, image: cut(img) })),
      { label: 'original (truth)', image: cut(image) },
    ];
    const out = path.join(GALLERY, `multiscale-${name}${suffix}.png`);
    await saveStrip(out, panels, view ? 320 : 240);
    written.push(out);
  }
  return written;
}

/** Writes the strips; returns their paths. */
export async function regionsGallery(): Promise<string[]> {
  const services = createEngineServices({
    modelsDir: mkdtempSync(path.join(os.tmpdir(), 'gallery-models-')),
  });
  const written = [
    ...(await regionsStrips(services, 'elephants-8mp', 'Elephants_3840x2160.jpg')),
    ...(await regionsStrips(services, 'garden', 'Garden.jpg')),
    ...(await multiscaleStrips(
      services,
      'elephants-8mp',
      'Elephants_3840x2160.jpg',
      'generated-lama-fixed-rgb',
    )),
    ...(await multiscaleStrips(services, 'garden', 'Garden.jpg', 'generated-lama-dynamic-4ch')),
  ];
  await services.close();
  return written;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const f of await regionsGallery()) process.stdout.write(`wrote ${f}\n`);
}
