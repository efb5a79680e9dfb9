// The sampling area in the colour stage (issue 15 §4): the automatic reference (the ring) comes only from
// the area; a ring with none of it gives way to the whole area; a hand-drawn rectangle is honoured as drawn.
import { describe, expect, it } from 'vitest';
import { resolveParams } from '../../common/params';
import { createMask, type Mask } from '../../image/types';
import { COLOR_PARAMS } from './params';
import { chooseReference, ringPixels } from './reference';
import { colorStage } from './stage';
import { defectInHole, testContext, texturedImage } from '../../testing/colorScenes';
import { rectMask } from '../../testing/masks';

const W = 96,
  H = 64;

/** May sample only right of x = `from`. */
function rightOf(from: number): Mask {
  const m = createMask(W, H);
  for (let y = 0; y < H; y++) for (let x = from; x < W; x++) m.data[y * W + x] = 1;
  return m;
}

describe('colour reference: sampling area', () => {
  const hole = rectMask(W, H, 30, 20, 50, 40);

  it('takes the ring only from the sampling area', () => {
    const area = rightOf(45);
    const all = ringPixels(hole, 8);
    const kept = ringPixels(hole, 8, hole, area);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(all.length);
    for (const i of kept) expect(i % W).toBeGreaterThanOrEqual(45);
    const ref = chooseReference(hole, null, undefined, 8, () => {}, hole, area);
    expect(ref.source).toBe('ring');
    expect(Array.from(ref.pixels)).toEqual(Array.from(kept));
  });

  it('uses the whole area when none of it lies in the ring, and says so', () => {
    const far = rightOf(80);
    const logs: string[] = [];
    const ref = chooseReference(hole, null, undefined, 8, (m) => logs.push(m), hole, far);
    expect(ref.pixels.length).toBe(16 * H);
    for (const i of ref.pixels) expect(i % W).toBeGreaterThanOrEqual(80);
    expect(logs.join('\n')).toMatch(/sampling area.*whole area is the reference/);
  });

  it('honours a hand-drawn rectangle outside the area as drawn', () => {
    const rect = { x: 0, y: 0, width: 16, height: 16 };
    const ref = chooseReference(hole, rect, undefined, 8, () => {}, hole, rightOf(80));
    expect(ref).toMatchObject({ source: 'rect', rect });
    expect(ref.pixels.length).toBe(256);
  });

  it('the stage hands the area to its reference', async () => {
    const truth = texturedImage(W, H);
    const fill = defectInHole(truth, hole, [0.3, 0.1, -0.15]);
    const params = resolveParams(COLOR_PARAMS, { iterations: 10 });
    const run = (sampling?: Mask) =>
      colorStage.run(
        { image: fill, original: fill, mask: hole, artifacts: {}, sampling },
        params,
        testContext(1),
      );
    const free = (await run()).info as { reference: { pixels: number } };
    const kept = (await run(rightOf(45))).info as { reference: { pixels: number } };
    expect(kept.reference.pixels).toBeLessThan(free.reference.pixels);
  });
});
