/**
 * Gallery strips of the embedded fills: the input with its hole (magenta), push-pull, PatchMatch,
 * OpenCV's Telea (radius 3) and the original, side by side. Same cases and masks as
 * bench/embeddedFillCompare.ts. Large images get a second strip: a 100% crop around their biggest hole.
 *   npx tsx bench/gallery/embeddedFill.ts
 * Writes docs/gallery/embedded-fill-<case>.png.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Rect } from '../../app/common/params';
import { cropImage, cropMask } from '../../app/image/crop';
import { saveStrip, type StripPanel } from '../strip';
import type { RgbImage } from '../../app/image/types';
import { groupHoles } from '../../app/image/fill/holeGeometry';
import { patchMatchFill } from '../../app/image/fill/patchMatch';
import { pushPullFill } from '../../app/image/fill/pushPull';
import { blankHole, defaultCases, loadCase, teleaInpaint, type FillCase } from '../embeddedFillCompare';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const EMBEDDED_GALLERY = path.resolve(HERE, '../../docs/gallery');

/** The cases shown: one of each mask kind per image, plus the 8 MP one. */
export function galleryCases(): FillCase[] {
  const keep = ['astronaut-5', 'chelsea-10', 'brick-10', 'grass-5', 'garden-10', 'elephants-8mp-5'];
  return defaultCases().filter((c) => keep.includes(c.name));
}

export async function embeddedFillGallery(cases: FillCase[] = galleryCases()): Promise<string[]> {
  mkdirSync(EMBEDDED_GALLERY, { recursive: true });
  const written: string[] = [];
  for (const c of cases) {
    const { image, mask } = await loadCase(c);
    const input = blankHole(image, mask);
    const telea = await teleaInpaint(image, mask);
    const results: [string, RgbImage][] = [
      ['push-pull', pushPullFill(input, mask)],
      ['PatchMatch', patchMatchFill(input, mask, { seed: 1 })],
      ...(telea ? ([['cv2 Telea r=3', telea.image]] as [string, RgbImage][]) : []),
    ];
    const views: { suffix: string; crop?: Rect }[] = [{ suffix: '' }];
    if (image.width * image.height > 1.5e6) {
      // A 100% crop centred on the largest hole group.
      const groups = groupHoles(mask, 32);
      const box = groups.boxes.reduce((a, b) => (b.width * b.height > a.width * a.height ? b : a));
      const w = Math.min(image.width, 768);
      const h = Math.min(image.height, 576);
      const cx = box.x + (box.width >> 1);
      const cy = box.y + (box.height >> 1);
      views.push({
        suffix: '-crop',
        crop: {
          x: Math.max(0, Math.min(image.width - w, cx - (w >> 1))),
          y: Math.max(0, Math.min(image.height - h, cy - (h >> 1))),
          width: w,
          height: h,
        },
      });
    }
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
      const file = path.join(EMBEDDED_GALLERY, `embedded-fill-${c.name}${v.suffix}.png`);
      await saveStrip(file, panels, v.crop ? 360 : 320);
      written.push(file);
    }
  }
  return written;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  for (const f of await embeddedFillGallery()) process.stdout.write(`wrote ${f}\n`);
}
