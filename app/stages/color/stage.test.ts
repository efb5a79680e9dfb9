import { describe, expect, it } from 'vitest';
import { StudioError } from '../../common/errors';
import { checkDeclaration, resolveParams } from '../../common/params';
import { createMask } from '../../image/types';
import { createProblem } from './energy';
import { COLOR_PARAMS } from './params';
import { chooseReference, referenceSamples, ringPixels } from './reference';
import { buildRegion, writeRegion } from './region';
import { createRng } from './rng';
import { colorStage, ProgressReporter } from './stage';
import { defectInHole, testContext, texturedImage } from '../../testing/colorScenes';
import { changedOutside, rectMask } from '../../testing/masks';

const W = 72;
const H = 54;
const truth = texturedImage(W, H, 4, 6);
const mask = rectMask(W, H, 20, 15, 50, 40);
const image = defectInHole(truth, mask, [0.08, 0.02, -0.06], 0.3);

async function runStage(params: Record<string, unknown>, artifacts = {}, ctx = testContext(1)) {
  return colorStage.run(
    { image, original: image, mask, artifacts },
    resolveParams(COLOR_PARAMS, params),
    ctx,
  );
}

const isCode =
  (code: string, ...names: string[]) =>
  (e: unknown) =>
    e instanceof StudioError && e.code === code && names.every((nm) => e.message.includes(nm));

describe('colour stage', () => {
  it('declares its parameters once, with defaults in range', () => {
    expect(checkDeclaration(COLOR_PARAMS)).toEqual([]);
    expect(colorStage.name).toBe('color');
    const d = resolveParams(COLOR_PARAMS, {});
    expect(d).toMatchObject({
      method: 'rabin-peyre',
      lambdaL: 0.01,
      lambdaLS: 0.005,
      lambdaR: 0,
      lambdaS: 1,
    });
    expect(d.directions).toBe(10);
  });

  it.each(['rabin-peyre', 'reinhard', 'pitie'])(
    '%s changes the hole and leaves every other pixel bit-exact',
    async (method) => {
      const out = await runStage({ method, iterations: 40 });
      expect(changedOutside(out.image, image, mask)).toBe(0);
      let changed = 0;
      for (let i = 0; i < W * H; i++) if (mask.data[i] && out.image.data[i] !== image.data[i]) changed++;
      expect(changed).toBeGreaterThan(0.9 * 30 * 25);
      expect(out.info).toMatchObject({ method, pixels: 30 * 25, reference: { source: 'ring', holes: 1 } });
    },
  );

  it('leaves the outside bit-exact in the RGB working space and with TV too', async () => {
    const out = await runStage({ colorSpace: 'rgb', lambdaR: 0.05, iterations: 20 });
    expect(changedOutside(out.image, image, mask)).toBe(0);
  });

  it('is deterministic for a seed', async () => {
    const a = await runStage({ iterations: 30 }, {}, testContext(7));
    const b = await runStage({ iterations: 30 }, {}, testContext(7));
    expect(b.image.data).toEqual(a.image.data);
  });

  it('takes the reference from the rectangle, else block matching, else the ring', async () => {
    const rect = { x: 0, y: 0, width: 16, height: 16 };
    const fromRect = await runStage(
      { referenceRect: rect, iterations: 5 },
      { reference: { x: 55, y: 0, width: 10, height: 10 } },
    );
    expect(fromRect.info).toMatchObject({ reference: { source: 'rect', rect, pixels: 256 } });
    // A strip of the same texture: its colours are the ring's, so it serves, with the ring (8 px).
    const strip = { x: 0, y: 0, width: 72, height: 12 };
    const fromBlockmatch = await runStage({ iterations: 5 }, { reference: strip });
    expect(fromBlockmatch.info).toMatchObject({ reference: { source: 'blockmatch', handedUsed: true } });
    const handed = (fromBlockmatch.info as { reference: { pixels: number } }).reference.pixels;
    expect(handed).toBeGreaterThan(72 * 12);
    expect(handed).toBeLessThanOrEqual(72 * 12 + ringPixels(mask, 8).length);
    // A small corner holds only some of the ring's colours: the ring serves.
    const corner = await runStage({ iterations: 5 }, { reference: { x: 55, y: 0, width: 10, height: 10 } });
    expect(corner.info).toMatchObject({ reference: { source: 'ring', handedUsed: false } });
    const ring = await runStage({ ringWidth: 2, iterations: 5 });
    // a 2 px ring around a 30x25 rectangle (Euclidean: the corners are rounded)
    const pixels = (ring.info as { reference: { pixels: number } }).reference.pixels;
    expect(pixels).toBeGreaterThan(2 * 2 * (30 + 25));
    expect(pixels).toBeLessThan(2 * 2 * (30 + 25) + 16);
  });

  it('matches each hole to its own ring when there are several', async () => {
    // left half reddish, right half bluish; a grey hole in each
    const w = 80;
    const h = 40;
    const img = texturedImage(w, h, 2, 5);
    const n = w * h;
    for (let i = 0; i < n; i++) {
      const left = i % w < w / 2;
      img.data[i] = left ? 0.75 : 0.2;
      img.data[2 * n + i] = left ? 0.2 : 0.75;
    }
    const holes = rectMask(w, h, 8, 10, 28, 30);
    for (let y = 10; y < 30; y++) for (let x = 52; x < 72; x++) holes.data[y * w + x] = 1;
    const grey = defectInHole(img, holes, [0, 0, 0], 1);
    const out = await colorStage.run(
      { image: grey, original: grey, mask: holes, artifacts: {} },
      resolveParams(COLOR_PARAMS, { iterations: 60 }),
      testContext(),
    );
    expect(out.info).toMatchObject({ reference: { source: 'ring', holes: 2 } });
    const meanRb = (x0: number) => {
      let r = 0;
      let b = 0;
      for (let y = 12; y < 28; y++)
        for (let x = x0 + 2; x < x0 + 18; x++) {
          r += out.image.data[y * w + x];
          b += out.image.data[2 * n + y * w + x];
        }
      return [r / 256, b / 256];
    };
    const [lr, lb] = meanRb(8);
    const [rr, rb] = meanRb(52);
    expect(lr).toBeGreaterThan(0.6);
    expect(lb).toBeLessThan(0.35);
    expect(rr).toBeLessThan(0.35);
    expect(rb).toBeGreaterThan(0.6);
    const pooled = await colorStage.run(
      { image: grey, original: grey, mask: holes, artifacts: {} },
      resolveParams(COLOR_PARAMS, { iterations: 5, ringPerHole: false }),
      testContext(),
    );
    expect(pooled.info).toMatchObject({ reference: { source: 'ring', holes: 1 } });
  });

  it('names the parameter at fault in its errors', async () => {
    await expect(runStage({ referenceRect: { x: 60, y: 40, width: 20, height: 20 } })).rejects.toSatisfy(
      isCode('PARAM_INVALID', 'color.referenceRect', '72x54'),
    );
    await expect(runStage({ referenceRect: { x: 25, y: 20, width: 5, height: 5 } })).rejects.toSatisfy(
      isCode('PARAM_INVALID', 'color.referenceRect', 'inside the hole'),
    );
    const all = createMask(W, H, new Uint8Array(W * H).fill(1));
    await expect(
      colorStage.run(
        { image, original: image, mask: all, artifacts: {} },
        resolveParams(COLOR_PARAMS, {}),
        testContext(),
      ),
    ).rejects.toSatisfy(isCode('PARAM_INVALID', 'color.ringWidth'));
    // A wrong type or a misspelt key is a compile error too; at run time it is refused by name.
    // @ts-expect-error lambdaL is a number
    expect(() => resolveParams(COLOR_PARAMS, { lambdaL: 'abc' })).toThrow(
      'Expected a number between 0.00001 and 100 for color.lambdaL but received "abc"',
    );
    expect(() => resolveParams(COLOR_PARAMS, { lambdaS: -1 })).toThrow('for color.lambdaS but received -1');
    expect(() => resolveParams(COLOR_PARAMS, { directions: 2.5 })).toThrow(
      'an integer between 1 and 64 for color.directions',
    );
    // @ts-expect-error gatys is not a colour method
    expect(() => resolveParams(COLOR_PARAMS, { method: 'gatys' })).toThrow(
      'one of rabin-peyre, reinhard, pitie for color.method but received "gatys"',
    );
    // @ts-expect-error colour is not a parameter
    expect(() => resolveParams(COLOR_PARAMS, { colour: 'lab' })).toThrow('Unknown parameter color.colour');
  });

  it('reports every iteration, with previews of the whole image now and then', () => {
    const ctx = testContext();
    const region = buildRegion(image, mask, 'lab');
    const timing = { previewMs: 0 };
    const report = new ProgressReporter(ctx, 50, 'test', timing, 0).hole(25, (w) =>
      writeRegion(image, region, w, 'lab'),
    );
    for (let it = 0; it < 25; it++) report(it, region.u);
    expect(ctx.updates.map((u) => u.step)).toEqual(Array.from({ length: 25 }, (_, i) => 26 + i));
    expect(ctx.updates[0].total).toBe(50);
    const previews = ctx.updates.filter((u) => u.preview);
    // the first after 10 iterations; the next one only once previews would take under a tenth of the time
    expect(previews[0].step).toBe(35);
    expect(previews.length).toBeLessThanOrEqual(2);
    expect(changedOutside(previews[0].preview!, image, mask)).toBe(0);
  });

  it('reference samples are capped and seeded', () => {
    const region = buildRegion(image, mask, 'lab');
    const ref = chooseReference(mask, null, undefined, 8);
    const a = referenceSamples(image, ref.pixels, 'lab', createRng(3), 100);
    const b = referenceSamples(image, ref.pixels, 'lab', createRng(3), 100);
    expect(a.n).toBe(100);
    expect(b.data).toEqual(a.data);
    expect(createProblem(region, a).orientation.length).toBe(6 * region.n);
  });
});
