/**
 * A strip of the embedded fill on holes deeper than FSR's reach (regionChoice.FSR_MAX_DEPTH): a photo
 * upscaled to a few megapixels with the memory bench's 5% blob mask (bench/masks.blobMask, seed 7),
 * around its largest blob: input, FSR alone, auto (PatchMatch alone on the deep parts), truth. Prints
 * the region choices and the fill times.
 *   npx tsx bench/embeddedFillDeep.ts [--image=path] [--mp=4] [--out=docs/gallery/embedded-fill-deep-astronaut.png]
 */
import path from 'node:path';
import { cropImage, cropMask, expandRect } from '../app/image/crop';
import { loadImage } from '../app/image/load';
import { resizeImage } from '../app/image/resize';
import { saveStrip, type StripPanel } from './strip';
import { holeComponents } from '../app/image/stationarity';
import { embeddedFill } from '../app/stages/lama/embeddedFill';
import { chooseRegions } from '../app/stages/lama/embeddedFill/regionChoice';
import { blankHole } from './embeddedFillCompare';
import { blobMask } from './masks';

const get = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const file = get('image') ?? path.resolve('../shared/fixtures/images/astronaut.png');
const mp = Number(get('mp') ?? 4);
const out = get('out') ?? 'docs/gallery/embedded-fill-deep-astronaut.png';

let { image } = await loadImage(file);
const s = Math.sqrt((mp * 1e6) / (image.width * image.height));
if (Math.abs(s - 1) > 0.01)
  image = resizeImage(image, Math.round(image.width * s), Math.round(image.height * s));
const mask = blobMask(image.width, image.height, 0.05, 7);
const input = blankHole(image, mask);
for (const r of chooseRegions(input, mask).regions)
  if (r.width > 20) process.stdout.write(`${JSON.stringify(r)}\n`);
const big = holeComponents(mask).components.sort((a, b) => b.pixels - a.pixels)[0];
const view = expandRect(big.box, Math.round(big.box.width * 0.3), image.width, image.height);
const panels: StripPanel[] = [{ label: 'input', image: cropImage(image, view), hole: cropMask(mask, view) }];
for (const method of ['fsr', 'auto'] as const) {
  const t0 = performance.now();
  const filled = embeddedFill(input, mask, { method, seed: 1 });
  process.stdout.write(`${method}: ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  panels.push({ label: method === 'fsr' ? 'FSR alone' : 'auto', image: cropImage(filled, view) });
}
panels.push({ label: 'truth', image: cropImage(image, view) });
await saveStrip(out, panels, 400);
process.stdout.write(`wrote ${out}\n`);
