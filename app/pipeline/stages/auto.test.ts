import { describe, expect, it } from 'vitest';
import { resolveParams } from '../../common/params';
import { createImage, type Mask, type RgbImage } from '../../image/types';
import type { StageContext, StageOutput } from '../types';
import { autoStage } from '../../stages/registry';
import { StudioError } from '../../common/errors';
import { transferDetail } from '../../image/detailTransfer';
import { createAutoStage, type AutoHoleReport } from '../../stages/auto/stage';
import type { AutoInfo } from '../../common/stageInfo';
import { fixture, squareMask } from '../../testing/fillMetrics';
import {
  blandFill,
  blob,
  blurFill,
  blurred,
  chelseaCase,
  composite,
  lowPassError,
} from '../../testing/flawedFills';

function ctxWith(over: Partial<StageContext> = {}): StageContext {
  return {
    signal: new AbortController().signal,
    progress: () => {},
    sessions: {} as StageContext['sessions'],
    models: { resolve: async () => null },
    seed: 0,
    log: () => {},
    ...over,
  };
}

async function runAuto(image: RgbImage, mask: Mask, params: Record<string, unknown> = {}, ctx = ctxWith()) {
  return autoStage.run(
    { image, original: image, mask, artifacts: {} },
    resolveParams(autoStage.params, params),
    ctx,
  );
}

const infoOf = (out: StageOutput) => out.info as AutoInfo;
const holesOf = (out: StageOutput): AutoHoleReport[] => infoOf(out).holes;

/** grass.png with a 96 px square hole: an even texture around the hole. */
async function grassCase(): Promise<{ truth: RgbImage; mask: Mask }> {
  const truth = await fixture('grass.png');
  return { truth, mask: squareMask(truth.width, truth.height, 80, 80, 96) };
}

/** The hole's detail energy (grey minus its σ 2 blur) over the truth's: 1 = the truth's detail level. */
function detailRatio(result: RgbImage, truth: RgbImage, mask: Mask): number {
  const energy = (img: RgbImage) => {
    const n = img.width * img.height;
    const grey = createImage(img.width, img.height);
    for (let i = 0; i < n; i++) {
      const g = (img.data[i] + img.data[n + i] + img.data[2 * n + i]) / 3;
      grey.data[i] = grey.data[n + i] = grey.data[2 * n + i] = g;
    }
    const low = blurred(grey, 2);
    let s = 0;
    let k = 0;
    for (let i = 0; i < n; i++)
      if (mask.data[i]) {
        s += (grey.data[i] - low.data[i]) ** 2;
        k++;
      }
    return s / k;
  };
  return energy(result) / energy(truth);
}

/** The largest change of any pixel outside the mask (0 = bit-exact). */
function maxChangeOutside(a: RgbImage, b: RgbImage, mask: Mask): number {
  const n = a.width * a.height;
  let d = 0;
  for (let c = 0; c < 3; c++)
    for (let i = 0; i < n; i++)
      if (!mask.data[i]) d = Math.max(d, Math.abs(a.data[c * n + i] - b.data[c * n + i]));
  return d;
}

describe('auto-correct', () => {
  it('a blurred fill with a bland colour defect: applies colour, lowers S, explains it', async () => {
    const { truth, mask } = await chelseaCase();
    const fill = blandFill(truth, mask);
    const out = await runAuto(fill, mask);
    const [hole] = holesOf(out);
    expect(hole.applied).toMatch(/color/);
    expect(hole.verdict).toBe('improved');
    // The words' numbers: the colour shift before and after (ΔE).
    expect(hole.scores[hole.applied]!.colorShift).toBeLessThan(hole.scores.none!.colorShift);
    expect(hole.scores[hole.applied]!.total).toBeLessThan(hole.scores.none!.total);
    expect(lowPassError(out.image, truth, mask)).toBeLessThan(lowPassError(fill, truth, mask));
    expect(infoOf(out).holes).toHaveLength(1);
  }, 60000);

  it('a blurred texture fill of the right colours: no colour, detail towards the truth, S within +1.0', async () => {
    const { truth, mask } = await grassCase();
    const fill = blurFill(truth, mask);
    const out = await runAuto(fill, mask);
    const [hole] = holesOf(out);
    expect(hole.kind).toBe('texture');
    expect(hole.applied).toBe('detail');
    const before = Math.abs(Math.log(detailRatio(fill, truth, mask)));
    const after = Math.abs(Math.log(detailRatio(out.image, truth, mask)));
    expect(after).toBeLessThan(0.75 * before);
    expect(lowPassError(out.image, truth, mask) - lowPassError(fill, truth, mask)).toBeLessThan(1.0);
    expect(infoOf(out).holes.map((h) => [h.applied, h.verdict])).toEqual([['detail', 'improved']]);
  }, 60000);

  it('a blurred hole over an object (an eye): no borrowed detail, and says why', async () => {
    const { truth, mask } = await chelseaCase();
    const fill = blurFill(truth, mask);
    const out = await runAuto(fill, mask);
    const [hole] = holesOf(out);
    expect(hole.kind).toBe('object');
    expect(hole.applied).not.toContain('detail');
    expect(hole.scores.detail).toBeUndefined();
    expect(hole.detailSkipped).toBe(true);
  }, 60000);

  it('an untouched hole (the truth): no correction, or S changes by under 0.3', async () => {
    const { truth, mask } = await chelseaCase();
    const out = await runAuto(truth, mask);
    const [hole] = holesOf(out);
    if (hole.applied !== 'none') expect(lowPassError(out.image, truth, mask)).toBeLessThan(0.3);
    else {
      expect(['below-margin', 'already-fits']).toContain(hole.verdict);
      expect(hole.best).toBeDefined();
    }
  }, 60000);

  it('changes nothing outside the mask, bit for bit, with several holes', async () => {
    const { truth } = await chelseaCase();
    const W = truth.width;
    const H = truth.height;
    const a = blob(W, H, 170, 114, 30);
    const b = blob(W, H, 360, 220, 18);
    const mask: Mask = { width: W, height: H, data: a.data.map((v, i) => v | b.data[i]) };
    const fill = composite(truth, blandFill(truth, a), a);
    const both = composite(fill, blurFill(truth, b), b);
    const out = await runAuto(both, mask);
    expect(holesOf(out)).toHaveLength(2);
    expect(maxChangeOutside(out.image, both, mask)).toBe(0);
    expect(out.image.data).not.toEqual(both.data);
  }, 60000);

  it('never keeps a candidate scored worse than none; with every candidate off it changes nothing', async () => {
    const { truth, mask } = await chelseaCase();
    const fill = blandFill(truth, mask);
    const out = await runAuto(fill, mask, { color: false, detail: false });
    expect(holesOf(out)[0].applied).toBe('none');
    expect(out.image.data).toEqual(fill.data);
    const on = await runAuto(fill, mask, { margin: 0 });
    for (const h of holesOf(on)) expect(h.scores[h.applied]!.total).toBeLessThanOrEqual(h.scores.none!.total);
  }, 60000);

  it('cancel: rejects with CANCELLED and leaves the input image as it was', async () => {
    const { truth, mask } = await chelseaCase();
    const fill = blandFill(truth, mask);
    const copy = fill.data.slice();
    const ac = new AbortController();
    let calls = 0;
    const ctx = ctxWith({
      signal: ac.signal,
      progress: () => {
        if (++calls === 2) ac.abort();
      },
    });
    await expect(runAuto(fill, mask, {}, ctx)).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(fill.data).toEqual(copy);
  }, 60000);

  it('reports progress per candidate, ending at the total', async () => {
    const { truth, mask } = await chelseaCase();
    const steps: { step: number; total: number; message?: string }[] = [];
    await runAuto(blurFill(truth, mask), mask, {}, ctxWith({ progress: (u) => steps.push(u) }));
    expect(steps.some((s) => /trying colour/.test(s.message ?? ''))).toBe(true);
    expect(steps.at(-1)).toMatchObject({ step: 4, total: 4 });
  }, 60000);

  it('a correction that fails on a hole is left out, named in the report; the others still compete', async () => {
    const { truth, mask } = await grassCase();
    const fill = blurFill(truth, mask);
    const logs: string[] = [];
    const stage = createAutoStage({
      color: async () => {
        throw new StudioError('INTERNAL', 'no reference pixels');
      },
      detail: async (image, hole, ctx) => transferDetail(image, hole, { seed: ctx.seed }).image,
    });
    const out = await stage.run(
      { image: fill, original: fill, mask, artifacts: {} },
      resolveParams(stage.params),
      ctxWith({ log: (m) => logs.push(m) }),
    );
    const [hole] = holesOf(out);
    expect(hole.applied).toBe('detail');
    expect(hole.failed).toEqual({ color: 'no reference pixels' });
    expect(hole.scores.color).toBeUndefined();
    expect(logs.join('\n')).toMatch(/colour could not run \(no reference pixels\)/);
  }, 60000);
});
