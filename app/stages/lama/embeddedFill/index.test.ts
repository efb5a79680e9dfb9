import { describe, expect, it } from 'vitest';
import { StudioError } from '../../../common/errors';
import { embeddedFill, embeddedFillAsync, type EmbeddedFillMethod } from './index';
import { patchMatchFill } from './patchMatch';
import { pushPullFill } from './pushPull';
import { maskFrom, noiseImage } from './testImages';

describe('embeddedFill', () => {
  const img = noiseImage(48, 40, 8);
  const mask = maskFrom(48, 40, (x, y) => Math.hypot(x - 24, y - 20) < 8);

  it('runs the chosen method', () => {
    expect(embeddedFill(img, mask, { method: 'pushpull' }).data).toEqual(pushPullFill(img, mask).data);
    expect(embeddedFill(img, mask, { method: 'patchmatch', seed: 5 }).data).toEqual(
      patchMatchFill(img, mask, { seed: 5 }).data,
    );
  });

  it('gives the same result synchronously and asynchronously', async () => {
    for (const method of ['pushpull', 'patchmatch'] as const) {
      const a = embeddedFill(img, mask, { method, seed: 2 });
      expect((await embeddedFillAsync(img, mask, { method, seed: 2 })).data).toEqual(a.data);
    }
  });

  it('reports progress for both methods', () => {
    for (const method of ['pushpull', 'patchmatch'] as const) {
      const steps: number[][] = [];
      embeddedFill(img, mask, { method, onProgress: (s, t) => steps.push([s, t]) });
      expect(steps.length).toBeGreaterThan(0);
      const [last, total] = steps[steps.length - 1];
      expect(last).toBe(total);
    }
  });

  it('refuses an unknown method with PARAM_INVALID', () => {
    try {
      embeddedFill(img, mask, { method: 'telea' as EmbeddedFillMethod });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(StudioError);
      expect((e as StudioError).code).toBe('PARAM_INVALID');
      expect((e as StudioError).message).toBe(
        'Expected one of "patchmatch", "pushpull" for the embedded fill method but received "telea"',
      );
    }
  });
});
