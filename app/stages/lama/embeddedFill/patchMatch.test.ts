import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { psnr } from '../../../image/metrics';
import { createImage, createMask } from '../../../image/types';
import { patchMatchFill, patchMatchFillAsync } from '../../../image/fill/patchMatch';
import { pushPullFill } from '../../../image/fill/pushPull';
import { checkerboard, imageFrom, maskFrom, noiseImage } from '../../../testing/fillImages';
import { expectCode } from '../../../testing/errors';
import { changedOutside } from '../../../testing/masks';
import { mulberry32 } from '../../../common/random';

describe('patchMatchFill', () => {
  it('keeps every pixel outside the hole bit-exact (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.double({ min: 0.02, max: 0.6, noNaN: true }),
        (w, h, seedImg, seed, density) => {
          const img = noiseImage(w, h, seedImg);
          const rnd = mulberry32(seedImg ^ 0x5bd1e995);
          const mask = maskFrom(w, h, () => rnd() < density);
          if (mask.data.every((v) => v === 1)) mask.data[0] = 0;
          const out = patchMatchFill(img, mask, { seed });
          expect(changedOutside(out, img, mask)).toBe(0);
          for (let i = 0; i < out.data.length; i++) expect(Number.isFinite(out.data[i])).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('reproduces a periodic texture far better than push-pull', () => {
    // Checkerboard with period 8 px and a hole of about 3 x 2.5 periods. Push-pull can only give the local
    // mean there (about 6 dB for a two-level pattern); copying patches continues the pattern, exactly when
    // the phase is right. 15 dB more means a 30x smaller squared error: nearly every pixel in phase.
    const img = checkerboard(96, 96, 4);
    const mask = maskFrom(96, 96, (x, y) => Math.abs(x - 47.5) < 12 && Math.abs(y - 44.5) < 10);
    const pm = psnr(patchMatchFill(img, mask, { seed: 1 }), img, mask);
    const pp = psnr(pushPullFill(img, mask), img, mask);
    expect(pp).toBeLessThan(10);
    expect(pm).toBeGreaterThan(pp + 15);
  });

  it('continues diagonal stripes through an irregular hole', () => {
    const img = imageFrom(128, 96, (x, y) => {
      const v = 0.5 + 0.4 * Math.sin((2 * Math.PI * (x + 0.5 * y)) / 8);
      return [v, 0.8 * v, 0.3];
    });
    const mask = maskFrom(
      128,
      96,
      (x, y) => Math.hypot(x - 60, y - 48) < 14 || Math.hypot(x - 75, y - 40) < 9,
    );
    const pm = psnr(patchMatchFill(img, mask, { seed: 7 }), img, mask);
    const pp = psnr(pushPullFill(img, mask), img, mask);
    expect(pm).toBeGreaterThan(pp + 15);
  });

  it('fills a hole in a uniform image with that colour', () => {
    const img = imageFrom(64, 48, () => [0.2, 0.6, 0.9]);
    const mask = maskFrom(64, 48, (x, y) => Math.hypot(x - 30, y - 25) < 12);
    const out = patchMatchFill(img, mask);
    for (let i = 0; i < out.data.length; i++) expect(out.data[i]).toBeCloseTo(img.data[i], 5);
  });

  it('is deterministic for a seed', () => {
    const img = noiseImage(72, 60, 11);
    const mask = maskFrom(72, 60, (x, y) => Math.hypot(x - 36, y - 30) < 13);
    const a = patchMatchFill(img, mask, { seed: 42 });
    const b = patchMatchFill(img, mask, { seed: 42 });
    expect(b.data).toEqual(a.data);
    const c = patchMatchFill(img, mask, { seed: 43 });
    expect(c.data).not.toEqual(a.data);
  });

  it('reports progress up to its total and stops promptly with CANCELLED when aborted', () => {
    const img = noiseImage(160, 120, 2);
    const mask = maskFrom(160, 120, (x, y) => Math.hypot(x - 80, y - 60) < 30);
    const steps: [number, number][] = [];
    patchMatchFill(img, mask, { onProgress: (s, t) => steps.push([s, t]) });
    const total = steps[0][1];
    expect(total).toBeGreaterThan(2);
    expect(steps.map((s) => s[0])).toEqual(Array.from({ length: total }, (_, i) => i + 1));

    const ac = new AbortController();
    let calls = 0;
    const e = expectCode(
      () =>
        patchMatchFill(img, mask, {
          signal: ac.signal,
          onProgress: () => {
            calls++;
            if (calls === 2) ac.abort();
          },
        }),
      'CANCELLED',
    );
    expect(e.message).toMatch(/cancelled/);
    expect(calls).toBe(2);

    const pre = new AbortController();
    pre.abort();
    expectCode(() => patchMatchFill(img, mask, { signal: pre.signal }), 'CANCELLED');
  });

  it('async form: the same result, and an abort from another event-loop task stops it after that round', async () => {
    const img = noiseImage(400, 300, 12);
    const mask = maskFrom(400, 300, (x, y) => Math.hypot(x - 200, y - 150) < 60);
    const sync = patchMatchFill(img, mask, { seed: 9 });
    expect((await patchMatchFillAsync(img, mask, { seed: 9 })).data).toEqual(sync.data);

    // The abort arrives as a separate task (as a message from the renderer would), queued during round 2.
    // The async form yields to the event loop after every round, so the task runs before round 3 starts.
    const ac = new AbortController();
    const steps: [number, number][] = [];
    const run = patchMatchFillAsync(img, mask, {
      signal: ac.signal,
      onProgress: (s, t) => {
        steps.push([s, t]);
        if (s === 2) setImmediate(() => ac.abort());
      },
    });
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(steps.map((s) => s[0])).toEqual([1, 2]);
    expect(steps[0][1]).toBeGreaterThan(3);
  });

  it('returns an equal copy for an empty mask and refuses a full one', () => {
    const img = noiseImage(20, 10, 9);
    const out = patchMatchFill(img, createMask(20, 10));
    expect(out).not.toBe(img);
    expect(out.data).toEqual(img.data);
    const full = createMask(20, 10, new Uint8Array(200).fill(1));
    const e = expectCode(() => patchMatchFill(img, full), 'PARAM_INVALID');
    expect(e.message).toBe('The mask covers the whole image; nothing is left to fill from');
  });

  it('refuses out-of-range options, naming them', () => {
    const img = createImage(16, 16);
    const mask = maskFrom(16, 16, (x, y) => x === 8 && y === 8);
    expect(expectCode(() => patchMatchFill(img, mask, { patchSize: 2 }), 'PARAM_INVALID').message).toBe(
      'Expected an integer between 3 and 21 for embeddedFill.patchSize but received 2',
    );
    expectCode(() => patchMatchFill(img, mask, { iterations: 0 }), 'PARAM_INVALID');
    expectCode(() => patchMatchFill(img, mask, { seed: 1.5 }), 'PARAM_INVALID');
    expectCode(() => patchMatchFill(img, createMask(16, 17)), 'MASK_SIZE');
  });

  it('falls back to the smooth fill when no whole patch of known pixels exists', () => {
    // 6 x 6 with a 7-px patch: no source patch fits; the result is push-pull's.
    const img = noiseImage(6, 6, 4);
    const mask = maskFrom(6, 6, (x, y) => x === 2 && y === 3);
    expect(patchMatchFill(img, mask).data).toEqual(pushPullFill(img, mask).data);
  });

  it('fills holes at the image border and several separate holes', () => {
    const img = checkerboard(120, 90, 4);
    const mask = maskFrom(
      120,
      90,
      (x, y) => (x < 6 && y > 30 && y < 50) || Math.hypot(x - 90, y - 20) < 7 || (y > 84 && x > 60 && x < 80),
    );
    const out = patchMatchFill(img, mask, { seed: 3 });
    expect(changedOutside(out, img, mask)).toBe(0);
    expect(psnr(out, img, mask)).toBeGreaterThan(20);
  });

  it('takes patches only from the allowed sources, and starts from a given fill', () => {
    // Left half dark, right half bright; the hole sits in the dark half.
    const img = imageFrom(96, 48, (x) => (x < 48 ? [0.2, 0.2, 0.2] : [0.8, 0.8, 0.8]));
    const mask = maskFrom(96, 48, (x, y) => x >= 12 && x < 36 && y >= 12 && y < 36);
    const mean = (out: typeof img) => {
      let s = 0,
        k = 0;
      for (let i = 0; i < mask.data.length; i++)
        if (mask.data[i]) {
          s += out.data[i];
          k++;
        }
      return s / k;
    };
    expect(mean(patchMatchFill(img, mask))).toBeCloseTo(0.2, 2);
    const sources = maskFrom(96, 48, (x) => x >= 60);
    const out = patchMatchFill(img, mask, { sources });
    expect(changedOutside(out, img, mask)).toBe(0);
    expect(mean(out)).toBeCloseTo(0.8, 2);
    // A start is read in the hole only, and changes where the EM begins (here: nothing else to find).
    const start = imageFrom(96, 48, () => [0.5, 0.5, 0.5]);
    const started = patchMatchFill(img, mask, { start, sources });
    expect(mean(started)).toBeCloseTo(0.8, 2);
    expectCode(() => patchMatchFill(img, mask, { start: createImage(10, 10) }), 'MASK_SIZE');
    expectCode(() => patchMatchFill(img, mask, { sources: createMask(10, 10) }), 'MASK_SIZE');
  });

  it('follows its start: a start drawn from another image changes what is copied where', () => {
    const img = noiseImage(64, 64, 9);
    const mask = maskFrom(64, 64, (x, y) => x >= 20 && x < 44 && y >= 20 && y < 44);
    const plain = patchMatchFill(img, mask, { seed: 2 });
    const start = noiseImage(64, 64, 10);
    const started = patchMatchFill(img, mask, { seed: 2, start });
    expect(changedOutside(started, img, mask)).toBe(0);
    let differ = 0;
    for (let i = 0; i < mask.data.length; i++)
      if (mask.data[i] && plain.data[i] !== started.data[i]) differ++;
    expect(differ).toBeGreaterThan(100);
  });
});
