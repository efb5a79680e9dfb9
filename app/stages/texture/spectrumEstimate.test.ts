import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cropImage } from '../../image/crop';
import { loadImage } from '../../image/load';
import { ownSessions } from './sessions';
import { spectrumTarget } from './spectrum';
import { estimatedSpectrumTarget, resampleSpectrum, welchWindows } from './spectrumEstimate';

const sessions = ownSessions({ providers: ['cpu'], intraOpThreads: 1 });

describe('spectrum target estimated from smaller windows', () => {
  it('resamples a spectrum onto another grid at the same frequencies', () => {
    const side = 16;
    const small = new Float32Array(side * side);
    // A peak at (fx, fy) = (2/16, −3/16) cycles per pixel.
    small[(side - 3) * side + 2] = 1;
    expect(resampleSpectrum(small, side, side, side)).toEqual(small);
    const big = resampleSpectrum(small, side, 64, 48);
    let best = 0;
    for (let i = 1; i < big.length; i++) if (big[i] > big[best]) best = i;
    expect(best % 64).toBe(8); // 2/16 of 64
    expect(Math.floor(best / 64)).toBe(48 - 9); // −3/16 of 48
    expect(big[best]).toBeCloseTo(1, 5);
  });

  it('finds hole-free windows only, the largest side that gives two', () => {
    const image = { width: 100, height: 60, data: new Float32Array(3 * 6000) };
    const valid = new Uint8Array(6000).fill(1);
    for (let y = 20; y < 40; y++) for (let x = 40; x < 60; x++) valid[y * 100 + x] = 0;
    const { side, windows } = welchWindows({ image, valid }, 80);
    expect(side).toBeGreaterThanOrEqual(24);
    expect(windows.length).toBeGreaterThanOrEqual(2);
    expect(welchWindows({ image, valid: new Uint8Array(6000) }, 80).windows).toEqual([]);
  });

  it('agrees with the crop-size target on brick', async () => {
    const brick = cropImage((await loadImage(path.resolve('fixtures/images/brick.png'))).image, {
      x: 150,
      y: 150,
      width: 192,
      height: 192,
    });
    const exact = await spectrumTarget([brick], 192, 192, sessions);
    const est = await estimatedSpectrumTarget({ image: brick, valid: null }, 1, 192, 192, sessions);
    expect(est).not.toBeNull();
    expect(est!.side).toBeLessThan(192);
    // Correlation of the log moduli, and the total energy within a factor 2.
    const a = Array.from(exact, (v) => Math.log(v + 1e-3));
    const b = Array.from(est!.target, (v) => Math.log(v + 1e-3));
    const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
    const ma = mean(a),
      mb = mean(b);
    let sab = 0,
      saa = 0,
      sbb = 0;
    for (let i = 0; i < a.length; i++) {
      sab += (a[i] - ma) * (b[i] - mb);
      saa += (a[i] - ma) ** 2;
      sbb += (b[i] - mb) ** 2;
    }
    expect(sab / Math.sqrt(saa * sbb)).toBeGreaterThan(0.8);
    const energy = (v: Float32Array) => v.reduce((s, x) => s + x * x, 0);
    const ratio = energy(est!.target) / energy(exact);
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });
});
