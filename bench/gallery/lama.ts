/**
 * Gallery strips of the LaMa stage: the input with its hole, the fill by the generated LaMa-signature
 * network (a development stand-in: a diffusion fill, not LaMa), by the embedded PatchMatch and push-pull
 * fills, and the original as truth. Writes docs/gallery/lama-<case>.png.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createEngineServices } from '../../app/host/services';
import { cropImage, cropMask, expandRect } from '../../app/image/crop';
import { loadImage } from '../../app/image/load';
import { resizeImage } from '../../app/image/resize';
import { saveStrip, type StripPanel } from '../strip';
import type { Mask, RgbImage } from '../../app/image/types';
import type { Rect } from '../../app/common/params';
import { blobMask } from '../masks';

export const FIXTURES = path.resolve('../shared/fixtures/images');
export const GALLERY = path.resolve('docs/gallery');

export interface GalleryCase {
  name: string;
  file: string;
  /** Scale the image to about this many megapixels first (optional). */
  megapixels?: number;
  coverage: number;
  seed: number;
}

export const LAMA_CASES: GalleryCase[] = [
  { name: 'astronaut', file: 'astronaut.png', coverage: 0.05, seed: 3 },
  { name: 'chelsea', file: 'chelsea.png', coverage: 0.06, seed: 5 },
  { name: 'garden-1mp', file: 'Garden.jpg', megapixels: 1, coverage: 0.05, seed: 7 },
  { name: 'brick', file: 'brick.png', coverage: 0.08, seed: 11 },
  { name: 'elephants-8mp', file: 'Elephants_3840x2160.jpg', coverage: 0.05, seed: 7 },
];

export async function loadCase(c: GalleryCase): Promise<{ image: RgbImage; mask: Mask }> {
  let image = (await loadImage(path.join(FIXTURES, c.file))).image;
  if (c.megapixels) {
    const s = Math.sqrt((c.megapixels * 1e6) / (image.width * image.height));
    if (s < 1) image = resizeImage(image, Math.round(image.width * s), Math.round(image.height * s));
  }
  return { image, mask: blobMask(image.width, image.height, c.coverage, c.seed) };
}

export async function lamaGallery(): Promise<string[]> {
  const services = createEngineServices({
    modelsDir: mkdtempSync(path.join(os.tmpdir(), 'gallery-models-')),
  });
  const written: string[] = [];
  for (const c of LAMA_CASES) {
    const { image, mask } = await loadCase(c);
    const run = async (params: Record<string, unknown>, modelId?: string) =>
      (await services.pipeline.run({ image, mask, stages: [{ name: 'lama', params }], modelId })).image;
    const results: [string, RgbImage][] = [
      ['generated LaMa-signature net', await run({ engine: 'model' }, 'generated-lama-fixed-rgb')],
      ['embedded PatchMatch', await run({ engine: 'embedded', fallback: 'patchmatch' })],
      ['embedded push-pull', await run({ engine: 'embedded', fallback: 'pushpull' })],
    ];
    const big = image.width * image.height > 2e6;
    // Large images: show a 100% crop around the first hole as well, where detail matters.
    const views: { suffix: string; crop?: Rect }[] = [{ suffix: '' }];
    if (big) {
      // Centre the crop on the hole pixels near the first one (one blob).
      const first = mask.data.indexOf(1);
      const fx = first % image.width,
        fy = Math.floor(first / image.width);
      let sx = 0,
        sy = 0,
        k = 0;
      for (let y = Math.max(0, fy - 50); y < Math.min(image.height, fy + 500); y++)
        for (let x = Math.max(0, fx - 400); x < Math.min(image.width, fx + 400); x++)
          if (mask.data[y * image.width + x]) {
            sx += x;
            sy += y;
            k++;
          }
      const side = 640;
      const cx = Math.round(sx / k),
        cy = Math.round(sy / k);
      const r = {
        x: Math.max(0, Math.min(image.width - side, cx - side / 2)),
        y: Math.max(0, Math.min(image.height - side, cy - side / 2)),
        width: side,
        height: side,
      };
      views.push({ suffix: '-crop', crop: expandRect(r, 0, image.width, image.height) });
    }
    for (const v of views) {
      const cut = (img: RgbImage) => (v.crop ? cropImage(img, v.crop) : img);
      const panels: StripPanel[] = [
        {
          label: `input + hole (${image.width}x${image.height})`,
          image: cut(image),
          hole: v.crop ? cropMask(mask, v.crop) : mask,
        },
        ...results.map(([label, img]) => ({ label, image: cut(img) })),
        { label: 'original (truth)', image: cut(image) },
      ];
      const file = path.join(GALLERY, `lama-${c.name}${v.suffix}.png`);
      await saveStrip(file, panels, v.crop ? 320 : 300);
      written.push(file);
    }
  }
  await services.close();
  return written;
}
