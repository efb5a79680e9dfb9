import { describe, expect, it } from 'vitest';
import type { ColorInfo } from '../../common/stageInfo';
import { resolveParams } from '../../common/params';
import { loadImage } from '../../image/load';
import { blandFill, blob, blurFill, lowPassError } from '../../testing/flawedFills';
import { COLOR_PARAMS } from './params';
import { colorStage } from './stage';
import { testContext } from '../../testing/colorScenes';
import { changedOutside } from '../../testing/masks';

async function forehead() {
  const truth = (await loadImage('fixtures/images/chelsea.png')).image;
  return { truth, mask: blob(truth.width, truth.height, 250, 60, 24) };
}

async function correct(
  image: Awaited<ReturnType<typeof forehead>>['truth'],
  mask: Awaited<ReturnType<typeof forehead>>['mask'],
  params = {},
) {
  return colorStage.run(
    { image, original: image, mask, artifacts: {} },
    resolveParams(COLOR_PARAMS, params),
    testContext(1),
  );
}

describe('colour stage: no harm where the colours already match', () => {
  it('leaves a blurred-truth fill of a photo unchanged and says why (S changes by <= 0.3)', async () => {
    const { truth, mask } = await forehead();
    const fill = blurFill(truth, mask);
    const out = await correct(fill, mask);
    expect(out.image.data).toEqual(fill.data);
    expect(
      Math.abs(lowPassError(out.image, truth, mask) - lowPassError(fill, truth, mask)),
    ).toBeLessThanOrEqual(0.3);
    const holes = (out.info as ColorInfo).holes;
    expect(holes).toHaveLength(1);
    // Data, not prose: the code, and the edge's shift within the limit the words quote.
    expect(holes[0]).toMatchObject({ applied: false, reason: 'already-matches' });
    expect(holes[0].shift).toBeLessThanOrEqual(holes[0].limit!);
  }, 60000);

  it('still corrects a bland colour defect in the same hole (S falls by more than half)', async () => {
    const { truth, mask } = await forehead();
    const fill = blandFill(truth, mask);
    const out = await correct(fill, mask);
    const before = lowPassError(fill, truth, mask);
    const after = lowPassError(out.image, truth, mask);
    expect(after).toBeLessThan(0.5 * before);
    expect(changedOutside(out.image, fill, mask)).toBe(0);
    const holes = (out.info as ColorInfo).holes;
    expect(holes[0]).toMatchObject({ applied: true, reason: 'shift-corrected' });
    expect(holes[0].shift).toBeGreaterThan(holes[0].natural!);
    expect(holes[0].shift).toBeGreaterThan(holes[0].limit!);
  }, 60000);

  it('corrects a matching hole anyway with matchFactor 0', async () => {
    const { truth, mask } = await forehead();
    const fill = blurFill(truth, mask);
    const out = await correct(fill, mask, { matchFactor: 0, iterations: 20 });
    expect(out.image.data).not.toEqual(fill.data);
  }, 60000);
});
