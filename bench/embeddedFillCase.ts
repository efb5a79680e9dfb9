/**
 * One embedded fill as a whole process, the way bench/embeddedFillPhotos.ts times it against OpenCV's
 * Python process: `tsx bench/embeddedFillCase.ts IN.png MASK.png OUT.png METHOD [SEED]`
 * (METHOD: auto, fsr, patchmatch, pushpull). Decodes, fills, encodes; prints one JSON line
 * {"seconds": <the fill call alone>, "method": METHOD, "width": W, "height": H}.
 */
import { loadImage } from '../app/image/load';
import { loadMask } from '../app/image/mask';
import { saveImage } from '../app/image/save';
import { embeddedFill, type EmbeddedFillMethod } from '../app/stages/lama/embeddedFill';

const [inPath, maskPath, outPath, method, seed = '1'] = process.argv.slice(2);
const image = (await loadImage(inPath)).image;
const mask = await loadMask(maskPath, image);
const t0 = performance.now();
const out = embeddedFill(image, mask, { method: method as EmbeddedFillMethod, seed: Number(seed) });
const seconds = (performance.now() - t0) / 1000;
await saveImage(outPath, out);
process.stdout.write(`${JSON.stringify({ seconds, method, width: image.width, height: image.height })}\n`);
