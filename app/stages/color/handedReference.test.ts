import { describe, expect, it } from 'vitest';
import { resolveParams } from '../../common/params';
import { createImage, type Mask, type RgbImage } from '../../image/types';
import { srgbToLab } from './colorSpace';
import { COLOR_PARAMS } from './params';
import { createRng } from './rng';
import { colorStage, handedReference } from './stage';
import { defectInHole, testContext } from '../../testing/colorScenes';
import { rectMask } from '../../testing/masks';

// A garden-like scene: yellow-orange stamens (left) beside a green background (right); the hole lies in
// the stamens and holds a bland, lightened, blurred fill (the blur+bland defect).
const W = 120;
const H = 80;

function garden(): RgbImage {
  const img = createImage(W, H);
  const n = W * H;
  const rng = createRng(7);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      const noise = () => 0.03 * (rng.next() - 0.5);
      const t = Math.sin(x * 0.9) * Math.cos(y * 0.35);
      const yellow = x < 70;
      img.data[i] = (yellow ? 0.9 + 0.06 * t : 0.3 + 0.05 * t) + noise();
      img.data[n + i] = (yellow ? 0.55 + 0.12 * t : 0.5 + 0.06 * t) + noise();
      img.data[2 * n + i] = (yellow ? 0.12 + 0.05 * t : 0.15 + 0.04 * t) + noise();
    }
  return img;
}

/** The image with its hole box-blurred (radius 3) from the image around it. */
function blurHole(img: RgbImage, mask: Mask): RgbImage {
  const out = createImage(W, H, img.data.slice());
  const n = W * H;
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      if (!mask.data[y * W + x]) continue;
      for (let c = 0; c < 3; c++) {
        let s = 0;
        let k = 0;
        for (let v = Math.max(0, y - 3); v <= Math.min(H - 1, y + 3); v++)
          for (let u = Math.max(0, x - 3); u <= Math.min(W - 1, x + 3); u++) {
            s += img.data[c * n + v * W + u];
            k++;
          }
        out.data[c * n + y * W + x] = s / k;
      }
    }
  return out;
}

/** Mean CIE76 distance to the truth over the hole. */
function holeError(a: RgbImage, truth: RgbImage, mask: Mask): number {
  const n = W * H;
  const p = new Float64Array(3);
  const q = new Float64Array(3);
  let s = 0;
  let k = 0;
  for (let i = 0; i < n; i++) {
    if (!mask.data[i]) continue;
    srgbToLab(a.data[i], a.data[n + i], a.data[2 * n + i], p, 0);
    srgbToLab(truth.data[i], truth.data[n + i], truth.data[2 * n + i], q, 0);
    s += Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]);
    k++;
  }
  return s / k;
}

describe("colour stage and block matching's handed reference", () => {
  const truth = garden();
  const mask = rectMask(W, H, 18, 22, 50, 56);
  const fill = defectInHole(blurHole(truth, mask), mask, [0.06, 0.06, 0.06], 0.55);
  const green = { x: 80, y: 10, width: 32, height: 32 };
  const yellow = { x: 0, y: 0, width: 16, height: 80 };

  it('refuses a handed reference whose colours are not the surroundings’, and still lowers the error', async () => {
    const before = holeError(fill, truth, mask);
    const out = await colorStage.run(
      { image: fill, original: fill, mask, artifacts: { reference: green } },
      resolveParams(COLOR_PARAMS, { iterations: 60 }),
      testContext(1),
    );
    const after = holeError(out.image, truth, mask);
    expect(out.info).toMatchObject({ reference: { source: 'ring', handedUsed: false } });
    // (Matched to the green rectangle, the hole ends half way: 39 → 19 ΔE; to its ring, 39 → 6.)
    expect(after).toBeLessThan(0.3 * before);
  });

  it('uses a handed reference of the surroundings’ colours, with the ring', async () => {
    expect(handedReference(fill, mask, yellow, 8)?.use).toBe(true);
    expect(handedReference(fill, mask, green, 8)).toMatchObject({ use: false });
    expect(handedReference(fill, mask, undefined, 8)).toBeNull();
    const out = await colorStage.run(
      { image: fill, original: fill, mask, artifacts: { reference: yellow } },
      resolveParams(COLOR_PARAMS, { iterations: 60 }),
      testContext(1),
    );
    const info = out.info as { reference: { source: string; pixels: number; handedUsed: boolean } };
    expect(info.reference).toMatchObject({ source: 'blockmatch', handedUsed: true });
    // the rectangle's untouched pixels and the ring's
    expect(info.reference.pixels).toBeGreaterThan(16 * 80);
    expect(holeError(out.image, truth, mask)).toBeLessThan(0.6 * holeError(fill, truth, mask));
  });
});
