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

  it('an Apply step is kept without a mask change, and pathToBase counts the undos or redos to a base', () => {
    const d = new MaskDocument(128, 128);
    const apply = (from: number) => {
      d.begin('Apply');
      d.rect(d.mask.full, 'erase');
      d.history.markBase({ from, to: from + 1 });
      expect(d.end()).toBe(true);
    };
    d.rect({ x0: 0, y0: 0, x1: 10, y1: 10 }, 'paint');
    apply(0);
    // An Apply of an empty mask changes no tile, and is still a step.
    apply(1);
    d.rect({ x0: 20, y0: 20, x1: 30, y1: 30 }, 'paint');
    const h = d.history;
    expect(h.undoBase).toBeNull();
    expect(h.pathToBase(2, 2)).toEqual({ undo: 0 });
    expect(h.pathToBase(1, 2)).toEqual({ undo: 2 });
    // Step 0: right before the first Apply (the first rectangle is painted again).
    expect(h.pathToBase(0, 2)).toEqual({ undo: 3 });
    d.undo();
    expect(h.undoBase).toEqual({ from: 1, to: 2 });
    d.undo();
    d.undo();
    expect(d.mask.area()).toBe(100);
    expect(h.redoBase).toEqual({ from: 0, to: 1 });
    expect(h.pathToBase(2, 0)).toEqual({ redo: 2 });
    // A new edit drops the redo steps: step 2 can no longer be reached.
    d.rect({ x0: 50, y0: 50, x1: 55, y1: 55 }, 'paint');
    expect(h.pathToBase(2, 0)).toBeNull();
  });

  it('restores applied steps after a reload: up to the current one to undo, the rest to redo', () => {
    const d = new MaskDocument(64, 64);
    d.history.restoreBaseSteps(['a', 'b', 'c'], 2);
    expect(d.history.undoBase).toEqual({ from: 1, to: 2 });
    expect(d.history.redoBase).toEqual({ from: 2, to: 3 });
    expect(d.history.pathToBase(0, 2)).toEqual({ undo: 2 });
    expect(d.history.pathToBase(3, 2)).toEqual({ redo: 1 });
  });
});
