import { describe, expect, it } from 'vitest';
import { resolveParams } from '../../common/params';
import { createImage, type Mask, type RgbImage } from '../../image/types';
import { labToSrgb, SpaceConverter, srgbToLab } from './colorSpace';
import { COLOR_PARAMS } from './params';
import { applyMap, fitEdgeMap, IDENTITY_MAP, MIN_PAIRS, plausibleRingSamples } from './plausible';
import { ringPixels } from './reference';
import { buildRegion } from './region';
import { createRng } from './rng';
import { colorStage } from './stage';
import { testContext } from '../../testing/colorScenes';
import { rectMask } from '../../testing/masks';

describe('edge colour map', () => {
  it('recovers a lightness gain, a chroma gain with a hue rotation and a shift, despite outliers', () => {
    const rng = createRng(3);
    const m = 400;
    const src = new Float64Array(3 * m);
    const dst = new Float64Array(3 * m);
    const truth = { gainL: 0.8, offL: 9, p: 1.4 * Math.cos(0.3), q: 1.4 * Math.sin(0.3), offA: -3, offB: 6 };
    for (let i = 0; i < m; i++) {
      src[3 * i] = 20 + 60 * rng.next();
      src[3 * i + 1] = 30 * rng.normal();
      src[3 * i + 2] = 30 * rng.normal();
      applyMap({ ...truth, pairs: 0 }, src[3 * i], src[3 * i + 1], src[3 * i + 2], dst, 3 * i);
      for (let c = 0; c < 3; c++) dst[3 * i + c] += 0.5 * rng.normal();
      // one pair in ten belongs to something else entirely
      if (i % 10 === 0) for (let c = 0; c < 3; c++) dst[3 * i + c] += 40 * rng.normal();
    }
    const fit = fitEdgeMap(src, dst);
    expect(fit.pairs).toBe(m);
    // (the ridge towards gain 1 leaves a small bias: edge colours spanning 60 units of L)
    expect(Math.abs(fit.gainL - truth.gainL)).toBeLessThan(0.05);
    expect(Math.abs(fit.offL - truth.offL)).toBeLessThan(2);
    expect(Math.abs(fit.p - truth.p)).toBeLessThan(0.05);
    expect(Math.abs(fit.q - truth.q)).toBeLessThan(0.05);
    expect(Math.abs(fit.offA - truth.offA)).toBeLessThan(1.5);
    expect(Math.abs(fit.offB - truth.offB)).toBeLessThan(1.5);
  });

  it('is the identity with too few pairs, keeps its gains within [1/4, 4], and near 1 on a flat edge', () => {
    const few = new Float64Array(3 * (MIN_PAIRS - 1)).fill(50);
    expect(
      fitEdgeMap(
        few,
        few.map((x) => x + 10),
      ),
    ).toEqual(IDENTITY_MAP);
    // every outside colour the same: a gain of 0 would fit; it stops at 1/4
    const m = 100;
    const src = Float64Array.from({ length: 3 * m }, (_, j) => (j % 3 === 0 ? 20 + (j % 60) : (j % 40) - 20));
    const dst = new Float64Array(3 * m);
    for (let i = 0; i < m; i++) dst.set([50, 5, 5], 3 * i);
    const fit = fitEdgeMap(src, dst);
    expect(fit.gainL).toBeCloseTo(0.25, 6);
    expect(Math.hypot(fit.p, fit.q)).toBeCloseTo(0.25, 6);
    // a flat edge: inside and outside differ by a shift and independent noise
    const rng = createRng(5);
    const flatIn = new Float64Array(3 * m);
    const flatOut = new Float64Array(3 * m);
    for (let i = 0; i < 3 * m; i++) {
      flatIn[i] = (i % 3 === 0 ? 60 : 10) + rng.normal();
      flatOut[i] = (i % 3 === 0 ? 66 : 4) + rng.normal();
    }
    const flat = fitEdgeMap(flatIn, flatOut);
    expect(flat.gainL).toBeGreaterThan(0.5);
    expect(Math.hypot(flat.p, flat.q)).toBeGreaterThan(0.5);
    const t = new Float64Array(3);
    applyMap(flat, 60, 10, 10, t, 0);
    expect(Math.hypot(t[0] - 66, t[1] - 4, t[2] - 4)).toBeLessThan(1);
  });
});

/**
 * A sky-coloured image with a skin-coloured patch on the left; the hole lies in the sky, its ring reaching
 * into the skin; inside the hole the sky is desaturated and brightened (a fill's colour defect).
 */
function skyScene(): { image: RgbImage; truth: RgbImage; mask: Mask; skin: number[]; sky: number[] } {
  const W = 90;
  const H = 60;
  const truth = createImage(W, H);
  const n = W * H;
  const rng = createRng(11);
  const sky = [82, -2, -14];
  const skin = [66, 18, 24];
  const rgb = new Float64Array(3);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const c = x < 28 ? skin : sky;
      labToSrgb(c[0] + 1.5 * rng.normal(), c[1] + rng.normal(), c[2] + rng.normal(), rgb, 0);
      for (let ch = 0; ch < 3; ch++) truth.data[ch * n + y * W + x] = rgb[ch];
    }
  const mask = rectMask(W, H, 32, 15, 62, 45);
  const image = createImage(W, H, truth.data.slice());
  const lab = new Float64Array(3);
  for (let i = 0; i < n; i++) {
    if (!mask.data[i]) continue;
    srgbToLab(truth.data[i], truth.data[n + i], truth.data[2 * n + i], lab, 0);
    labToSrgb(lab[0] + 5, lab[1] * 0.4 + 3, lab[2] * 0.4 - 2, rgb, 0);
    for (let ch = 0; ch < 3; ch++) image.data[ch * n + i] = rgb[ch];
  }
  return { image, truth, mask, skin, sky };
}

/** Share of the colours (planar Lab, or an image's hole) within 12 units of `target`. */
function shareNear(
  L: ArrayLike<number>,
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  target: number[],
): number {
  let c = 0;
  for (let i = 0; i < L.length; i++)
    if (Math.hypot(L[i] - target[0], a[i] - target[1], b[i] - target[2]) < 12) c++;
  return c / L.length;
}

function holeLab(img: RgbImage, mask: Mask): [number[], number[], number[]] {
  const n = img.width * img.height;
  const out: [number[], number[], number[]] = [[], [], []];
  const lab = new Float64Array(3);
  for (let i = 0; i < n; i++) {
    if (!mask.data[i]) continue;
    srgbToLab(img.data[i], img.data[n + i], img.data[2 * n + i], lab, 0);
    for (let c = 0; c < 3; c++) out[c].push(lab[c]);
  }
  return out;
}

describe('the ring limited to colours plausible for the hole', () => {
  it('draws few samples of a colour the hole has none of', () => {
    const { image, mask, skin, sky } = skyScene();
    const region = buildRegion(image, mask, 'lab');
    const ring = ringPixels(mask, 8);
    const conv = new SpaceConverter('lab');
    // the ring's share of skin
    const n = image.width * image.height;
    const lab = new Float64Array(3);
    let skinRing = 0;
    for (const i of ring) {
      srgbToLab(image.data[i], image.data[n + i], image.data[2 * n + i], lab, 0);
      if (Math.hypot(lab[0] - skin[0], lab[1] - skin[1], lab[2] - skin[2]) < 12) skinRing++;
    }
    const ringShare = skinRing / ring.length;
    expect(ringShare).toBeGreaterThan(0.1);
    const ref = plausibleRingSamples(image, region, ring, 'lab', createRng(2), 4096, conv);
    const m = ref.colors.n;
    const d = ref.colors.data;
    const refShare = shareNear(d.subarray(0, m), d.subarray(m, 2 * m), d.subarray(2 * m, 3 * m), skin);
    // the floor weight is 1/4 and sky samples weigh up to 4: far below the ring's share
    expect(refShare).toBeLessThan(ringShare / 4);
    expect(ref.floorShare).toBeGreaterThan(0);
    // the fitted edge map brings the hole's mean colour back to the sky's (lightness +5, chroma x0.4)
    const mean = [0, 1, 2].map((c) => {
      let sum = 0;
      for (let k = 0; k < region.n; k++) sum += region.u[c * region.stride + k];
      return sum / region.n;
    });
    const t = new Float64Array(3);
    applyMap(ref.map, mean[0], mean[1], mean[2], t, 0);
    expect(Math.hypot(mean[0] - sky[0], mean[1] - sky[1], mean[2] - sky[2])).toBeGreaterThan(8);
    expect(Math.hypot(t[0] - sky[0], t[1] - sky[1], t[2] - sky[2])).toBeLessThan(2);
  });

  it('keeps the hole free of the ring’s other colours in the stage (and the raw ring does not)', async () => {
    const { image, mask, skin } = skyScene();
    const run = async (params: Record<string, unknown>) =>
      (
        await colorStage.run(
          { image, original: image, mask, artifacts: {} },
          resolveParams(COLOR_PARAMS, { iterations: 80, ...params }),
          testContext(3),
        )
      ).image;
    const [L1, a1, b1] = holeLab(await run({}), mask);
    const [L0, a0, b0] = holeLab(await run({ ringWeighting: false, changeSmoothing: 0, seamWidth: 0 }), mask);
    const raw = shareNear(L0, a0, b0, skin);
    const fixed = shareNear(L1, a1, b1, skin);
    expect(raw).toBeGreaterThan(0.05);
    expect(fixed).toBeLessThan(raw / 10);
  });
});
