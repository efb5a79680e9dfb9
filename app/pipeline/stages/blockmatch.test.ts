import { afterAll, describe, expect, it } from 'vitest';
import { StudioError } from '../../common/errors';
import { checkDeclaration, resolveParams } from '../../common/params';
import type { BlockmatchInfo } from '../../common/stageInfo';
import { psnr } from '../../image/metrics';
import { createSessionPool } from '../../ort/sessions';
import { Pipeline, type PipelineEvent } from '../run';
import { BLOCKMATCH_PARAMS } from '../../stages/blockmatch/params';
import { blockmatchStage, computeCorrespondence } from '../../stages/blockmatch/stage';
import { discMask, noiseTexture, periodicTexture, roughFill } from '../../testing/blockmatchImages';
import { changedOutside } from '../../testing/masks';
import { SourceValidity } from '../../stages/blockmatch/validity';

const sessions = createSessionPool({ providers: ['cpu'], intraOpThreads: 1 });
afterAll(() => sessions.releaseAll());
const models = { resolve: async () => null };
const pipeline = () => new Pipeline({ stages: [blockmatchStage], sessions, models });

describe('blockmatch stage', () => {
  it('declares its parameters soundly', () => {
    expect(checkDeclaration(BLOCKMATCH_PARAMS)).toEqual([]);
    expect(resolveParams(BLOCKMATCH_PARAMS).blockSize).toBe(32);
    expect(resolveParams(BLOCKMATCH_PARAMS).mode).toBe('detail');
    expect(() => resolveParams(BLOCKMATCH_PARAMS, { blockSize: 4 })).toThrow(
      /Expected an integer between 8 and 128 for blockmatch.blockSize but received 4/,
    );
  });

  /**
   * A texture with whole-pixel periods (24 x 16) and a round hole whose fill is the truth blurred and
   * noisy (24 dB inside the hole). Every grid block has exact copies elsewhere and the rough fill
   * correlates best with the copy in phase, so a hard paste brings back the truth bit for bit (infinite
   * PSNR), as does feathering without a soft edge (it cross-fades identical copies), and the Poisson
   * blend up to its solver's tolerance (the truth's own gradients against the truth's border: over
   * 120 dB at a relative residual of 1e-6; a copy one pixel out of phase would give about 22 dB). The
   * default soft edge blends the rough fill back in within 6 px of the hole's border (33 dB here): it
   * must still gain 6 dB on the fill.
   */
  it('reproduces a periodic texture from its matched sources', async () => {
    const truth = periodicTexture(192, 160, 24, 16);
    const mask = discMask(192, 160, 96, 80, 30);
    const image = roughFill(truth, mask);
    const before = psnr(image, truth, mask);
    expect(before).toBeLessThan(30);
    const at = async (params: Record<string, unknown>) =>
      (
        await pipeline().run({
          image,
          mask,
          stages: [{ name: 'blockmatch', params: { mode: 'paste', ...params } }],
        })
      ).image;
    const hard = await at({ blend: 'none', blockSize: 16 });
    expect(psnr(hard, truth, mask)).toBe(Infinity);
    expect(psnr(await at({ blend: 'poisson', blockSize: 16 }), truth, mask)).toBeGreaterThan(90);
    expect(psnr(await at({ blend: 'feather', blockSize: 16, seamWidth: 0 }), truth, mask)).toBe(Infinity);
    expect(psnr(await at({ blend: 'feather', blockSize: 16 }), truth, mask)).toBeGreaterThan(before + 6);
  });

  it.each([
    ['paste', 'none'],
    ['paste', 'feather'],
    ['paste', 'poisson'],
    ['detail', 'feather'],
  ])('leaves every pixel outside the hole bit-exact (%s, %s)', async (mode, blend) => {
    const truth = noiseTexture(160, 128, 21);
    const mask = discMask(160, 128, 70, 60, 26);
    const image = roughFill(truth, mask, 0.1);
    const r = await pipeline().run({
      image,
      mask,
      stages: [{ name: 'blockmatch', params: { mode, blend, blockSize: 16 } }],
    });
    expect(changedOutside(r.image, image, mask)).toBe(0);
    // And a paste did change the hole (the noisy rough fill has detail enough for the detail mode).
    if (mode === 'paste')
      expect(changedOutside(r.image, image, { ...mask, data: mask.data.map((v) => 1 - v) })).toBeGreaterThan(
        0,
      );
  });

  it('hands on an exemplar and a colour reference of known pixels, and the matches', async () => {
    const truth = noiseTexture(400, 300, 23);
    const mask = discMask(400, 300, 150, 120, 40);
    const image = roughFill(truth, mask);
    const events: PipelineEvent[] = [];
    const r = await pipeline().run(
      { image, mask, stages: [{ name: 'blockmatch', params: { exemplarSize: 64 } }] },
      { onEvent: (e) => events.push(e), maxEventsPerSecond: 1000 },
    );
    const { exemplar, reference } = r.artifacts;
    const validity = new SourceValidity(mask, 4, 1);
    expect(exemplar).toBeDefined();
    expect(reference).toBeDefined();
    expect(exemplar!.width).toBe(64);
    expect(reference!.width).toBe(128);
    // No 256 square fits beside the hole: the exemplar halves to 128; the reference (512, more than the
    // image's 300 rows) starts from 300 and halves to 150.
    const big = await pipeline().run({
      image,
      mask,
      stages: [{ name: 'blockmatch', params: { exemplarSize: 256 } }],
    });
    expect(big.artifacts.exemplar!.width).toBe(128);
    expect(big.artifacts.reference!.width).toBe(150);
    for (const rect of [exemplar!, reference!])
      expect(validity.rectAllowed(rect.x, rect.y, rect.width, rect.height)).toBe(true);
    const stageArtifacts = r.artifacts.blockmatch as { blockSize: number; matches: unknown[] };
    expect(stageArtifacts.blockSize).toBe(32);
    expect(stageArtifacts.matches.length).toBe((r.stages[0].info as BlockmatchInfo).maskBlocks);
    expect(JSON.parse(JSON.stringify(r.artifacts))).toEqual(r.artifacts);
    expect(events.some((e) => e.type === 'progress')).toBe(true);
    // The editor's correspondence map is the same data.
    const map = await computeCorrespondence(image, mask, resolveParams(BLOCKMATCH_PARAMS), { sessions });
    expect(map.matches).toEqual(stageArtifacts.matches);
  });

  it('is cancelled through the pipeline', async () => {
    const truth = noiseTexture(320, 240, 29);
    const mask = discMask(320, 240, 150, 120, 40);
    const controller = new AbortController();
    const run = pipeline().run(
      {
        image: roughFill(truth, mask),
        mask,
        stages: [{ name: 'blockmatch', params: { mode: 'paste', blend: 'poisson' } }],
      },
      { signal: controller.signal, onEvent: (e) => e.type === 'progress' && controller.abort() },
    );
    await expect(run).rejects.toSatisfy((e) => e instanceof StudioError && e.code === 'CANCELLED');
  });
});
