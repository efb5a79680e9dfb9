import { describe, expect, it } from 'vitest';
import { loadImage } from '../../image/load';
import type { Mask, RgbImage } from '../../image/types';
import { holeEdgeShift } from '../../image/holeRing';
import { prepareRing, ringGeometry, scoreHole } from './score';
import { bland, blob, blurFill, composite, outlined } from '../../testing/flawedFills';

async function cases(): Promise<{ name: string; truth: RgbImage; mask: Mask }[]> {
  const chelsea = (await loadImage('fixtures/images/chelsea.png')).image;
  const brick = (await loadImage('fixtures/images/brick.png')).image;
  return [
    { name: 'chelsea forehead', truth: chelsea, mask: blob(chelsea.width, chelsea.height, 250, 60, 24) },
    { name: 'chelsea cheek', truth: chelsea, mask: blob(chelsea.width, chelsea.height, 90, 190, 24) },
    { name: 'brick', truth: brick, mask: blob(brick.width, brick.height, 256, 256, 50) },
  ];
}

describe('no-reference hole score', () => {
  it('ranks the truth better than a blurred, a colour-shifted and an outlined version of it', async () => {
    for (const { name, truth, mask } of await cases()) {
      const geo = ringGeometry(mask, mask);
      const t = scoreHole(truth, geo);
      const blurred = scoreHole(blurFill(truth, mask), geo);
      const shifted = scoreHole(composite(truth, bland(truth), mask), geo);
      const seamed = scoreHole(outlined(truth, mask), geo);
      expect(blurred.total, name).toBeGreaterThan(t.total);
      expect(blurred.detail, name).toBeGreaterThan(t.detail);
      expect(shifted.total, name).toBeGreaterThan(t.total);
      expect(shifted.color, name).toBeGreaterThan(t.color);
      expect(seamed.total, name).toBeGreaterThan(t.total);
      expect(seamed.seam, name).toBeGreaterThan(t.seam);
    }
  }, 60000);

  it('gives finite terms >= 0, and 0 for a hole with no ring', async () => {
    const [{ truth, mask }] = await cases();
    const s = scoreHole(truth, ringGeometry(mask, mask));
    for (const v of Object.values(s)) {
      expect(Number.isFinite(v)).toBe(true);
      expect(v).toBeGreaterThanOrEqual(0);
    }
    const all: Mask = {
      width: truth.width,
      height: truth.height,
      data: new Uint8Array(truth.width * truth.height).fill(1),
    };
    expect(scoreHole(truth, ringGeometry(all, all)).total).toBe(0);
  });

  it("the ring's share made once from one candidate scores another exactly as from scratch", async () => {
    for (const { name, truth, mask } of (await cases()).slice(0, 2)) {
      const geo = ringGeometry(mask, mask);
      const ring = prepareRing(truth, geo);
      for (const fill of [
        blurFill(truth, mask),
        composite(truth, bland(truth), mask),
        outlined(truth, mask),
      ]) {
        const fresh = scoreHole(fill, geo);
        expect(scoreHole(fill, geo, ring), name).toEqual(fresh);
        expect(fresh.colorShift, name).toBeCloseTo(holeEdgeShift(fill, geo).shift, 4);
      }
    }
  }, 60000);
});
