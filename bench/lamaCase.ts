/**
 * One benchmark case, run in its own process so that its peak RSS is its own:
 *   tsx bench/lamaCase.ts <image> <targetMegapixels|orig> <engine: generated-lama-fixed-rgb|lama-cost-standin|patchmatch|pushpull> [sizing]
 * Prints one JSON line.
 */
import { stageInfo, type LamaInfo } from '../app/common/stageInfo';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createEngineServices } from '../app/host/services';
import { Pipeline } from '../app/pipeline/run';
import { STAGES } from '../app/stages/registry';
import { ensureLamaCostModel } from './lamaCost';
import { loadImage } from '../app/image/load';
import { resizeImage } from '../app/image/resize';
import { maskArea } from '../app/image/types';
import { blobMask } from './masks';

const [file, mpArg, engine, sizing = 'auto'] = process.argv.slice(2);
const loaded = await loadImage(file);
let image = loaded.image;
if (mpArg !== 'orig') {
  const s = Math.sqrt((Number(mpArg) * 1e6) / (image.width * image.height));
  if (s < 1) image = resizeImage(image, Math.round(image.width * s), Math.round(image.height * s));
}
const mask = blobMask(image.width, image.height, 0.05, 7);
// An empty model store: the embedded cases must not find a model.
const services = createEngineServices({ modelsDir: mkdtempSync(path.join(os.tmpdir(), 'bench-models-')) });
// 'lama-cost-standin': a network with big-LaMa's architecture and size (random weights), so that
// session.run costs what the real model costs; it is a timing stand-in, not an inpainter.
const standin = engine === 'lama-cost-standin' ? await ensureLamaCostModel() : undefined;
const pipeline = standin
  ? new Pipeline({
      stages: STAGES,
      sessions: services.sessions,
      models: { resolve: async () => ({ id: engine, path: standin, convention: 'lama-fixed-rgb' }) },
    })
  : services.pipeline;
const model = engine.startsWith('generated-') || standin ? engine : undefined;
const params = model ? { engine: 'model', sizing } : { engine: 'embedded', fallback: engine, sizing };
// Warm-up (session creation, model build) is not part of the figure.
if (model) {
  await pipeline.run({ image, mask, stages: [{ name: 'lama', params }], modelId: model });
  pipeline.cache.clear();
}
const t0 = performance.now();
const r = await pipeline.run({ image, mask, stages: [{ name: 'lama', params }], modelId: model });
const ms = performance.now() - t0;
const info: Partial<LamaInfo> = stageInfo(r.stages, 'lama') ?? {};
const mp = (image.width * image.height) / 1e6;
process.stdout.write(
  `${JSON.stringify({
    image: path.basename(file),
    size: `${image.width}x${image.height}`,
    megapixels: Number(mp.toFixed(3)),
    holePercent: Number(((100 * maskArea(mask)) / (image.width * image.height)).toFixed(2)),
    engine,
    ms: Math.round(ms),
    mpPerSecond: Number((mp / (ms / 1000)).toFixed(3)),
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    sessionRunMs: typeof info.sessionRunMs === 'number' ? Math.round(info.sessionRunMs) : null,
    outsideSessionShare:
      typeof info.sessionRunMs === 'number' ? Number((1 - info.sessionRunMs / ms).toFixed(3)) : null,
    provider: info.provider ?? null,
    sizing: info.sizing ?? sizing,
    modelCalls: info.modelCalls ?? null,
  })}\n`,
);
await services.close();
