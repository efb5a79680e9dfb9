// The sampling area in the texture stage's exemplar (issue 15 §4): the automatic exemplar (the hole's
// surroundings, or block matching's choice) uses only pixels inside the area; a hand-given exemplar
// rectangle is honoured as drawn.
import { describe, expect, it } from 'vitest';
import { createImage, createMask, type Mask } from '../../image/types';
import { planExemplar, planWork } from './plan';

const W = 96,
  H = 64;
const image = createImage(W, H);
image.data.fill(0.5);
const hole = createMask(W, H);
for (let y = 24; y < 40; y++) for (let x = 40; x < 56; x++) hole.data[y * W + x] = 1;

/** May sample only at x >= from. */
function rightOf(from: number): Mask {
  const m = createMask(W, H);
  for (let y = 0; y < H; y++) for (let x = from; x < W; x++) m.data[y * W + x] = 1;
  return m;
}

const params = { exemplar: null };

describe('texture exemplar: sampling area', () => {
  it('the surroundings exemplar uses only pixels inside the area', () => {
    const work = planWork(image, hole, 16, 512)!;
    const area = rightOf(60);
    const ex = planExemplar(image, hole, work, params, {}, 16, area);
    expect(ex.source).toBe('surroundings');
    let valid = 0;
    for (let y = 0; y < ex.rect.height; y++)
      for (let x = 0; x < ex.rect.width; x++) {
        const ix = ex.rect.x + x,
          iy = ex.rect.y + y;
        const expected = !hole.data[iy * W + ix] && area.data[iy * W + ix] ? 1 : 0;
        expect(ex.valid![y * ex.rect.width + x], `${ix},${iy}`).toBe(expected);
        valid += expected;
      }
    expect(valid).toBeGreaterThan(0);
  });

  it('block matching’s exemplar is cut to the area too (scaled work as well)', () => {
    const work = planWork(image, hole, 16, 32)!;
    expect(work.scale).toBeLessThan(1);
    const ex = planExemplar(
      image,
      hole,
      work,
      params,
      { exemplar: { x: 0, y: 0, width: 96, height: 64 } },
      16,
      rightOf(48),
    );
    expect(ex.source).toBe('blockmatch');
    // Left of the area (scaled: the first column) nothing is valid.
    const w = ex.image.width;
    for (let y = 0; y < ex.image.height; y++) expect(ex.valid![y * w]).toBe(0);
    expect(ex.valid!.some((v) => v === 1)).toBe(true);
  });

  it('surroundings with nothing inside the area give way to the area itself', () => {
    const work = planWork(image, hole, 8, 512)!;
    const far = rightOf(88);
    const ex = planExemplar(image, hole, work, params, {}, 8, far);
    expect(ex.rect.x).toBeGreaterThanOrEqual(88);
    expect(ex.valid!.every((v) => v === 1)).toBe(true);
  });

  it('honours a hand-given exemplar rectangle as drawn', () => {
    const work = planWork(image, hole, 16, 512)!;
    const rect = { x: 0, y: 0, width: 32, height: 32 };
    const ex = planExemplar(image, hole, work, { exemplar: rect }, {}, 16, rightOf(60));
    expect(ex.source).toBe('rect');
    expect(ex.valid!.every((v) => v === 1)).toBe(true);
  });
});
