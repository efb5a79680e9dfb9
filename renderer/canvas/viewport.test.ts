import { describe, expect, it } from 'vitest';
import {
  View,
  actualSizeTransform,
  fitTransform,
  pan,
  toImage,
  toView,
  wheelZoom,
  zoomAt,
  type Transform,
} from './viewport';

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

  it('maps view to image and back with a zoomed, panned transform', () => {
    const t: Transform = [2.5, 0, 0, 2.5, -130, 47];
    expect(toImage(t, 120, 97)).toEqual({ x: 100, y: 20 });
    expect(toView(t, 100, 20)).toEqual({ x: 120, y: 97 });
    for (const [x, y] of [
      [0, 0],
      [333.3, -12],
      [1e4, 7],
    ]) {
      const back = toView(t, toImage(t, x, y).x, toImage(t, x, y).y);
      expect(back.x).toBeCloseTo(x, 9);
      expect(back.y).toBeCloseTo(y, 9);
    }
    // A pan moves every view point by the same amount.
    expect(toView(pan(t, 30, -5), 100, 20)).toEqual({ x: 150, y: 92 });
  });

  it('fits with the margin on the tighter side and centres the other', () => {
    // 800×200 into 1000×1000: width limits, zoom (1000 - 32) / 800.
    const t = fitTransform(800, 200, 1000, 1000, 16);
    const z = 968 / 800;
    expect(t[0]).toBeCloseTo(z, 12);
    expect(toView(t, 0, 0).x).toBeCloseTo(16, 9);
    expect(toView(t, 800, 0).x).toBeCloseTo(984, 9);
    expect(toView(t, 0, 100).y).toBeCloseTo(500, 9);
  });
});

describe('View', () => {
  it('fits, zooms about its centre and wheels about the cursor, reporting each transform', () => {
    const seen: Transform[] = [];
    const v = new View((t) => seen.push(t));
    v.resize(1000, 800, null);
    v.fit(4000, 2000);
    expect(seen.at(-1)).toEqual(fitTransform(4000, 2000, 1000, 800));
    expect(v.isFitted(4000, 2000)).toBe(true);
    const centre = v.toImage(500, 400);
    v.zoomBy(2);
    expect(v.t[0]).toBeCloseTo(2 * fitTransform(4000, 2000, 1000, 800)[0], 12);
    expect(v.toImage(500, 400).x).toBeCloseTo(centre.x, 9);
    expect(v.toImage(500, 400).y).toBeCloseTo(centre.y, 9);
    expect(v.isFitted(4000, 2000)).toBe(false);
    // Three lines of wheel (deltaMode 1) zoom as 48 px do, about the cursor.
    const z0 = v.t[0];
    const under = v.toImage(120, 650);
    v.wheel(120, 650, -3, 1);
    expect(v.t[0]).toBeCloseTo(wheelZoom(z0, -48), 12);
    expect(v.toImage(120, 650).x).toBeCloseTo(under.x, 9);
    expect(v.toImage(120, 650).y).toBeCloseTo(under.y, 9);
    v.panBy(10, -20);
    expect(v.toView(under.x, under.y).x).toBeCloseTo(130, 9);
    expect(v.toView(under.x, under.y).y).toBeCloseTo(630, 9);
    expect(seen).toHaveLength(4);
  });

  it('a fitted view stays fitted when resized; a zoomed one keeps its transform', () => {
    const v = new View();
    const img = { width: 600, height: 400 };
    v.resize(800, 600, img);
    v.fit(600, 400);
    expect(v.resize(800, 600, img)).toBe(false);
    expect(v.resize(1200.7, 500.2, img)).toBe(true);
    expect([v.width, v.height]).toEqual([1200, 500]);
    expect(v.t).toEqual(fitTransform(600, 400, 1200, 500));
    v.actualSize();
    expect(v.t[0]).toBe(1);
    const kept = [...v.t];
    v.resize(900, 900, img);
    expect(v.t).toEqual(kept);
  });
});
