import { describe, expect, it } from 'vitest';
import { StudioError } from '../../../common/errors';
import { createMask } from '../../../image/types';
import { FSR, fsrFill, fsrFillAsync, planBlocks } from './fsr';
import { pushPullFill } from '../../../image/fill/pushPull';
import { imageFrom, maskFrom, noiseImage } from '../../../testing/fillImages';
import { changedOutside } from '../../../testing/masks';

/** Mean absolute error over the hole's pixels, all channels. */
function holeError(a: { data: Float32Array }, b: { data: Float32Array }, mask: { data: Uint8Array }): number {
  const n = mask.data.length;
  let e = 0,
    k = 0;
  for (let i = 0; i < n; i++) {
    if (!mask.data[i]) continue;
    for (let c = 0; c < 3; c++) e += Math.abs(a.data[c * n + i] - b.data[c * n + i]);
    k += 3;
  }
  return e / k;
}

/** A smooth shaded background crossed by a bright diagonal bar 4 px wide (a rim, a stem). */
const bar = imageFrom(96, 96, (x, y) => {
  const on = Math.abs(x - y - 4) < 2.5;
  const s = 0.25 + 0.35 * (x / 96) + 0.1 * (y / 96);
  return on ? [0.95, 0.9, 0.8] : [s, 0.8 * s, 0.5];
});
/** A stroke 10 px wide across the bar. */
const stroke = maskFrom(96, 96, (x, y) => Math.abs(x + y - 100) < 5 && x > 10 && x < 86);

describe('fsrFill', () => {
  it('changes nothing outside the hole (bit-exact)', () => {
    const img = noiseImage(70, 50, 3);
    const mask = maskFrom(70, 50, (x, y) => Math.hypot(x - 30, y - 22) < 9 || (y === 40 && x > 5));
    const out = fsrFill(img, mask);
    expect(changedOutside(img, out, mask)).toBe(0);
    expect(out).not.toBe(img);
  });

  it('continues a bar and smooth shading across a stroke, closer than push-pull', () => {
    const out = fsrFill(bar, stroke);
    const fsrErr = holeError(out, bar, stroke);
    const ppErr = holeError(pushPullFill(bar, stroke), bar, stroke);
    expect(fsrErr).toBeLessThan(0.03);
    expect(fsrErr).toBeLessThan(0.5 * ppErr);
    // The bar's pixels inside the hole come back bright.
    let sum = 0,
      k = 0;
    for (let y = 0; y < 96; y++)
      for (let x = 0; x < 96; x++)
        if (stroke.data[y * 96 + x] && Math.abs(x - y - 4) < 1.5) {
          sum += out.data[y * 96 + x];
          k++;
        }
    expect(k).toBeGreaterThan(4);
    expect(sum / k).toBeGreaterThan(0.8);
  });

  it('never reads the hole: NaN there leaves every output pixel finite, in 0..1', () => {
    const img = imageFrom(80, 80, (x, y) => [0.3 + 0.004 * x, 0.5, 0.2 + 0.005 * y]);
    // A large square hole: its middle blocks have nothing known in their windows at first.
    const mask = maskFrom(80, 80, (x, y) => x >= 12 && x < 68 && y >= 12 && y < 68);
    const n = 80 * 80;
    for (let i = 0; i < n; i++) if (mask.data[i]) img.data[i] = img.data[n + i] = img.data[2 * n + i] = NaN;
    const out = fsrFill(img, mask);
    for (const v of out.data) {
      expect(Number.isFinite(v)).toBe(true);
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }
    // The ramps are continued into the middle of the square, roughly (28 px from any known pixel).
    const mid = 40 * 80 + 40;
    expect(Math.abs(out.data[mid] - (0.3 + 0.004 * 40))).toBeLessThan(0.08);
    expect(Math.abs(out.data[2 * n + mid] - (0.2 + 0.005 * 40))).toBeLessThan(0.08);
  });

  it('uses large blocks where the surroundings are smooth and small ones in texture', () => {
    const smooth = imageFrom(64, 64, (x) => [0.5 + 0.001 * x, 0.5, 0.5]);
    const mask = maskFrom(64, 64, (x, y) => x >= 20 && x < 28 && y >= 20 && y < 28);
    const a = planBlocks(smooth, mask);
    expect(a[0].length).toBeGreaterThan(0);
    expect(a[1].length + a[2].length).toBe(0);
    const b = planBlocks(noiseImage(64, 64, 9), mask);
    expect(b[0].length + b[1].length).toBe(0);
    expect(b[2].every((blk) => blk.size === FSR.blockSizes[2])).toBe(true);
    // Every hole pixel lies in exactly one planned block.
    const cover = new Uint8Array(64 * 64);
    for (const level of b)
      for (const blk of level)
        for (let y = blk.y; y < blk.y + blk.size; y++)
          for (let x = blk.x; x < blk.x + blk.size; x++) cover[y * 64 + x]++;
    for (let i = 0; i < cover.length; i++) if (mask.data[i]) expect(cover[i]).toBe(1);
  });

  it('is deterministic and the same synchronously and asynchronously', async () => {
    const a = fsrFill(bar, stroke);
    expect(fsrFill(bar, stroke).data).toEqual(a.data);
    expect((await fsrFillAsync(bar, stroke)).data).toEqual(a.data);
  });

  it('reports progress up to its total', () => {
    const steps: [number, number][] = [];
    fsrFill(bar, stroke, { onProgress: (s, t) => steps.push([s, t]) });
    expect(steps.length).toBeGreaterThan(1);
    for (let i = 1; i < steps.length; i++) expect(steps[i][0]).toBeGreaterThan(steps[i - 1][0]);
    const [last, total] = steps[steps.length - 1];
    expect(last).toBe(total);
  });

  it('stops with CANCELLED when cancelled at any progress step, or before it starts', async () => {
    const reports: number[] = [];
    fsrFill(bar, stroke, { onProgress: (s) => reports.push(s) });
    // Abort from within each report but the last (after it the fill only returns).
    for (let k = 0; k < reports.length - 1; k++) {
      const ac = new AbortController();
      let seen = 0;
      const run = () =>
        fsrFill(bar, stroke, {
          signal: ac.signal,
          onProgress: () => {
            if (seen++ === k) ac.abort();
          },
        });
      expect(run).toThrow(expect.objectContaining({ code: 'CANCELLED' }));
    }
    const ac = new AbortController();
    ac.abort();
    await expect(fsrFillAsync(bar, stroke, { signal: ac.signal })).rejects.toMatchObject({
      code: 'CANCELLED',
    });
    // Cancelled while the async fill yields between rounds.
    const late = new AbortController();
    const p = fsrFillAsync(bar, stroke, { signal: late.signal, onProgress: () => late.abort() });
    await expect(p).rejects.toMatchObject({ code: 'CANCELLED' });
  });

  it('returns a copy for an empty mask and refuses bad masks', () => {
    const img = noiseImage(20, 20, 1);
    const out = fsrFill(img, createMask(20, 20));
    expect(out.data).toEqual(img.data);
    expect(out.data).not.toBe(img.data);
    const full = maskFrom(20, 20, () => true);
    expect(() => fsrFill(img, full)).toThrow(StudioError);
    expect(() => fsrFill(img, full)).toThrow(expect.objectContaining({ code: 'PARAM_INVALID' }));
    expect(() => fsrFill(img, createMask(21, 20))).toThrow(expect.objectContaining({ code: 'MASK_SIZE' }));
  });
});
