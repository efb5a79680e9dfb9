import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cropImage } from '../../image/crop';
import { loadImage } from '../../image/load';
import { createMask, type RgbImage } from '../../image/types';
import { Random } from '../../graph/random';
import { randomNetwork } from './randomNetwork';
import { synthesize, type SynthesisInput } from './synthesize';

const FIXTURES = path.resolve('../shared/fixtures/images');
const S = 96,
  HOLE = 32;

/**
 * With the embedded network and a noise start, a 32 px hole in a 96 px crop of each texture fixture
 * is refilled until its Gram statistics are about as close to the surroundings' as the true pixels'
 * are (the texture term of the truth itself is the natural floor: two patches of one texture never
 * have identical Grams).
 */
describe.skipIf(!existsSync(FIXTURES))('texture statistics from noise on the fixtures', () => {
  it.each(['brick', 'grass', 'gravel'])('%s', async (name) => {
    const full = (await loadImage(path.join(FIXTURES, `${name}.png`))).image;
    const truth = cropImage(full, { x: 200, y: 200, width: S, height: S });
    const hole = createMask(S, S);
    const o = (S - HOLE) / 2;
    for (let y = o; y < o + HOLE; y++) for (let x = o; x < o + HOLE; x++) hole.data[y * S + x] = 1;
    const valid = Uint8Array.from(hole.data, (v) => 1 - v);
    const rnd = new Random(1);
    const noise: RgbImage = { width: S, height: S, data: truth.data.slice() };
    for (let i = 0; i < S * S; i++)
      if (hole.data[i]) {
        const v = 0.5 + 0.2 * rnd.normal();
        for (let c = 0; c < 3; c++) noise.data[c * S * S + i] = v;
      }
    const net = randomNetwork();
    const input = (start: RgbImage): SynthesisInput => ({
      image: truth,
      hole,
      start,
      exemplar: { image: truth, valid },
    });
    const opts = { network: net, borderWeight: 0, structureWeight: 0, threads: 1 };
    const floor = (await synthesize(input(truth), { ...opts, iterations: 0 })).terms.texture;
    const r = await synthesize(input(noise), { ...opts, iterations: 40 });
    console.log(
      `${name}: texture term noise ${r.lossStart.toFixed(4)} → ${r.terms.texture.toFixed(4)}, truth ${floor.toFixed(4)}`,
    );
    expect(r.terms.texture).toBeLessThan(r.lossStart / 10);
    expect(r.terms.texture).toBeLessThan(3 * floor);
  });
});
