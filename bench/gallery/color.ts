/**
 * Gallery strips of the colour stage: the input with its simulated colour defect (hole outlined in
 * magenta, so the defect stays visible), each method's result with its mean CIEDE2000 to the truth over
 * the hole, and the truth. Writes docs/gallery/color-<case>-<defect>.png, plus a 100% crop around the
 * hole for the 1 MP case. "R–P raw ring" is Rabin–Peyré with the ring as it is and the solver's result as
 * it is (ringWeighting off, changeSmoothing and seamWidth 0): what the stage did before those steps.
 */
import path from 'node:path';
import { cropImage, expandRect, maskBoundingBox } from '../../app/image/crop';
import { growMask } from '../../app/image/morphology';
import { saveStrip, type StripPanel } from '../strip';
import { cloneImage, type Mask, type RgbImage } from '../../app/image/types';
import type { Rect } from '../../app/common/params';
import { meanCiede2000 } from '../../app/stages/color/colorSpace';
import { COLOR_CASES, loadColorCase, runColor, simulateDefect, type DefectKind } from '../colorBench';

const GALLERY = path.resolve('docs/gallery');

const METHODS: { label: string; params: Record<string, unknown> }[] = [
  { label: 'Reinhard', params: { method: 'reinhard' } },
  { label: 'Pitié', params: { method: 'pitie' } },
  { label: 'Rabin–Peyré', params: {} },
  { label: 'R–P raw ring', params: { ringWeighting: false, changeSmoothing: 0, seamWidth: 0 } },
  { label: 'R–P λS=0', params: { lambdaS: 0 } },
];

/** A copy of image with a magenta outline just outside the hole, `width` pixels wide. */
function outlined(image: RgbImage, mask: Mask, width: number): RgbImage {
  const out = cloneImage(image);
  const grown = growMask(mask, width);
  const n = image.width * image.height;
  for (let i = 0; i < n; i++)
    if (grown.data[i] && !mask.data[i]) {
      out.data[i] = 1;
      out.data[n + i] = 0;
      out.data[2 * n + i] = 1;
    }
  return out;
}

const CASES: { name: string; defects: DefectKind[]; crop?: boolean }[] = [
  { name: 'astronaut', defects: ['uniform', 'varying'] },
  { name: 'chelsea', defects: ['varying'] },
  { name: 'garden-1mp', defects: ['varying'], crop: true },
];

export async function colorGallery(): Promise<string[]> {
  const written: string[] = [];
  for (const spec of CASES) {
    const c = COLOR_CASES.find((x) => x.name === spec.name)!;
    const { image: truth, mask } = await loadColorCase(c);
    const height = 300;
    for (const defect of spec.defects) {
      const input = simulateDefect(truth, mask, defect);
      const results: [string, RgbImage][] = [];
      for (const m of METHODS) {
        const r = await runColor(input, mask, m.params);
        results.push([`${m.label} ${meanCiede2000(r.image, truth, mask).toFixed(1)}`, r.image]);
      }
      const views: { suffix: string; crop?: Rect }[] = [{ suffix: '' }];
      if (spec.crop) {
        // The first blob at 100%: a square around the hole pixels near the first one.
        const box = maskBoundingBox(mask)!;
        const side = Math.min(480, truth.width, truth.height);
        const first = mask.data.indexOf(1);
        const cx = Math.min(Math.max(first % truth.width, box.x + side / 2), box.x + box.width - side / 2);
        const cy = Math.floor(first / truth.width) + side / 3;
        const r = {
          x: Math.round(Math.max(0, Math.min(truth.width - side, cx - side / 2))),
          y: Math.round(Math.max(0, Math.min(truth.height - side, cy - side / 2))),
          width: side,
          height: side,
        };
        views.push({ suffix: '-crop', crop: expandRect(r, 0, truth.width, truth.height) });
      }
      for (const v of views) {
        const cut = (img: RgbImage) => (v.crop ? cropImage(img, v.crop) : img);
        const scale = v.crop ? 1 : truth.height / height;
        const panels: StripPanel[] = [
          {
            label: `input, ${defect} defect ${meanCiede2000(input, truth, mask).toFixed(1)}`,
            image: cut(outlined(input, mask, Math.max(1, Math.round(1.5 * scale)))),
          },
          ...results.map(([label, img]) => ({ label, image: cut(img) })),
          { label: 'truth', image: cut(truth) },
        ];
        const file = path.join(GALLERY, `color-${spec.name}-${defect}${v.suffix}.png`);
        await saveStrip(file, panels, v.crop ? 320 : height);
        written.push(file);
      }
    }
  }
  return written;
}

if (process.argv[1]?.endsWith(path.join('gallery', 'color.ts'))) {
  for (const f of await colorGallery()) process.stdout.write(`wrote ${f}\n`);
}
