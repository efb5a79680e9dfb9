import { describe, expect, it } from 'vitest';
import { embeddedFill, embeddedFillAsync, type EmbeddedFillMethod } from './index';
import { fsrFill } from './fsr';
import { patchMatchFill } from '../../../image/fill/patchMatch';
import { pushPullFill } from '../../../image/fill/pushPull';
import { chooseRegions } from './regionChoice';
import { imageFrom, maskFrom, noiseImage } from '../../../testing/fillImages';
import { expectCode } from '../../../testing/errors';
import { changedOutside } from '../../../testing/masks';

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
    for (const method of ['pushpull', 'patchmatch', 'fsr', 'auto'] as const) {
      const a = embeddedFill(img, mask, { method, seed: 2 });
      expect((await embeddedFillAsync(img, mask, { method, seed: 2 })).data).toEqual(a.data);
    }
  });

  it('reports progress for every method', () => {
    for (const method of ['pushpull', 'patchmatch', 'fsr', 'auto'] as const) {
      const steps: number[][] = [];
      embeddedFill(img, mask, { method, onProgress: (s, t) => steps.push([s, t]) });
      expect(steps.length).toBeGreaterThan(0);
      const [last, total] = steps[steps.length - 1];
      expect(last).toBe(total);
    }
  });

  it('refuses an unknown method with PARAM_INVALID', () => {
    const e = expectCode(
      () => embeddedFill(img, mask, { method: 'telea' as EmbeddedFillMethod }),
      'PARAM_INVALID',
    );
    expect(e.message).toBe(
      'Expected one of "auto", "fsr", "patchmatch", "pushpull" for the embedded fill method but received "telea"',
    );
  });
});

/** Mean luma gradient magnitude over the hole (detail). */
function holeDetail(img: { width: number; data: Float32Array }, mask: { data: Uint8Array }): number {
  const W = img.width;
  const n = mask.data.length;
  const l = (i: number) => 0.299 * img.data[i] + 0.587 * img.data[n + i] + 0.114 * img.data[2 * n + i];
  let s = 0,
    k = 0;
  for (let i = 0; i < n - W - 1; i++) {
    if (!mask.data[i]) continue;
    s += Math.hypot(l(i + 1) - l(i), l(i + W) - l(i));
    k++;
  }
  return s / k;
}

describe('embeddedFill auto', () => {
  // A shaded background crossed by a bright bar (structure), and a noise texture.
  const bar = imageFrom(96, 96, (x, y) => {
    const s = 0.25 + 0.35 * (x / 96);
    return Math.abs(x - y) < 2.5 ? [0.95, 0.9, 0.8] : [s, 0.8 * s, 0.5];
  });
  const stroke = maskFrom(96, 96, (x, y) => Math.abs(x + y - 96) < 5 && x > 10 && x < 86);
  const noise = noiseImage(128, 128, 4);
  // A wide disc (PatchMatch refines it) and a thin line (FSR's alone).
  const holes = maskFrom(
    128,
    128,
    (x, y) => Math.hypot(x - 64, y - 64) < 12 || (Math.abs(y - 20) < 2 && x > 10 && x < 60),
  );

  it('is FSR alone on a thin hole across structure', () => {
    expect(embeddedFill(bar, stroke, { method: 'auto' }).data).toEqual(fsrFill(bar, stroke).data);
  });

  it('lets PatchMatch put texture into a wide hole in a texture, and only there', () => {
    const { regions, refine } = chooseRegions(noise, holes);
    expect(regions.map((r) => r.method).sort()).toEqual(['fsr', 'fsr+patchmatch']);
    const out = embeddedFill(noise, holes, { method: 'auto', seed: 3 });
    const fsr = fsrFill(noise, holes);
    expect(changedOutside(noise, out, holes)).toBe(0);
    // The thin line keeps FSR's fill; the disc gets much more detail than FSR's smooth fill.
    const n = 128 * 128;
    const thin = maskFrom(128, 128, (x, y) => holes.data[y * 128 + x] === 1 && !refine!.data[y * 128 + x]);
    for (let i = 0; i < n; i++)
      if (thin.data[i]) for (let c = 0; c < 3; c++) expect(out.data[c * n + i]).toBe(fsr.data[c * n + i]);
    expect(holeDetail(out, refine!)).toBeGreaterThan(2 * holeDetail(fsr, refine!));
  });

  it('stops with CANCELLED when cancelled at any progress step', () => {
    const reports: number[] = [];
    embeddedFill(noise, holes, { method: 'auto', onProgress: (s) => reports.push(s) });
    expect(reports.length).toBeGreaterThan(2);
    for (let k = 0; k < reports.length - 1; k++) {
      const ac = new AbortController();
      let seen = 0;
      const run = () =>
        embeddedFill(noise, holes, {
          method: 'auto',
          signal: ac.signal,
          onProgress: () => {
            if (seen++ === k) ac.abort();
          },
        });
      // The last reports come after the work is done; an abort there may let the result through.
      if (reports[k] < reports[reports.length - 1])
        expect(run).toThrow(expect.objectContaining({ code: 'CANCELLED' }));
    }
  });

  it('cancels the asynchronous fill from outside while it runs', async () => {
    const ac = new AbortController();
    const p = embeddedFillAsync(noise, holes, { method: 'auto', signal: ac.signal });
    setImmediate(() => ac.abort());
    await expect(p).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});
