/**
 * Gallery strips of the texture stage on the brick, grass, gravel, Wood and Garden fixtures (the last two
 * GPL-2+: written when present, git-ignored), each with a 112 px square
 * hole (the size the prototype used): the input with its hole, the embedded fills the LaMa stage
 * gives without a model (smooth push-pull; PatchMatch) and the truth blurred by 3 px in the hole (a
 * stand-in for a LaMa fill that is right but blurry), the texture stage run on each of them with its
 * defaults, and the original as truth. Shown as a 272 px crop around the hole, where the detail is.
 * Writes docs/gallery/texture-<case>.png.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { cropImage, cropMask } from '../../app/image/crop';
import { loadImage } from '../../app/image/load';
import { saveStrip, type StripPanel } from '../strip';
import { createMask, type Mask, type RgbImage } from '../../app/image/types';
import { createSessionPool } from '../../app/ort/sessions';
import { Pipeline } from '../../app/pipeline/run';
import { lamaStage } from '../../app/stages/lama/stage';
import { gaussianBlur } from '../../app/stages/texture/band';
import { textureStage } from '../../app/stages/texture/stage';
import { FIXTURES, GALLERY } from './lama';

/** Hole's top-left corner per case; Wood and Garden (GPL-2+, strips git-ignored) only when present. */
export const TEXTURE_CASES = [
  { name: 'brick', file: 'brick.png', at: { x: 200, y: 200 } },
  { name: 'grass', file: 'grass.png', at: { x: 200, y: 200 } },
  { name: 'gravel', file: 'gravel.png', at: { x: 200, y: 200 } },
  { name: 'wood', file: 'Wood.jpg', at: { x: 1224, y: 904 } },
  { name: 'garden', file: 'Garden.jpg', at: { x: 1224, y: 1104 } },
];

/** The hole's side (px): the size the prototype used. */
export const SIDE = 112;

/** `image` with its hole replaced by the image blurred (Gaussian σ px). */
export function blurredHole(image: RgbImage, mask: Mask, sigma: number): RgbImage {
  const n = image.width * image.height;
  const blur = gaussianBlur(image.data, image.width, image.height, 3, sigma);
  const data = image.data.slice();
  for (let c = 0; c < 3; c++) for (let i = 0; i < n; i++) if (mask.data[i]) data[c * n + i] = blur[c * n + i];
  return { width: image.width, height: image.height, data };
}

/** A SIDE × SIDE square hole with its top-left corner at `at`. */
export function squareHole(width: number, height: number, at: { x: number; y: number }): Mask {
  const mask = createMask(width, height);
  for (let y = at.y; y < at.y + SIDE; y++)
    for (let x = at.x; x < at.x + SIDE; x++) mask.data[y * width + x] = 1;
  return mask;
}

export async function textureGallery(): Promise<string[]> {
  const sessions = createSessionPool({ providers: ['cpu'] });
  const pipeline = new Pipeline({
    stages: [lamaStage, textureStage],
    sessions,
    models: { resolve: async () => null },
  });
  const written: string[] = [];
  for (const c of TEXTURE_CASES) {
    if (!existsSync(path.join(FIXTURES, c.file))) continue;
    const image = (await loadImage(path.join(FIXTURES, c.file))).image;
    const mask = squareHole(image.width, image.height, c.at);
    const VIEW = { x: c.at.x - 80, y: c.at.y - 80, width: 272, height: 272 };
    const panels: StripPanel[] = [
      { label: `input + hole (${SIDE} px)`, image: cropImage(image, VIEW), hole: cropMask(mask, VIEW) },
    ];
    for (const [fallback, label] of [
      ['pushpull', 'push-pull'],
      ['patchmatch', 'PatchMatch'],
    ] as const) {
      const lama = { name: 'lama', params: { engine: 'embedded', fallback, feather: 0 } };
      const base = await pipeline.run({ image, mask, stages: [lama] });
      const t = performance.now();
      const tex = await pipeline.run({ image, mask, stages: [lama, { name: 'texture' }] });
      const seconds = ((performance.now() - t) / 1000).toFixed(0);
      const fill = (img: RgbImage) => cropImage(img, VIEW);
      panels.push(
        { label, image: fill(base.image) },
        { label: `${label} + texture (${seconds} s)`, image: fill(tex.image) },
      );
    }
    // A right but blurry start, as LaMa gives over a large hole: the truth blurred in the hole.
    const blurred = blurredHole(image, mask, 3);
    const t = performance.now();
    const tex = await pipeline.run({ image: blurred, mask, stages: [{ name: 'texture' }] });
    const seconds = ((performance.now() - t) / 1000).toFixed(0);
    panels.push(
      { label: 'truth blurred 3 px', image: cropImage(blurred, VIEW) },
      { label: `blurred + texture (${seconds} s)`, image: cropImage(tex.image, VIEW) },
    );
    panels.push({ label: 'original (truth)', image: cropImage(image, VIEW) });
    const file = path.join(GALLERY, `texture-${c.name}.png`);
    await saveStrip(file, panels, VIEW.height);
    written.push(file);
  }
  await sessions.releaseAll();
  return written;
}
