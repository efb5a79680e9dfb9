import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cropImage } from '../../image/crop';
import { loadImage } from '../../image/load';
import { createMask, type RgbImage } from '../../image/types';
import { Random } from '../../graph/random';
import { randomNetwork } from './randomNetwork';
import { ownSessions } from './sessions';
import { spectrumTarget } from './spectrum';
import { logPowerSpectrum, spectrumDistance } from '../../testing/spectrum';
import { synthesize, type SynthesisInput } from './synthesize';

/** The project's copies of the scikit-image textures (fixtures/README.md). */
const FIXTURES = path.resolve('fixtures/images');
const S = 96,
  HOLE = 32;
const O = (S - HOLE) / 2;
const HOLE_RECT = { x: O, y: O, width: HOLE, height: HOLE };
const sessions = ownSessions({ providers: ['cpu'], intraOpThreads: 1 });

function setup(full: RgbImage, x = 200, y = 200) {
  const truth = cropImage(full, { x, y, width: S, height: S });
  const hole = createMask(S, S);
  for (let r = O; r < O + HOLE; r++) for (let c = O; c < O + HOLE; c++) hole.data[r * S + c] = 1;
  const valid = Uint8Array.from(hole.data, (v) => 1 - v);
  const rnd = new Random(1);
  const noise: RgbImage = { width: S, height: S, data: truth.data.slice() };
  for (let i = 0; i < S * S; i++)
    if (hole.data[i]) {
      const v = 0.5 + 0.2 * rnd.normal();
      for (let c = 0; c < 3; c++) noise.data[c * S * S + i] = v;
    }
  const input = (start: RgbImage): SynthesisInput => ({
    image: truth,
    hole,
    start,
    exemplar: { image: truth, valid },
  });
  return { truth, noise, input };
}

/** Spectrum distance of the hole window to the truth's, and the natural level: other real windows' distance to it. */
function spectra(img: RgbImage, truth: RgbImage) {
  const t = logPowerSpectrum(truth, HOLE_RECT);
  const natural = [
    { x: 0, y: 0 },
    { x: S - HOLE, y: 0 },
    { x: 0, y: S - HOLE },
    { x: S - HOLE, y: S - HOLE },
  ].map((p) => spectrumDistance(logPowerSpectrum(truth, { ...HOLE_RECT, ...p }), t));
  return { fill: spectrumDistance(logPowerSpectrum(img, HOLE_RECT), t), natural: Math.max(...natural) };
}

/**
 * With the embedded network and a noise start, a 32 px hole in a 96 px crop of each texture fixture
 * is refilled until its statistics are about as close to the surroundings' as the true pixels' are:
 * - Gram: the texture term of the truth itself is the natural floor (two patches of one texture never
 *   have identical Grams); the fill must end within 3× of it, starting from about 10–100× above.
 * - Power spectrum: the hole window's log power spectrum must end no farther from the truth's than
 *   1.25× the farthest of four real windows of the same crop (the natural spread), starting from
 *   noise, which is farther than that.
 */
describe('texture statistics from noise on the fixtures', () => {
  it.each(['brick', 'grass', 'gravel'])('%s', async (name) => {
    const full = (await loadImage(path.join(FIXTURES, `${name}.png`))).image;
    const { truth, noise, input } = setup(full);
    const opts = { network: randomNetwork(), borderWeight: 0, sessions };
    const floor = (await synthesize(input(truth), { ...opts, iterations: 0 })).terms.texture;
    const r = await synthesize(input(noise), { ...opts, iterations: 40 });
    const before = spectra(noise, truth);
    const after = spectra(r.image, truth);
    console.log(
      `${name}: texture term noise ${r.lossStart.toFixed(4)} → ${r.terms.texture.toFixed(4)}, truth ${floor.toFixed(4)}; ` +
        `spectrum distance noise ${before.fill.toFixed(2)} → ${after.fill.toFixed(2)}, natural ${after.natural.toFixed(2)}`,
    );
    expect(r.terms.texture).toBeLessThan(r.lossStart / 10);
    expect(r.terms.texture).toBeLessThan(3 * floor);
    expect(before.fill).toBeGreaterThan(1.25 * before.natural);
    expect(after.fill).toBeLessThan(1.25 * after.natural);
  });

  it('the spectrum term brings the fill’s spectrum closer to the truth’s on brick (periodicity)', async () => {
    const full = (await loadImage(path.join(FIXTURES, 'brick.png'))).image;
    const { truth, noise, input } = setup(full);
    // The target: hole-free 96 px windows of the same wall, away from the crop.
    const windows = [0, 1, 2, 3].map((k) => cropImage(full, { x: 16 + 100 * k, y: 20, width: S, height: S }));
    const target = await spectrumTarget(windows, S, S, sessions);
    const opts = { network: randomNetwork(), borderWeight: 0, sessions, iterations: 40 };
    const plain = await synthesize(input(noise), opts);
    const withSpectrum = await synthesize(
      { ...input(noise), spectrumTarget: target },
      { ...opts, spectrumWeight: 2 },
    );
    const a = spectra(plain.image, truth).fill;
    const b = spectra(withSpectrum.image, truth).fill;
    console.log(
      `brick spectrum distance to truth: Gram only ${a.toFixed(3)}, with spectrum term ${b.toFixed(3)}`,
    );
    expect(withSpectrum.terms.spectrum).toBeDefined();
    expect(b).toBeLessThan(a);
  });
});
