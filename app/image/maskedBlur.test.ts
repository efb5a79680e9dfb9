import { describe, expect, it } from 'vitest';
import { StudioError } from '../common/errors';
import { maskedBlur } from './maskedBlur';
import { gaussianBlur, maskedLowPass } from './stationarity';

// A 40x10 strip: a region of the left 8 columns (value 1 there, 5 elsewhere), σ 1 (reach 3 px).
const W = 40;
const H = 10;
const plane = new Float32Array(W * H);
const region = new Uint8Array(W * H);
for (let y = 0; y < H; y++)
  for (let x = 0; x < W; x++) {
    plane[y * W + x] = x < 8 ? 1 : 5 + 0.1 * x;
    region[y * W + x] = x < 8 ? 1 : 0;
  }

describe('maskedBlur: the one masked Gaussian blur', () => {
  it('gives NaN by default where no region pixel is within reach, the region’s mean near it', () => {
    const [out] = maskedBlur([plane], W, H, region, 1);
    // next to the region: only its values (1), none of the 5s leak in
    expect(out[5 * W + 9]).toBeCloseTo(1, 6);
    // 3σ away and more: nothing measured
    expect(Number.isNaN(out[5 * W + 12])).toBe(true);
    expect(Number.isNaN(out[5 * W + 39])).toBe(true);
  });

  it("gives the plain blur there with outside 'plain'", () => {
    const [out] = maskedBlur([plane], W, H, region, 1, { outside: 'plain' });
    const [plain] = maskedBlur([plane], W, H, null, 1);
    expect(out[5 * W + 9]).toBeCloseTo(1, 6);
    expect(out[5 * W + 20]).toBe(plain[5 * W + 20]);
    expect(out[5 * W + 20]).toBeCloseTo(5 + 0.1 * 20, 4);
  });

  it('renormalises at the frame: a constant stays constant to the image’s edge', () => {
    const c = new Float32Array(W * H).fill(0.7);
    const [plain] = maskedBlur([c], W, H, null, 2);
    const [inRegion] = maskedBlur([c], W, H, region, 2);
    expect(Math.max(...plain.map((v) => Math.abs(v - 0.7)))).toBeLessThan(1e-6);
    expect(Math.abs(inRegion[0] - 0.7)).toBeLessThan(1e-6);
  });

  it("is what stationarity's gaussianBlur and maskedLowPass compute", () => {
    const two = new Float32Array(2 * W * H);
    two.set(plane);
    two.set(
      plane.map((v) => 2 * v),
      W * H,
    );
    const g = gaussianBlur(two, W, H, 2, 1.5);
    const [p0, p1] = maskedBlur([plane, plane.map((v) => 2 * v)], W, H, null, 1.5);
    expect(Array.from(g.subarray(0, W * H))).toEqual(Array.from(p0));
    expect(Array.from(g.subarray(W * H))).toEqual(Array.from(p1));
    const low = maskedLowPass(two, region, W, H, 2, 1.5);
    const [m0] = maskedBlur([plane], W, H, region, 1.5, { outside: 'plain', minWeight: 1e-3 });
    expect(Array.from(low.subarray(0, W * H))).toEqual(Array.from(m0));
    // deep outside the region the low-pass is defined (the plain blur), not NaN
    expect(low[5 * W + 30]).toBeCloseTo(5 + 0.1 * 30, 3);
  });

  it('refuses planes of another size, σ ≤ 0 and a negative minWeight', () => {
    expect(() => maskedBlur([new Float32Array(3)], 2, 2, null, 1)).toThrow(StudioError);
    expect(() => maskedBlur([plane], W, H, null, 0)).toThrow(StudioError);
    expect(() => maskedBlur([plane], W, H, null, 1, { minWeight: -1 })).toThrow(StudioError);
  });
});
