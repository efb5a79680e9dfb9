import { describe, expect, it } from 'vitest';
import { psnr } from '../../image/metrics';
import { maskBlocks } from './grid';
import type { BlockMatch } from './match';
import { featherPaste, hardPaste } from './paste';
import { poissonPaste } from './poisson';
import { seamContrast } from '../../testing/seamContrast';
import { discMask, periodicTexture, roughFill } from '../../testing/blockmatchImages';
import { changedOutside } from '../../testing/masks';

const W = 240;
const H = 224;
const b = 16;

/** Matches whose sources are the block moved by whole periods (so each copies the truth exactly). */
function inPhase(mask: ReturnType<typeof discMask>, shift: (i: number) => [number, number]): BlockMatch[] {
  return maskBlocks(mask, b).map((blk, i) => {
    const [dx, dy] = shift(i);
    return {
      x: blk.x,
      y: blk.y,
      size: b,
      holePixels: blk.holePixels,
      source: { x: blk.x + dx, y: blk.y + dy },
      score: 1,
      objective: 1,
      distance: Math.hypot(dx, dy),
      histogramDistance: 0,
      histogramRejections: 0,
      rejected: false,
    };
  });
}

describe('pasting matched blocks', () => {
  const truth = periodicTexture(W, H, 20, 16);
  const mask = discMask(W, H, 120, 100, 22);
  const image = roughFill(truth, mask);
  // Every block from a different copy (left, right, up, down by whole periods): all agree with the truth.
  const shifts: [number, number][] = [
    [-80, 0],
    [80, 0],
    [0, -64],
    [0, 64],
  ];
  const consistent = inPhase(mask, (i) => shifts[i % 4]);

  it('hard, feathered and Poisson pastes of consistent sources give back the truth', async () => {
    expect(psnr(hardPaste(image, mask, consistent), truth, mask)).toBe(Infinity);
    // Feathering cross-fades identical copies: exact up to float rounding without the soft edge.
    expect(psnr(featherPaste(image, mask, consistent, 0), truth, mask)).toBe(Infinity);
    expect(psnr(featherPaste(image, mask, consistent, 6), truth, mask)).toBeGreaterThan(
      psnr(image, truth, mask),
    );
    const p = await poissonPaste(image, mask, consistent, featherPaste(image, mask, consistent, 6));
    expect(p.relativeResidual).toBeLessThanOrEqual(1e-6);
    expect(psnr(p.image, truth, mask)).toBeGreaterThan(90);
  });

  it('hides the seams of mismatched blocks: feathered and Poisson seams are fainter than hard ones', async () => {
    // Out of phase and, for every other block, from a brighter copy: visible seams when pasted hard.
    const bright = { ...image, data: image.data.slice() };
    const n = W * H;
    for (let y = 0; y < H; y++)
      for (let x = 150; x < W; x++) for (let c = 0; c < 3; c++) bright.data[c * n + y * W + x] += 0.15;
    const mismatched = inPhase(mask, (i) => (i % 2 ? [87, 5] : [-77, 3]));
    const hard = seamContrast(hardPaste(bright, mask, mismatched), mask, b).ratio;
    const feathered = featherPaste(bright, mask, mismatched, 6);
    const soft = seamContrast(feathered, mask, b).ratio;
    const poisson = seamContrast(
      (await poissonPaste(bright, mask, mismatched, feathered)).image,
      mask,
      b,
    ).ratio;
    expect(hard).toBeGreaterThan(1.5);
    expect(soft).toBeLessThan(hard * 0.7);
    expect(poisson).toBeLessThan(hard * 0.7);
    for (const out of [hardPaste(bright, mask, mismatched), feathered])
      expect(changedOutside(out, bright, mask)).toBe(0);
  });

  it('keeps a rejected block as it was', () => {
    const matches = consistent.map((m, i) => (i === 0 ? { ...m, source: null, rejected: true } : m));
    const out = hardPaste(image, mask, matches);
    const m = matches[0];
    for (let y = m.y; y < m.y + b; y++)
      for (let x = m.x; x < m.x + b; x++) expect(out.data[y * W + x]).toBe(image.data[y * W + x]);
  });
});
