import { describe, expect, it } from 'vitest';
import {
  BATCH_CAPABILITY_TEXT,
  BATCHING_TEXT,
  batchingText,
  readingText,
  SIZING_REASON_TEXT,
  sizingReasonText,
} from './lamaInfoText';
import type { BatchCapability, SizingReason } from './stageInfo';

describe('LaMa info words', () => {
  it('each sizing code words its figures as the planner and the stage said them', () => {
    const cases: [SizingReason, string][] = [
      [
        { code: 'embedded-neighbourhoods' },
        "the embedded fill runs at full resolution in each hole's neighbourhood, as far as it reads (it is multi-scale itself); lama.sizing=regions restricts it to smaller crops",
      ],
      [
        { code: 'large-hole', holePx: 400, side: 512 },
        "the largest hole is 400 px at the model's scale, more than half its 512 px input: a coarse pass gets its structure, a fine pass its detail",
      ],
      [
        { code: 'large-hole-in-crop', holePx: 320, side: 512 },
        "the largest hole is 320 px at the scale its crop fits the model, more than half the model's 512 px input: a coarse pass gets its structure, a fine pass its detail",
      ],
      [
        { code: 'fits', width: 500, height: 400, side: 512, scale: 1 },
        "the 500x400 image fits the model's 512 px input at full resolution: one call sees all of it",
      ],
      [
        { code: 'fits', width: 900, height: 600, side: 512, scale: 512 / 900 },
        "the 900x600 image fits the model's 512 px input at 57% (no less than half): one call sees all of it",
      ],
      [
        { code: 'too-many-regions', regions: 17, maxRegions: 16, width: 4000, height: 3000, scale: 0.128 },
        '17 separate regions would take 17 model calls (auto allows 16), so the 4000x3000 image is scaled to 13% for one call; lama.sizing=regions fills each at full resolution anyway, a larger lama.mergeDistance groups them',
      ],
      [
        { code: 'regions', width: 4000, height: 3000, side: 512, scale: 0.128, holes: 2, minScale: 1 },
        "the 4000x3000 image would be scaled to 13% to fit the model's 512 px input; its 2 separate holes are filled in crops at full resolution instead",
      ],
      [
        { code: 'regions', width: 4000, height: 3000, side: 512, scale: 0.128, holes: 1, minScale: 0.75 },
        "the 4000x3000 image would be scaled to 13% to fit the model's 512 px input; its hole is filled in a crop at 75% or more instead",
      ],
      [
        { code: 'fixed-input', side: 512 },
        'the model takes a fixed 512x512 input, so lama.sizing=original falls back to resize',
      ],
      [{ code: 'embedded-any-size' }, 'the embedded fill takes any size, so it runs at full resolution'],
      [{ code: 'asked', strategy: 'multiscale' }, 'lama.sizing=multiscale'],
    ];
    for (const [reason, words] of cases) expect(sizingReasonText(reason)).toBe(words);
    // Every code has words and a case here.
    expect(new Set(cases.map(([r]) => r.code))).toEqual(new Set(Object.keys(SIZING_REASON_TEXT)));
  });

  it('each batching code words its figures as the stage said them', () => {
    const inputs = 'image [1,3,512,512], mask [1,1,512,512]';
    const dyn = 'image [N,3,H,W], mask [N,1,H,W]';
    const engines: [BatchCapability, string][] = [
      [{ code: 'embedded' }, 'the embedded fill takes one crop at a time'],
      [{ code: 'fixed-dim', dim: 1, inputs }, `the model's batch dimension is fixed at 1 (${inputs})`],
      [
        { code: 'convention', why: 'MI-GAN exports trace a batch of one', inputs },
        `MI-GAN exports trace a batch of one (${inputs})`,
      ],
      [{ code: 'dynamic', inputs: dyn }, `the model's batch dimension is dynamic (${dyn})`],
      [
        {
          code: 'checked',
          inputs: dyn,
          capable: true,
          now: false,
          check: 'a batch of two gave the same fills',
        },
        `the model's batch dimension is dynamic (${dyn}) and batching was checked: a batch of two gave the same fills`,
      ],
      [
        { code: 'checked', inputs: dyn, capable: false, now: true, check: 'a batch of two gave other fills' },
        `the model's batch dimension is dynamic (${dyn}) and batching was checked now: a batch of two gave other fills`,
      ],
      [
        { code: 'unverified', inputs: dyn },
        `the model's batch dimension is dynamic (${dyn}) but batching it is not verified yet`,
      ],
    ];
    expect(new Set(engines.map(([e]) => e.code))).toEqual(new Set(Object.keys(BATCH_CAPABILITY_TEXT)));
    for (const [engine, words] of engines) {
      expect(batchingText({ code: 'engine-single', engine })).toBe(`one region per call: ${words}`);
      expect(batchingText({ code: 'batched', size: 4, resizeLimit: 1024, engine })).toBe(
        `up to 4 regions per call (lama.batchSize), ${words}; crops share a call when they pad to the same size, at most 1024x1024 pixels per call (lama.resizeLimit squared)`,
      );
    }
    expect(batchingText({ code: 'not-batched', strategy: 'multiscale' })).toBe(
      'one call per pass: lama.sizing=multiscale does not batch',
    );
    expect(batchingText({ code: 'batch-size-one' })).toBe('one region per call: lama.batchSize=1');
    expect(Object.keys(BATCHING_TEXT).sort()).toEqual(
      ['batch-size-one', 'batched', 'engine-single', 'not-batched'].sort(),
    );
  });

  it('words a pixel reading', () => {
    expect(readingText({ order: 'RGB', outputScale: 1, maskInverted: false })).toBe(
      'RGB, output 0..1, mask as documented',
    );
    expect(readingText({ order: 'BGR', outputScale: 255, maskInverted: true })).toBe(
      'BGR, output 0..255, mask inverted',
    );
  });
});
