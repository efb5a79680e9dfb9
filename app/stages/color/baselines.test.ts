import { describe, expect, it } from 'vitest';
import { pitie, reinhard } from './baselines';
import { createProblem, regionColors } from './energy';
import { chooseReference, referenceSamples } from './reference';
import { buildRegion } from './region';
import { createRng, randomDirections } from './rng';
import { exactSwSquared, type Colors } from './slicedWasserstein';
import { defectInHole, texturedImage } from '../../testing/colorScenes';
import { rectMask } from '../../testing/masks';

const truth = texturedImage(60, 44, 11, 5.5);
const mask = rectMask(60, 44, 18, 12, 42, 32);
const image = defectInHole(truth, mask, [-0.07, 0.05, 0.09], 0.5);
const region = buildRegion(image, mask, 'lab');
const v = referenceSamples(image, chooseReference(mask, null, undefined, 8).pixels, 'lab', createRng(2));
const problem = createProblem(region, v);

function stats(x: Colors, c: number): [number, number] {
  let s = 0;
  let q = 0;
  for (let i = 0; i < x.n; i++) s += x.data[c * x.stride + i];
  const mean = s / x.n;
  for (let i = 0; i < x.n; i++) q += (x.data[c * x.stride + i] - mean) ** 2;
  return [mean, Math.sqrt(q / x.n)];
}

describe('baselines', () => {
  it('Reinhard gives the region the reference’s mean and spread in every channel', () => {
    const w = regionColors(region, reinhard(problem));
    for (let c = 0; c < 3; c++) {
      const [mw, sw] = stats(w, c);
      const [mv, sv] = stats(v, c);
      expect(mw).toBeCloseTo(mv, 3);
      expect(sw).toBeCloseTo(sv, 3);
    }
  });

  it('Pitié moves the whole distribution: the SW distance drops by at least 90%', async () => {
    const K = 32;
    const dirs = new Float64Array(3 * K);
    randomDirections(createRng(4), K, dirs);
    const before = Math.sqrt(exactSwSquared(regionColors(region, region.u), v, dirs, K));
    const { w } = await pitie(problem, { iterations: 30, seed: 1 });
    const after = Math.sqrt(exactSwSquared(regionColors(region, w), v, dirs, K));
    expect(after).toBeLessThan(0.1 * before);
  });
});
