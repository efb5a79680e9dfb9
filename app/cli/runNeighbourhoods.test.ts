import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngineServices } from '../host/services';
import { loadImage, loadSamples } from '../image/load';
import { saveMask } from '../image/mask';
import { saveImage } from '../image/save';
import { createImage, createMask } from '../image/types';
import { runImageJob } from './runNeighbourhoods';

const dir = mkdtempSync(path.join(os.tmpdir(), 'run-neighbourhoods-'));
const services = createEngineServices({ modelsDir: mkdtempSync(path.join(os.tmpdir(), 'rn-models-')) });

async function fixture(width: number, height: number, bitDepth: 8 | 16) {
  const img = createImage(width, height);
  const n = width * height;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      img.data[i] = 0.5 + 0.4 * Math.sin(x * 0.21) * Math.cos(y * 0.13);
      img.data[n + i] = ((x ^ y) % 17) / 17;
      img.data[2 * n + i] = y / height;
    }
  const mask = createMask(width, height);
  for (const [x0, y0, s] of [
    [60, 50, 30],
    [width - 100, height - 80, 36],
  ])
    for (let y = y0; y < y0 + s; y++) for (let x = x0; x < x0 + s; x++) mask.data[y * width + x] = 1;
  const image = path.join(dir, `in-${bitDepth}.png`);
  await saveImage(image, img, { bitDepth });
  const maskFile = path.join(dir, `mask-${bitDepth}.png`);
  await saveMask(maskFile, mask);
  return { image, mask: maskFile, holes: mask };
}

const settings = (stages: { name: string; params?: Record<string, unknown> }[]) => ({
  stages,
  seed: 3,
  save: {},
  signal: new AbortController().signal,
  onEvent: () => {},
});

describe('runImageJob (the CLI on the holes’ neighbourhoods)', () => {
  for (const bitDepth of [8, 16] as const) {
    it(`${bitDepth}-bit: fills only the neighbourhoods, bit-exact with a whole-image run, the rest the file's own samples`, async () => {
      const f = await fixture(800, 500, bitDepth);
      const stages = [{ name: 'lama', params: { fallback: 'patchmatch' } }];
      const out = path.join(dir, `out-${bitDepth}.png`);
      const r = await runImageJob({ image: f.image, mask: f.mask, out }, services.pipeline, settings(stages));
      expect(r.neighbourhoods).toBe(2);
      expect(r.stages[0].info).toMatchObject({ engine: 'embedded', neighbourhoods: 2 });

      // The same stages on the whole image in float planes, as the CLI ran them before.
      const loaded = await loadImage(f.image);
      const whole = await services.pipeline.run({ image: loaded.image, mask: f.holes, stages, seed: 3 });
      const wholeOut = path.join(dir, `whole-${bitDepth}.png`);
      await saveImage(wholeOut, whole.image, { meta: loaded.meta });

      const a = await loadSamples(out);
      const b = await loadSamples(wholeOut);
      const src = await loadSamples(f.image);
      expect(a.meta.bitDepth).toBe(bitDepth);
      expect(Buffer.from(a.samples.buffer).equals(Buffer.from(b.samples.buffer))).toBe(true);
      let changed = 0;
      for (let i = 0; i < f.holes.data.length; i++) {
        for (let c = 0; c < 3; c++) {
          const same = a.samples[3 * i + c] === src.samples[3 * i + c];
          if (!f.holes.data[i]) expect(same).toBe(true);
          else if (!same) changed++;
        }
      }
      expect(changed).toBeGreaterThan(0);
    });
  }

  it('runs the whole image when a stage reads all of it, and stops when cancelled', async () => {
    const f = await fixture(400, 300, 8);
    const out = path.join(dir, 'out-blur.png');
    const local = await services.pipeline.localCrops({
      mask: f.holes,
      stages: [{ name: 'lama', params: { maskGrow: 4 } }],
    });
    expect(local).toBeNull();
    const ac = new AbortController();
    ac.abort();
    await expect(
      runImageJob({ image: f.image, mask: f.mask, out }, services.pipeline, {
        ...settings([{ name: 'lama' }]),
        signal: ac.signal,
      }),
    ).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});
