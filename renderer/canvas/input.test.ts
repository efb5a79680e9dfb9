// The canvas's gestures without a DOM: pointer samples in view px become the tools' image-px strokes,
// pan drags, divider drags and wheel zooms, each through the view's transform.
import { describe, expect, it } from 'vitest';
import type { ToolPointer } from '../state/tools/tool';
import { CanvasInput, DIVIDER_GRAB, type InputEditor } from './input';
import { View, wheelZoom } from './viewport';

type Snap = ReturnType<InputEditor['getSnapshot']>;

function setup(over: Partial<Snap> = {}, after = false) {
  const calls: { op: string; p?: ToolPointer; at?: number }[] = [];
  const snap: Snap = {
    doc: { width: 400, height: 300 } as Snap['doc'],
    panning: false,
    split: false,
    splitAt: 0.5,
    holdBefore: false,
    tool: 'brush',
    ...over,
  };
  const editor: InputEditor = {
    getSnapshot: () => snap,
    afterRaster: after ? {} : null,
    pointerDown: (p) => calls.push({ op: 'down', p }),
    pointerMove: (p) => calls.push({ op: 'move', p }),
    pointerUp: (p) => calls.push({ op: 'up', p }),
    pointerCancel: () => calls.push({ op: 'cancel' }),
    view: { setSplitAt: (at) => calls.push({ op: 'split', at }) },
  };
  const view = new View();
  view.resize(1000, 800, null);
  // Zoom 2, the image's origin at view (100, 50).
  view.set([2, 0, 0, 2, 100, 50]);
  return { input: new CanvasInput(editor, view), view, calls, snap };
}

describe('CanvasInput', () => {
  it('turns a main-button drag into a stroke in image pixels, every coalesced sample in order', () => {
    const { input, calls } = setup();
    expect(input.down({ x: 120, y: 70, button: 0, alt: true })).toBe(true);
    input.move({ x: 140, y: 90, shift: true }, [
      { x: 124, y: 74 },
      { x: 132, y: 82 },
      { x: 140, y: 90 },
    ]);
    input.up({ x: 150, y: 100 });
    expect(calls).toEqual([
      { op: 'down', p: { x: 10, y: 10, alt: true, shift: false } },
      // The modifiers are the event's, for each of its samples.
      { op: 'move', p: { x: 12, y: 12, alt: false, shift: true } },
      { op: 'move', p: { x: 16, y: 16, alt: false, shift: true } },
      { op: 'move', p: { x: 20, y: 20, alt: false, shift: true } },
      { op: 'up', p: { x: 25, y: 25, alt: false, shift: false } },
    ]);
    expect(input.drag).toBeNull();
    // A move with no button down paints nothing.
    input.move({ x: 300, y: 300 });
    expect(calls).toHaveLength(5);
  });

  it('pans with the middle button, or the main one while panning (Space), by the pointer delta', () => {
    const { input, view, calls, snap } = setup();
    input.down({ x: 500, y: 400, button: 1 });
    input.move({ x: 530, y: 380 });
    input.move({ x: 540, y: 390 });
    input.up({ x: 540, y: 390 });
    expect(view.t).toEqual([2, 0, 0, 2, 140, 40]);
    snap.panning = true;
    input.down({ x: 0, y: 0, button: 0 });
    expect(input.cursor()).toBe('grabbing');
    input.move({ x: -40, y: 10 });
    input.up({ x: -40, y: 10 });
    expect(input.cursor()).toBe('grab');
    expect(view.t).toEqual([2, 0, 0, 2, 100, 50]);
    expect(calls).toEqual([]);
  });

  it('drags the split divider when pressed within the grab distance, else paints', () => {
    // The divider at image x 200: view x 100 + 2 * 200 = 500.
    const { input, calls } = setup({ split: true, splitAt: 0.5 }, true);
    input.move({ x: 500 + DIVIDER_GRAB, y: 300 });
    expect(input.nearDivider()).toBe(true);
    expect(input.cursor()).toBe('none'); // the brush outline wins over the resize cursor
    input.down({ x: 500 + DIVIDER_GRAB, y: 300, button: 0 });
    input.move({ x: 340, y: 300 });
    input.up({ x: 340, y: 300 });
    expect(calls).toEqual([{ op: 'split', at: 120 / 400 }]);
    input.move({ x: 500 + DIVIDER_GRAB + 1, y: 300 });
    expect(input.nearDivider()).toBe(false);
    input.down({ x: 500 + DIVIDER_GRAB + 1, y: 300, button: 0 });
    expect(calls.at(-1)?.op).toBe('down');
  });

  it('has no divider without a result, while holding the original, or with the split off', () => {
    for (const [over, after] of [
      [{ split: true }, false],
      [{ split: true, holdBefore: true }, true],
      [{ split: false }, true],
    ] as const) {
      const { input } = setup(over, after);
      input.move({ x: 500, y: 300 });
      expect(input.nearDivider()).toBe(false);
    }
  });

  it('cancels a stroke, and ignores presses and the wheel without an image', () => {
    const { input, calls } = setup();
    input.down({ x: 120, y: 70, button: 0 });
    input.cancel();
    expect(calls.map((c) => c.op)).toEqual(['down', 'cancel']);
    const empty = setup({ doc: null });
    expect(empty.input.down({ x: 1, y: 1, button: 0 })).toBe(false);
    expect(empty.input.wheel(1, 1, -100, 0)).toBe(false);
    expect(empty.view.t).toEqual([2, 0, 0, 2, 100, 50]);
    expect(empty.calls).toEqual([]);
  });

  it('zooms with the wheel about the cursor', () => {
    const { input, view } = setup();
    expect(input.wheel(300, 250, -120, 0)).toBe(true);
    expect(view.t[0]).toBeCloseTo(wheelZoom(2, -120), 12);
    // Image point (100, 100) was under (300, 250) and still is.
    expect(view.toImage(300, 250).x).toBeCloseTo(100, 9);
    expect(view.toImage(300, 250).y).toBeCloseTo(100, 9);
  });

  it('shows the brush outline only for brush tools over the view, else a crosshair', () => {
    const { input, snap } = setup();
    expect(input.cursor()).toBe('crosshair'); // not over the view yet
    input.move({ x: 10, y: 10 });
    expect(input.brushCursor()).toBe(true);
    expect(input.cursor()).toBe('none');
    snap.tool = 'rect';
    expect(input.cursor()).toBe('crosshair');
    snap.tool = 'sampling';
    input.leave();
    expect(input.brushCursor()).toBe(false);
  });

  it('keeps the pointer while a drag leaves the view', () => {
    const { input } = setup();
    input.down({ x: 120, y: 70, button: 0 });
    input.leave();
    expect(input.pointer).toEqual({ x: 120, y: 70 });
  });
});
