import { describe, expect, it } from 'vitest';
import { actualSizeTransform, fitTransform, toImage, toView, wheelZoom, zoomAt } from './viewport';

describe('viewport', () => {
  it('fits an image centred in the view', () => {
    const t = fitTransform(4000, 2000, 1032, 1032, 16);
    expect(t[0]).toBeCloseTo(0.25);
    expect(toView(t, 0, 1000)).toEqual({ x: 16, y: 516 });
  });

  it('zooms about the cursor: the image point under it stays put', () => {
    const t = fitTransform(4000, 2000, 1000, 800);
    const under = toImage(t, 300, 200);
    const z = zoomAt(t, 300, 200, wheelZoom(t[0], -120));
    expect(z[0]).toBeGreaterThan(t[0]);
    const after = toImage(z, 300, 200);
    expect(after.x).toBeCloseTo(under.x, 6);
    expect(after.y).toBeCloseTo(under.y, 6);
    const a = actualSizeTransform(t, 1000, 800);
    expect(a[0]).toBe(1);
    expect(toImage(a, 500, 400).x).toBeCloseTo(toImage(t, 500, 400).x, 6);
  });
});
