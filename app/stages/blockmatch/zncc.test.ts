import { describe, expect, it } from 'vitest';
import { buildPyramid, fullSizeVariances, scanLevel, sideAt } from './pyramid';
import { noiseTexture } from '../../testing/blockmatchImages';
import { gainMap, makeTemplate, scoreAt, ssimConstant, templateVariance } from './zncc';

describe('block similarity', () => {
  const tex = noiseTexture(64, 48, 7);
  const level = buildPyramid(tex, 0)[0];

  it('scores a block 1 against itself and against any brightness and contrast change of it', () => {
    const t = makeTemplate(level, 10, 12, 16, 'zncc');
    expect(scoreAt(level, 10, 12, t, 16, 'zncc')).toBeCloseTo(1, 6); // float32 template
    const changed = { ...level, data: level.data.map((v, i) => 0.3 * v + (i < 64 * 48 ? 0.4 : 0.1)) };
    expect(scoreAt(changed, 10, 12, t, 16, 'zncc')).toBeCloseTo(1, 5);
    // A flat window scores 0.
    const flat = { ...level, data: new Float32Array(level.data.length).fill(0.5) };
    expect(scoreAt(flat, 10, 12, t, 16, 'zncc')).toBe(0);
  });

  it('raw correlation prefers a brighter copy of the block, normalised correlation does not', () => {
    const bright = { ...level, data: level.data.map((v) => Math.min(1, v + 0.3)) };
    const raw = makeTemplate(level, 10, 12, 16, 'raw');
    expect(scoreAt(bright, 10, 12, raw, 16, 'raw')).toBeGreaterThan(scoreAt(level, 10, 12, raw, 16, 'raw'));
    const zn = makeTemplate(level, 10, 12, 16, 'zncc');
    expect(scoreAt(bright, 10, 12, zn, 16, 'zncc')).toBeCloseTo(scoreAt(level, 10, 12, zn, 16, 'zncc'), 4);
  });

  it('gain x correlation with the template is the score at every position', () => {
    const k = 8;
    const t = makeTemplate(level, 30, 20, k, 'zncc');
    const gain = gainMap(level, k, 'zncc');
    const wp = level.width - k + 1;
    const n = level.width * level.height;
    for (const [x, y] of [
      [0, 0],
      [5, 33],
      [wp - 1, 40],
      [30, 20],
    ]) {
      let corr = 0;
      for (let c = 0; c < 3; c++)
        for (let r = 0; r < k; r++)
          for (let q = 0; q < k; q++)
            corr += level.data[c * n + (y + r) * level.width + x + q] * t[c * k * k + r * k + q];
      expect(corr * gain[y * wp + x]).toBeCloseTo(scoreAt(level, x, y, t, k, 'zncc'), 5);
    }
  });

  it('ssim: 1 for the block itself and for a brightness change, less for a contrast change, 1 for two flat blocks', () => {
    const t = makeTemplate(level, 10, 12, 16, 'ssim');
    expect(scoreAt(level, 10, 12, t, 16, 'ssim')).toBeCloseTo(1, 6);
    const n = 64 * 48;
    const brighter = { ...level, data: level.data.map((v, i) => v + (i < n ? 0.2 : 0.05)) };
    expect(scoreAt(brighter, 10, 12, t, 16, 'ssim')).toBeCloseTo(1, 5);
    // Contrast x a: 2a / (1 + a^2) when the texture dominates C; zncc stays 1.
    const a = 4;
    const mean = level.data.reduce((s, v) => s + v, 0) / level.data.length;
    const stronger = { ...level, data: level.data.map((v) => mean + a * (v - mean)) };
    const s = scoreAt(stronger, 10, 12, t, 16, 'ssim');
    expect(s).toBeLessThan(0.55);
    expect(s).toBeGreaterThan(0.3);
    const zn = makeTemplate(level, 10, 12, 16, 'zncc');
    expect(scoreAt(stronger, 10, 12, zn, 16, 'zncc')).toBeCloseTo(1, 5);
    const flat = { ...level, data: new Float32Array(level.data.length).fill(0.5) };
    const ft = makeTemplate(flat, 3, 3, 16, 'ssim');
    expect(scoreAt(flat, 30, 20, ft, 16, 'ssim')).toBe(1);
    // Against a flat block the textured one scores C / (var_s + C): low.
    expect(scoreAt(level, 10, 12, ft, 16, 'ssim')).toBeLessThan(0.5);
  });

  it('ssim: (correlation + C) / (var_s + var_t + C) from the gain map is the score at every position', () => {
    const k = 8;
    const t = makeTemplate(level, 30, 20, k, 'ssim');
    const varS = gainMap(level, k, 'ssim');
    const C = ssimConstant(k);
    const wp = level.width - k + 1;
    const n = level.width * level.height;
    for (const [x, y] of [
      [0, 0],
      [5, 33],
      [wp - 1, 40],
    ]) {
      let corr = 0;
      for (let c = 0; c < 3; c++)
        for (let r = 0; r < k; r++)
          for (let q = 0; q < k; q++)
            corr += level.data[c * n + (y + r) * level.width + x + q] * t[c * k * k + r * k + q];
      expect((corr + C) / (varS[y * wp + x] + templateVariance(t) + C)).toBeCloseTo(
        scoreAt(level, x, y, t, k, 'ssim'),
        5,
      );
    }
  });

  it('full-size window variances of a coarse level are the full-size blocks’ own, scaled to the level', () => {
    const b = 12;
    const levels = buildPyramid(tex, 2);
    const lv = levels[2];
    const k = sideAt(b, lv);
    const wp = lv.width - k + 1;
    const hp = lv.height - k + 1;
    const map = fullSizeVariances(tex, b, lv.factor, k, wp, hp);
    const n = tex.width * tex.height;
    for (const [u, v] of [
      [0, 0],
      [3, 5],
      [wp - 1, hp - 1],
    ]) {
      const x = Math.min(u * 4, tex.width - b);
      const y = Math.min(v * 4, tex.height - b);
      let sum = 0;
      for (let c = 0; c < 3; c++) {
        let s1 = 0;
        let s2 = 0;
        for (let r = 0; r < b; r++)
          for (let q = 0; q < b; q++) {
            const p = tex.data[c * n + (y + r) * tex.width + x + q];
            s1 += p;
            s2 += p * p;
          }
        sum += s2 - (s1 * s1) / (b * b);
      }
      expect(map[v * wp + u]).toBeCloseTo((sum * k * k) / (b * b), 5);
    }
  });

  it('scans the finest level that fits the budget, keeping blocks at least 4 pixels wide', () => {
    expect(scanLevel(32, 3840, 2160, 478, 4, 6e10)).toBe(2);
    expect(scanLevel(32, 512, 512, 30, 4, 6e10)).toBe(0);
    expect(scanLevel(8, 3840, 2160, 6000, 4, 6e10)).toBe(1);
    expect(scanLevel(128, 3840, 2160, 45, 4, 1)).toBe(5);
  });
});
