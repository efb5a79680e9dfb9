import { describe, expect, it } from 'vitest';
import { MaskDocument } from './maskDocument';

const snapshot = (d: MaskDocument) => d.mask.data.slice();
/** Byte equality (vitest's deep equality is slow on large typed arrays). */
const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((v, i) => v === b[i]);

describe('history', () => {
  it('undoes and redoes at least 50 steps exactly, one step per gesture', () => {
    const d = new MaskDocument(300, 200);
    const states = [snapshot(d)];
    for (let i = 0; i < 60; i++) {
      d.begin('stroke');
      // Many dabs, one gesture.
      for (let k = 0; k < 10; k++)
        d.dab(10 + i * 4 + k, 20 + k * 15, 6, 0.6, i % 7 === 6 ? 'erase' : 'paint');
      expect(d.end()).toBe(true);
      states.push(snapshot(d));
    }
    expect(d.history.size).toBe(60);
    for (let i = 59; i >= 0; i--) {
      expect(d.undo()).toBe(true);
      expect(same(d.mask.data, states[i])).toBe(true);
    }
    expect(d.undo()).toBe(false);
    for (let i = 1; i <= 60; i++) {
      expect(d.redo()).toBe(true);
      expect(same(d.mask.data, states[i])).toBe(true);
    }
    expect(d.redo()).toBe(false);
  });

  it('a gesture that changes nothing leaves no step, and a new edit clears redo', () => {
    const d = new MaskDocument(64, 64);
    d.begin('nothing');
    d.dab(10, 10, 3, 1, 'erase');
    expect(d.end()).toBe(false);
    expect(d.history.canUndo).toBe(false);
    d.rect({ x0: 0, y0: 0, x1: 5, y1: 5 }, 'paint');
    d.undo();
    expect(d.history.canRedo).toBe(true);
    d.rect({ x0: 0, y0: 0, x1: 2, y1: 2 }, 'paint');
    expect(d.history.canRedo).toBe(false);
  });

  it('an aborted gesture puts the mask back and leaves no step', () => {
    const d = new MaskDocument(64, 64);
    d.rect({ x0: 0, y0: 0, x1: 8, y1: 8 }, 'paint');
    const before = snapshot(d);
    d.begin('stroke');
    d.dab(30, 30, 10, 1, 'paint');
    d.dab(5, 5, 10, 1, 'erase');
    d.abort();
    expect(same(d.mask.data, before)).toBe(true);
    expect(d.history.size).toBe(1);
  });

  it('keeps at least 50 and at most the limit of steps, and stores uniform tiles as one value', () => {
    const d = new MaskDocument(1024, 1024, undefined, { limit: 60 });
    for (let i = 0; i < 80; i++) {
      if (i % 2) d.clear();
      else d.fill();
    }
    expect(d.history.size).toBe(60);
    // 256 uniform tiles per step: a few KiB per step, not 1 MiB.
    expect(d.history.bytes()).toBeLessThan(60 * 256 * 16);
  });
});
