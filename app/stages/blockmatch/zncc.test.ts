import { describe, expect, it } from 'vitest';
import { buildPyramid, scanLevel } from './pyramid';
import { noiseTexture } from './testImages';
import { gainMap, makeTemplate, scoreAt } from './zncc';

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

  it('scans the finest level that fits the budget, keeping blocks at least 4 pixels wide', () => {
    expect(scanLevel(32, 3840, 2160, 478, 4, 6e10)).toBe(2);
    expect(scanLevel(32, 512, 512, 30, 4, 6e10)).toBe(0);
    expect(scanLevel(8, 3840, 2160, 6000, 4, 6e10)).toBe(1);
    expect(scanLevel(128, 3840, 2160, 45, 4, 1)).toBe(5);
  });
});
