import { describe, expect, it } from 'vitest';
import { FULL } from './mask';
import { MaskDocument } from './maskDocument';
import { dabCoverage } from './paint';
import { bruteGrow } from './testing/bruteGrow';
import { mulberry32 } from '../../app/common/random';

const at = (d: MaskDocument, x: number, y: number) => d.mask.data[y * d.width + x];
const count = (d: MaskDocument) => d.mask.area();

describe('mask document', () => {
  it('paints a hard dab as a disc and erases it back', () => {
    const d = new MaskDocument(64, 48);
    d.dab(20.5, 20.5, 5, 1, 'paint');
    expect(at(d, 20, 20)).toBe(FULL);
    expect(at(d, 24, 20)).toBe(FULL);
    expect(at(d, 26, 20)).toBe(0);
    // A disc of radius 5 sampled at pixel centres covers about pi*25 pixels.
    expect(count(d)).toBeGreaterThan(70);
    expect(count(d)).toBeLessThan(90);
    d.dab(20.5, 20.5, 6, 1, 'erase');
    expect(count(d)).toBe(0);
  });

  it('gives a soft brush a falling edge and never builds up past the dab', () => {
    expect(dabCoverage(0, 10, 0.5)).toBe(1);
    expect(dabCoverage(5, 10, 0.5)).toBe(1);
    expect(dabCoverage(7.5, 10, 0.5)).toBeCloseTo(0.5, 5);
    expect(dabCoverage(10, 10, 0.5)).toBe(0);
    const d = new MaskDocument(40, 40);
    d.dab(20, 20, 10, 0.5, 'paint');
    const edge = at(d, 27, 19);
    expect(edge).toBeGreaterThan(0);
    expect(edge).toBeLessThan(FULL);
    d.dab(20, 20, 10, 0.5, 'paint');
    expect(at(d, 27, 19)).toBe(edge);
  });

  it('fills rectangles and lasso polygons, and Alt-style erase removes them', () => {
    const d = new MaskDocument(50, 50);
    d.rect({ x0: 10, y0: 10, x1: 20, y1: 15 }, 'paint');
    expect(count(d)).toBe(50);
    d.rect({ x0: 12, y0: 10, x1: 20, y1: 15 }, 'erase');
    expect(count(d)).toBe(10);
    d.clear();
    // A right triangle with legs of 20: about 200 pixels.
    d.polygon(
      [
        { x: 0, y: 0 },
        { x: 20, y: 0 },
        { x: 0, y: 20 },
      ],
      'paint',
    );
    expect(count(d)).toBeGreaterThan(180);
    expect(count(d)).toBeLessThan(220);
    expect(at(d, 2, 2)).toBe(FULL);
    expect(at(d, 15, 15)).toBe(0);
  });

  it('fills, clears and inverts the whole mask, each one undo step', () => {
    const d = new MaskDocument(30, 20);
    d.rect({ x0: 0, y0: 0, x1: 10, y1: 20 }, 'paint');
    d.invert();
    expect(count(d)).toBe(400);
    expect(at(d, 0, 0)).toBe(0);
    d.fill();
    expect(count(d)).toBe(600);
    d.clear();
    expect(count(d)).toBe(0);
    d.undo();
    expect(count(d)).toBe(600);
    d.undo();
    expect(count(d)).toBe(400);
    d.undo();
    expect(count(d)).toBe(200);
  });

  it('grows and shrinks by exactly N pixels (Euclidean), matching a brute-force reference', () => {
    const w = 80,
      h = 60;
    const d = new MaskDocument(w, h);
    d.rect({ x0: 30, y0: 20, x1: 45, y1: 32 }, 'paint');
    d.dab(50, 40, 6, 0.5, 'paint'); // a soft edge: only coverage >= half is hole
    d.rect({ x0: 0, y0: 50, x1: 4, y1: 60 }, 'paint'); // touches the image's border
    const src = d.mask.binary();
    for (const n of [3, -2, 7, -4, 1, -1, 40, -9]) {
      const e = new MaskDocument(w, h);
      e.replace(d.mask.data);
      e.grow(n);
      expect(Array.from(e.mask.binary())).toEqual(Array.from(bruteGrow(src, w, h, n)));
      // Hard-edged where it worked.
      expect(e.mask.data.every((v) => v === 0 || v === 255 || v < 128)).toBe(true);
      expect(e.history.undoLabel).toBe(n > 0 ? 'grow' : 'shrink');
      e.undo();
      expect(Array.from(e.mask.data)).toEqual(Array.from(d.mask.data));
    }
  });

  it('grows and shrinks random masks like the reference, and keeps a hole with no known pixel', () => {
    const rnd = mulberry32(7);
    for (let t = 0; t < 12; t++) {
      const w = 5 + Math.floor(rnd() * 30),
        h = 5 + Math.floor(rnd() * 30);
      const cov = new Uint8Array(w * h);
      const density = rnd();
      for (let i = 0; i < cov.length; i++) cov[i] = rnd() < density ? 255 : Math.floor(rnd() * 128);
      const n = Math.round((rnd() - 0.5) * 14) || 1;
      const e = new MaskDocument(w, h);
      e.replace(cov);
      const src = e.mask.binary();
      e.grow(n);
      expect(Array.from(e.mask.binary())).toEqual(Array.from(bruteGrow(src, w, h, n)));
    }
    const all = new MaskDocument(9, 7);
    all.fill();
    all.grow(-3);
    expect(all.mask.area()).toBe(63);
  });

  it('reports the dirty box of each change for the canvas to redraw', () => {
    const d = new MaskDocument(200, 100);
    d.mask.takeDirty();
    d.dab(50, 50, 4, 1, 'paint');
    const box = d.mask.takeDirty()!;
    expect(box.x0).toBeGreaterThanOrEqual(44);
    expect(box.x1).toBeLessThanOrEqual(57);
    expect(d.mask.takeDirty()).toBeNull();
    d.undo();
    expect(d.mask.takeDirty()).not.toBeNull();
  });

  it('sends the engine a hole thresholded at half coverage', () => {
    const d = new MaskDocument(4, 1);
    d.replace(new Uint8Array([0, 127, 128, 255]));
    expect(Array.from(d.mask.binary())).toEqual([0, 0, 1, 1]);
  });
});
