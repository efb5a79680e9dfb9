import path from 'node:path';
import type { TextureInfo } from '../../common/stageInfo';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StudioError } from '../../common/errors';
import { resolveParams, type Rect } from '../../common/params';
import { cropImage } from '../../image/crop';
import { loadImage } from '../../image/load';
import { meanGradient } from '../../image/metrics';
import { createImage, createMask, type Mask, type RgbImage } from '../../image/types';
import { Random } from '../../graph/random';
import { createSessionPool } from '../../ort/sessions';
import type { ProgressUpdate } from '../../pipeline/types';
import { pushPullFill } from '../../image/fill/pushPull';
import { gaussianBlur, luma } from './band';
import { TEXTURE_PARAMS } from './params';
import { textureStage } from './stage';
import { testContext } from '../../testing/sessionContext';
import { logPowerSpectrum, spectrumDistance } from '../../testing/spectrum';
import { changedOutside } from '../../testing/masks';

/** The project's copies of the scikit-image textures (fixtures/README.md). */
const FIXTURES = path.resolve('fixtures/images');
const S = 192,
  HOLE = 64,
  O = (S - HOLE) / 2;
const HOLE_RECT = { x: O, y: O, width: HOLE, height: HOLE };

const pool = createSessionPool({ providers: ['cpu'], intraOpThreads: 1 });
afterAll(() => pool.releaseAll());

const context = (signal?: AbortSignal, updates?: ProgressUpdate[]) => testContext(pool, signal, updates);

function squareHole(): Mask {
  const m = createMask(S, S);
  for (let y = O; y < O + HOLE; y++) for (let x = O; x < O + HOLE; x++) m.data[y * S + x] = 1;
  return m;
}

const mask = squareHole();
let brick: RgbImage;
beforeAll(async () => {
  brick = cropImage((await loadImage(path.join(FIXTURES, 'brick.png'))).image, {
    x: 150,
    y: 150,
    width: S,
    height: S,
  });
});

/** The stage with Copy structure on (these tests are about the copy), unless `params` say otherwise. */
async function run(image: RgbImage, params: Record<string, unknown> = {}, ctx = context()) {
  const out = await textureStage.run(
    { image, original: brick, mask, artifacts: {} },
    resolveParams(TEXTURE_PARAMS, { iterations: 20, structure: 'on', ...params }),
    ctx,
  );
  return {
    image: out.image,
    info: out.info as TextureInfo & { structure: NonNullable<TextureInfo['structure']> },
  };
}

/** Mean signed luma step from the outside row/column into the hole's edge, per side. */
function edgeSteps(img: RgbImage): number[] {
  const n = S * S;
  const l = luma(img.data, n);
  const sides: [number, number][] = [
    [0, -1],
    [0, 1],
    [-1, 0],
    [1, 0],
  ];
  return sides.map(([dx, dy]) => {
    let s = 0;
    for (let k = 0; k < HOLE; k++) {
      const x = dx === 0 ? O + k : dx < 0 ? O : O + HOLE - 1;
      const y = dy === 0 ? O + k : dy < 0 ? O : O + HOLE - 1;
      s += l[y * S + x] - l[(y + dy) * S + x + dx];
    }
    return s / HOLE;
  });
}

describe('texture stage: structure copied into a blurry fill', () => {
  it('brings brick’s detail and spectrum back from a flat fill, which the optimisation alone cannot', async () => {
    const start = pushPullFill(brick, mask);
    const updates: ProgressUpdate[] = [];
    const copied = await run(start, {}, context(undefined, updates));
    const alone = await run(start, { structure: 'off', borrowDetail: false });
    // The user sees the copy as soon as it is made.
    const shown = updates.find((u) => u.message === 'texture: structure copied');
    expect(shown?.preview?.width).toBe(S);
    expect(copied.info.structure.copied).toBe(true);
    expect(alone.info.structure.copied).toBe(false);
    expect(changedOutside(copied.image, start, mask)).toBe(0);
    const truth = meanGradient(brick, mask);
    const detail = meanGradient(copied.image, mask) / truth;
    expect(detail).toBeGreaterThan(0.6);
    expect(detail).toBeLessThan(1.6);
    // Spectrum distance of the hole window to the truth's: the copy has mortar lines, grain has none.
    const t = logPowerSpectrum(brick, HOLE_RECT);
    const dCopied = spectrumDistance(logPowerSpectrum(copied.image, HOLE_RECT), t);
    const dAlone = spectrumDistance(logPowerSpectrum(alone.image, HOLE_RECT), t);
    expect(dCopied).toBeLessThan(0.85 * dAlone);
  });

  it('meets its surroundings at the hole’s edge, also when the fill’s tone was off', async () => {
    const start = pushPullFill(brick, mask);
    const n = S * S;
    for (let i = 0; i < n; i++) if (mask.data[i]) for (let c = 0; c < 3; c++) start.data[c * n + i] += 0.12;
    for (const s of edgeSteps(start)) expect(Math.abs(s)).toBeGreaterThan(0.08);
    const out = await run(start);
    for (const s of edgeSteps(out.image)) expect(Math.abs(s)).toBeLessThan(0.02);
  });

  it('keeps the picture of a blurry fill that shows structure, and takes a flat fill’s copy whole', async () => {
    const n = S * S;
    const blur = gaussianBlur(brick.data, S, S, 3, 3);
    const blurred: RgbImage = { width: S, height: S, data: brick.data.slice() };
    for (let c = 0; c < 3; c++)
      for (let i = 0; i < n; i++) if (mask.data[i]) blurred.data[c * n + i] = blur[c * n + i];
    // How far the coarse picture (8 px blur of the luma) moved in the hole, RMS.
    const drift = (a: RgbImage, b: RgbImage) => {
      const d = luma(a.data, n);
      const lb = luma(b.data, n);
      for (let i = 0; i < n; i++) d[i] -= lb[i];
      const low = gaussianBlur(d, S, S, 1, 8);
      let s = 0;
      for (let i = 0; i < n; i++) if (mask.data[i]) s += low[i] ** 2;
      return Math.sqrt(s / (HOLE * HOLE));
    };
    const kept = await run(blurred);
    expect(kept.info.structure).toMatchObject({ copied: true, keptAbove: 8 });
    const whole = await run(blurred, { structureScale: 0 });
    expect(whole.info.structure).toMatchObject({ copied: true, keptAbove: 0 });
    expect(drift(kept.image, blurred)).toBeLessThan(0.7 * drift(whole.image, blurred));
    expect(meanGradient(kept.image, mask)).toBeGreaterThan(1.5 * meanGradient(blurred, mask));
  });

  it('copies at the image’s resolution when the stage works smaller', async () => {
    // Working size 96 for a 192 px crop (scale 0.5). Copied at the working size and scaled up, the detail
    // was 0.66 of the truth's; copied at full resolution 0.79.
    const out = await run(pushPullFill(brick, mask), { maxSide: 96 });
    const info = out.info;
    expect(info.scale).toBe(0.5);
    expect(info.structureResolution).toBe('copy');
    expect(meanGradient(out.image, mask) / meanGradient(brick, mask)).toBeGreaterThan(0.72);
    expect(changedOutside(out.image, pushPullFill(brick, mask), mask)).toBe(0);
  });

  it('does not copy by default, and leaves a fill that already has the detail almost as it is', async () => {
    const out = await run(brick, { structure: undefined });
    expect(out.info.structure.copied).toBe(false);
    let change = 0;
    const n = S * S;
    for (let c = 0; c < 3; c++)
      for (let i = 0; i < n; i++)
        if (mask.data[i]) change += Math.abs(out.image.data[c * n + i] - brick.data[c * n + i]);
    expect(change / (3 * HOLE * HOLE)).toBeLessThan(0.01);
  });

  it('copies from a chosen exemplar only', async () => {
    // Horizontal stripes on the left, vertical on the right; the hole lies in the left half.
    const W = 160,
      H = 96;
    const img = createImage(W, H);
    const rnd = new Random(4);
    const n = W * H;
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        const v = 0.5 + 0.3 * Math.sin((x < 80 ? y : x) * 0.9) + 0.03 * rnd.normal();
        for (let c = 0; c < 3; c++) img.data[c * n + y * W + x] = v;
      }
    const hole = createMask(W, H);
    for (let y = 32; y < 64; y++) for (let x = 24; x < 56; x++) hole.data[y * W + x] = 1;
    const start = pushPullFill(img, hole);
    const orientation = async (exemplar: Rect | null) => {
      const out = await textureStage.run(
        { image: start, original: img, mask: hole, artifacts: {} },
        resolveParams(TEXTURE_PARAMS, { iterations: 0, exemplar, structure: 'on' }),
        context(),
      );
      let dx = 0,
        dy = 0;
      for (let y = 33; y < 63; y++)
        for (let x = 25; x < 55; x++) {
          const i = y * W + x;
          dx += Math.abs(out.image.data[i + 1] - out.image.data[i]);
          dy += Math.abs(out.image.data[i + W] - out.image.data[i]);
        }
      return dx / dy;
    };
    expect(await orientation(null)).toBeLessThan(0.5); // from the surroundings: horizontal stripes
    expect(await orientation({ x: 96, y: 0, width: 64, height: 96 })).toBeGreaterThan(2); // vertical
  });

  it('stops with CANCELLED while copying, and the next run works', async () => {
    const start = pushPullFill(brick, mask);
    const ac = new AbortController();
    const ctx = context(ac.signal);
    ctx.progress = (u) => {
      if (u.message?.includes('copying structure')) ac.abort();
    };
    await expect(run(start, {}, ctx)).rejects.toSatisfy(
      (e) => e instanceof StudioError && e.code === 'CANCELLED',
    );
    expect((await run(start)).info.structure.copied).toBe(true);
  });
});

describe('texture stage on brick: the spectrum term', () => {
  it('estimates the spectrum target where no hole-free window of the crop’s size exists', async () => {
    const start = pushPullFill(brick, mask);
    const t = logPowerSpectrum(brick, HOLE_RECT);
    const distance = async (spectrumWeight: number) => {
      const out = await run(start, { structure: 'off', borrowDetail: false, spectrumWeight });
      return {
        d: spectrumDistance(logPowerSpectrum(out.image, HOLE_RECT), t),
        spectrum: out.info.spectrum,
      };
    };
    const without = await distance(0);
    const withTerm = await distance(1);
    expect(without.spectrum).toEqual({ from: 'off' });
    expect(withTerm.spectrum).toMatchObject({
      from: 'estimate',
      count: expect.any(Number),
      side: expect.any(Number),
    });
    expect(withTerm.d).toBeLessThan(0.9 * without.d);
  });
});
