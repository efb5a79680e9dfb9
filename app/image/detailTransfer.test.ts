import { describe, expect, it } from 'vitest';
import { StudioError } from '../common/errors';
import { transferDetail } from './detailTransfer';
import {
  blurredFill,
  detailLevel,
  fixture,
  lowPassError,
  meanChange,
  outsideUnchanged,
  shiftedFill,
  squareMask,
} from '../testing/fillMetrics';
import { createMask } from './types';

describe('transferDetail', () => {
  it.each(['brick.png', 'grass.png', 'gravel.png'])(
    'gives a blurred fill of %s detail near the truth’s level without moving its picture',
    async (file) => {
      const truth = await fixture(file);
      const mask = squareMask(truth.width, truth.height, 192, 192, 128);
      const fill = blurredFill(truth, mask);
      const { image, holes } = transferDetail(fill, mask);
      const before = lowPassError(fill, truth, mask);
      const after = lowPassError(image, truth, mask);
      expect(after).toBeLessThan(before + 0.5);
      expect(detailLevel(fill, truth, mask)).toBeLessThan(0.1);
      expect(detailLevel(image, truth, mask)).toBeGreaterThan(0.35);
      expect(detailLevel(image, truth, mask)).toBeLessThan(1.5);
      expect(outsideUnchanged(fill, image, mask)).toBe(true);
      expect(holes).toHaveLength(1);
      expect(holes[0].applied).toBe(true);
      expect(holes[0].resultLevel).toBeGreaterThan(2 * holes[0].fillLevel);
    },
  );

  it('leaves a fill that already has the surroundings’ detail almost unchanged', async () => {
    const truth = await fixture('grass.png');
    const mask = squareMask(truth.width, truth.height, 192, 192, 128);
    // A sharp fill: grass from elsewhere in the image, mirrored.
    const fill = shiftedFill(truth, mask, 160, -150, true);
    const { image } = transferDetail(fill, mask);
    expect(Math.abs(lowPassError(image, truth, mask) - lowPassError(fill, truth, mask))).toBeLessThan(0.3);
    expect(meanChange(image, fill, mask)).toBeLessThan(0.01);
    // The truth itself: nothing to add.
    const same = transferDetail(truth, mask);
    expect(meanChange(same.image, truth, mask)).toBeLessThan(0.005);
  });

  it('treats only the selected holes and reports each', async () => {
    const truth = await fixture('gravel.png');
    const mask = squareMask(truth.width, truth.height, 64, 64, 64);
    for (let y = 320; y < 384; y++) for (let x = 320; x < 384; x++) mask.data[y * truth.width + x] = 1;
    const fill = blurredFill(truth, mask);
    const { image, holes } = transferDetail(fill, mask, { apply: (i) => i === 1 });
    expect(holes.map((h) => [h.box.x, h.applied, h.reason])).toEqual([
      [64, false, 'not-selected'],
      [320, true, 'added'],
    ]);
    const first = squareMask(truth.width, truth.height, 64, 64, 64);
    expect(meanChange(image, fill, first)).toBe(0);
    const second = squareMask(truth.width, truth.height, 320, 320, 64);
    expect(meanChange(image, fill, second)).toBeGreaterThan(0.01);
  });

  it('refuses bad options and a mask of another size', async () => {
    const truth = await fixture('brick.png');
    const mask = squareMask(truth.width, truth.height, 10, 10, 20);
    expect(() => transferDetail(truth, mask, { blockSize: 7 })).toThrow(/blockSize 7/);
    expect(() => transferDetail(truth, mask, { sigma: 0 })).toThrow(StudioError);
    expect(() => transferDetail(truth, createMask(8, 8))).toThrow(/mask is 8x8/);
  });
});
