import { describe, expect, it } from 'vitest';
import { embeddedFill } from './index';
import { patchMatchFill } from '../../../image/fill/patchMatch';
import { chooseRegions, FSR_MAX_DEPTH } from './regionChoice';
import { imageFrom, maskFrom } from '../../../testing/fillImages';
import { hashNoise as hash } from '../../../common/random';

/** Brown fur: noise smeared along a slanted direction (streaks a few px long), as chelsea's. */
function fur(x: number, y: number): [number, number, number] {
  let s = 0;
  for (let k = -4; k <= 4; k++) s += hash(x + k, y + Math.round(0.4 * k));
  const f = 0.55 + 0.5 * (s / 9 - 0.5);
  return [0.85 * f, 0.65 * f, 0.42 * f];
}

const SIZE = 256;
const EYE = { x: 128, y: 128, r: 40 };

/** Fur with a cat's eye: a smooth yellow-green iris, a dark rim and a dark slit pupil. */
const eyeInFur = imageFrom(SIZE, SIZE, (x, y) => {
  const d = Math.hypot(x - EYE.x, y - EYE.y);
  if (d > EYE.r) return fur(x, y);
  if (d > EYE.r - 4) return [0.12, 0.09, 0.06];
  if (Math.abs(x - EYE.x) < 5 - Math.abs(y - EYE.y) / 8) return [0.05, 0.05, 0.05];
  const s = 0.85 - 0.25 * (d / EYE.r);
  return [0.75 * s, 0.72 * s, 0.3 * s];
});
const plainFur = imageFrom(SIZE, SIZE, fur);

/**
 * A blob over most of the eye (its lower right stays known) joined to long thin brush strokes through
 * the fur, one 8-connected hole, as on the photo bench's chelsea.
 */
const blobAndStrokes = maskFrom(SIZE, SIZE, (x, y) => {
  if (Math.hypot(x - (EYE.x - 12), y - (EYE.y - 12)) < 26) return true;
  const stroke = (y0: number, x0: number, x1: number) => Math.abs(y - y0) < 3 && x >= x0 && x <= x1;
  const down = (x0: number, y0: number, y1: number) => Math.abs(x - x0) < 3 && y >= y0 && y <= y1;
  return stroke(EYE.y - 12, 20, EYE.x - 12) || down(20, 30, 226) || stroke(226, 20, 200);
});

describe('chooseRegions', () => {
  it('keeps a structured disc in fur with FSR: the deep part of the hole is classified on its own', () => {
    const { regions, refine } = chooseRegions(eyeInFur, blobAndStrokes);
    expect(refine).toBeNull();
    const deep = regions.filter((r) => r.kind !== null);
    expect(deep.length).toBeGreaterThan(0);
    for (const r of deep) expect(r.kind).toBe('object');
  });

  it('refines only the deep part of a hole in fur, not the thin strokes joined to it', () => {
    const { refine } = chooseRegions(plainFur, blobAndStrokes);
    expect(refine).not.toBeNull();
    const at = (x: number, y: number) => refine!.data[y * SIZE + x];
    expect(at(EYE.x - 12, EYE.y - 12)).toBe(1);
    expect(at(20, 128)).toBe(0);
    expect(at(150, 226)).toBe(0);
  });

  // A disc deeper than FSR's reach and a small one, in fur (a textured surround: the small one is
  // FSR's refined by PatchMatch), far enough apart to be chosen for separately.
  const W = 3 * FSR_MAX_DEPTH + 200;
  const bigFur = imageFrom(W, W, fur);
  const deepR = FSR_MAX_DEPTH + 8;
  const deepDisc = (x: number, y: number) => Math.hypot(x - deepR - 20, y - deepR - 20) < deepR;
  const smallDisc = (x: number, y: number) => Math.hypot(x - (W - 40), y - (W - 40)) < 20;

  it('routes a hole deeper than FSR reaches to PatchMatch alone, and a small one still to FSR', () => {
    const { regions, refine, replace } = chooseRegions(
      bigFur,
      maskFrom(W, W, (x, y) => deepDisc(x, y) || smallDisc(x, y)),
    );
    const deep = regions.find((r) => r.width > FSR_MAX_DEPTH)!;
    const small = regions.find((r) => r.width < 30)!;
    expect(deep.method).toBe('patchmatch');
    expect(small.method).not.toBe('patchmatch');
    expect(small.method.startsWith('fsr')).toBe(true);
    expect(replace!.data[(deepR + 20) * W + deepR + 20]).toBe(1);
    expect(replace!.data[(W - 40) * W + W - 40]).toBe(0);
    expect(refine!.data[(deepR + 20) * W + deepR + 20]).toBe(0);
  });

  it("fills a deep hole with PatchMatch's fill, not FSR's", () => {
    const mask = maskFrom(W, W, deepDisc);
    // The crop around the disc is the whole image here, so auto's fill is PatchMatch's exactly.
    const auto = embeddedFill(bigFur, mask, { method: 'auto', seed: 4 });
    expect(auto.data).toEqual(patchMatchFill(bigFur, mask, { seed: 4 }).data);
  });
});
