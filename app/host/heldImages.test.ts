import { describe, expect, it } from 'vitest';
import { exitCodeFor } from '../common/errors';
import { createImage } from '../image/types';
import { HeldImages, IMAGE_BUDGET_ENV, defaultImageBudget, type HeldImage } from './heldImages';

/** A w×h image: 12 bytes a pixel (three float planes). */
function img(w: number, h = 1): HeldImage {
  return {
    image: createImage(w, h),
    meta: { format: 'png', bitDepth: 8, channels: 3, hasAlpha: false },
    name: `${w}.png`,
    path: '',
  };
}

describe('held images', () => {
  it('closing an image frees it and its results; a later use says it was closed', () => {
    const h = new HeldImages(10_000);
    h.addImage('a', img(100)); // 1200 bytes
    h.addImage('b', img(50)); // 600
    h.addResult('r', 'a', createImage(100, 1)); // 1200
    expect(h.heldBytes).toBe(3000);
    expect(h.close('a')).toBe(true);
    expect(h.heldBytes).toBe(600);
    expect(() => h.image('a')).toThrow(expect.objectContaining({ code: 'IMAGE_CLOSED' }));
    expect(() => h.result('r')).toThrow(expect.objectContaining({ code: 'IMAGE_CLOSED' }));
    expect(h.close('a')).toBe(false);
    // An id never issued is a bad parameter, not a closed image.
    expect(() => h.image('zzz')).toThrow(expect.objectContaining({ code: 'PARAM_INVALID' }));
    expect(exitCodeFor('IMAGE_CLOSED')).toBe(2);
  });

  it('evicts the least recently used images beyond the budget; the most recently used survives', () => {
    const h = new HeldImages(3000);
    h.addImage('a', img(100)); // 1200
    h.addImage('b', img(100));
    h.image('a'); // a is now more recent than b
    h.addImage('c', img(100)); // 3600 > 3000: b goes
    expect(h.heldBytes).toBeLessThanOrEqual(3000);
    expect(() => h.image('b')).toThrow(/memory budget/);
    expect(h.image('a').name).toBe('100.png');
    expect(h.image('c').name).toBe('100.png');
    // Twenty-five opens of the same photo never hold more than the budget.
    for (let i = 0; i < 25; i++) {
      h.addImage(`x${i}`, img(100));
      expect(h.heldBytes).toBeLessThanOrEqual(3000);
    }
    expect(h.image('x24')).toBeDefined();
    expect(h.imageCount).toBe(2);
  });

  it('keeps the newest image and result even when they alone exceed the budget', () => {
    const h = new HeldImages(1000);
    h.addImage('big', img(200)); // 2400 > 1000, but the newest
    expect(h.image('big')).toBeDefined();
    h.addResult('r1', 'big', createImage(200, 1));
    expect(h.result('r1').source.name).toBe('200.png');
    h.addImage('next', img(10)); // the newest image, and big stays for r1
    expect(h.result('r1')).toBeDefined();
    h.addResult('r2', 'next', createImage(10, 1)); // r1 and big are no longer the newest
    expect(() => h.result('r1')).toThrow(expect.objectContaining({ code: 'IMAGE_CLOSED' }));
    expect(() => h.image('big')).toThrow(expect.objectContaining({ code: 'IMAGE_CLOSED' }));
    expect(h.heldBytes).toBe(240);
  });

  it('keeps at most maxResults results, and none of an image closed during its run', () => {
    const h = new HeldImages(1e9, 2);
    h.addImage('a', img(10));
    h.addResult('r1', 'a', createImage(10, 1));
    h.addResult('r2', 'a', createImage(10, 1));
    h.addResult('r3', 'a', createImage(10, 1));
    expect(h.resultCount).toBe(2);
    expect(() => h.result('r1')).toThrow(/2 most recent results/);
    h.close('a');
    h.addResult('r4', 'a', createImage(10, 1));
    expect(() => h.result('r4')).toThrow(expect.objectContaining({ code: 'IMAGE_CLOSED' }));
    expect(h.heldBytes).toBe(0);
  });

  it('takes its default budget from the environment, else min(2 GiB, a quarter of the memory)', () => {
    expect(defaultImageBudget({}, 64 * 1024 ** 3)).toBe(2 * 1024 ** 3);
    expect(defaultImageBudget({}, 4 * 1024 ** 3)).toBe(1024 ** 3);
    expect(defaultImageBudget({ [IMAGE_BUDGET_ENV]: '512' }, 64 * 1024 ** 3)).toBe(512 * 1024 ** 2);
    expect(() => defaultImageBudget({ [IMAGE_BUDGET_ENV]: 'lots' })).toThrow(
      /positive whole number of MiB for INPAINT_STUDIO_IMAGE_MEMORY but received "lots"/,
    );
    expect(() => new HeldImages(0)).toThrow(/image budget/);
  });
});
