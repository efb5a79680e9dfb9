// The photo and marks layers: what they draw, where (view px through the transform), at what size.
import { describe, expect, it } from 'vitest';
import type { MarksInput } from './layers';
import { BACKGROUND, KNOB_RADIUS, marks, paintMarks, paintPhoto, photoPlan, type Source } from './layers';
import type { Transform } from './viewport';

const t: Transform = [2, 0, 0, 2, 100, 50];
const doc = { width: 400, height: 300 } as NonNullable<MarksInput['state']['doc']>;
const base: MarksInput['state'] = {
  doc,
  overlay: null,
  tool: 'brush',
  brush: { size: 40, hardness: 0.8 },
  splitAt: 0.5,
};

/** A 2D context that records its calls (numbers only) and the state at each draw. */
function recorder() {
  const calls: { op: string; args: unknown[]; clip?: number[] | null; smooth?: boolean; style?: string }[] =
    [];
  let clip: number[] | null = null;
  let pendingRect: number[] | null = null;
  const stack: (number[] | null)[] = [];
  const ctx: Record<string, unknown> = {
    fillStyle: '',
    strokeStyle: '',
    lineWidth: 1,
    imageSmoothingEnabled: true,
    setLineDash: () => {},
    beginPath: () => (pendingRect = null),
    save: () => stack.push(clip),
    restore: () => (clip = stack.pop() ?? null),
    rect: (...a: number[]) => {
      pendingRect = a;
      calls.push({ op: 'rect', args: a });
    },
    clip: () => (clip = pendingRect),
  };
  for (const op of ['setTransform', 'fillRect', 'clearRect', 'arc', 'moveTo', 'lineTo'])
    ctx[op] = (...args: unknown[]) => calls.push({ op, args });
  ctx.drawImage = (...args: unknown[]) =>
    calls.push({ op: 'drawImage', args, clip, smooth: ctx.imageSmoothingEnabled as boolean });
  ctx.fill = () => calls.push({ op: 'fill', args: [], style: String(ctx.fillStyle) });
  ctx.stroke = () => calls.push({ op: 'stroke', args: [ctx.lineWidth], style: String(ctx.strokeStyle) });
  return { ctx: ctx as unknown as CanvasRenderingContext2D, calls };
}

const src = (w: number, h: number) => ({ width: w, height: h }) as Source;

describe('photo layer', () => {
  it('draws both rasters at the image size, the after side clipped at the split', () => {
    const before = src(400, 300);
    const after = src(200, 150); // a live preview at half size
    const plan = photoPlan({ doc, before, after, splitX: 160 });
    const { ctx, calls } = recorder();
    paintPhoto(ctx, { width: 2000, height: 1600 }, 2, t, plan);
    expect(calls[0]).toEqual({ op: 'setTransform', args: [1, 0, 0, 1, 0, 0] });
    expect(calls[1]).toEqual({ op: 'fillRect', args: [0, 0, 2000, 1600] });
    // Image px to device px: zoom and pan times the device pixel ratio.
    expect(calls[2]).toEqual({ op: 'setTransform', args: [4, 0, 0, 4, 200, 100] });
    const draws = calls.filter((c) => c.op === 'drawImage');
    expect(draws).toEqual([
      { op: 'drawImage', args: [before, 0, 0, 400, 300], clip: null, smooth: false },
      { op: 'drawImage', args: [after, 0, 0, 400, 300], clip: [160, 0, 240, 300], smooth: false },
    ]);
  });

  it('draws nothing without an image, the after image whole without a split, smooth below 200 %', () => {
    expect(photoPlan({ doc: null, before: src(1, 1), after: null, splitX: null })).toEqual([]);
    const plan = photoPlan({ doc, before: null, after: src(400, 300), splitX: null });
    const { ctx, calls } = recorder();
    paintPhoto(ctx, { width: 10, height: 10 }, 1, [0.5, 0, 0, 0.5, 0, 0], plan);
    expect(calls.filter((c) => c.op === 'drawImage')).toEqual([
      { op: 'drawImage', args: [plan[0].src, 0, 0, 400, 300], clip: null, smooth: true },
    ]);
    expect(BACKGROUND).toBe('#1b1d21');
  });
});

describe('marks', () => {
  it('centres the brush outline on the pointer, its radius the brush radius at the zoom', () => {
    const list = marks({ state: base, t, viewHeight: 800, split: false, brushAt: { x: 321, y: 123 } });
    expect(list).toEqual([
      { kind: 'circle', x: 321, y: 123, r: 40, stroke: '#ffffff', width: 1.5 },
      { kind: 'circle', x: 321, y: 123, r: 38.5, stroke: '#000000', width: 1 },
    ]);
  });

  it('draws the divider at the split in view px, its knob at mid-height kept on the image', () => {
    const list = marks({ state: { ...base, splitAt: 0.25 }, t, viewHeight: 800, split: true, brushAt: null });
    // Image x 100 -> view x 300; the image spans view y 50..650; the view's middle (400) is on it.
    expect(list[0]).toEqual({ kind: 'rect', x: 299, y: 50, w: 2, h: 600, fill: '#ffffff' });
    expect(list[1]).toMatchObject({ kind: 'circle', x: 300, y: 400, r: KNOB_RADIUS });
    // Panned down so the image starts below the middle: the knob stays on the image's top edge.
    const low = marks({
      state: base,
      t: [2, 0, 0, 2, 100, 500],
      viewHeight: 800,
      split: true,
      brushAt: null,
    });
    expect(low[1]).toMatchObject({ x: 500, y: 500 });
  });

  it("draws the rectangle and lasso tools' shapes in view px, blue when they subtract", () => {
    const rect = marks({
      state: {
        ...base,
        tool: 'rect',
        overlay: { kind: 'rect', box: { x0: 10, y0: 20, x1: 60, y1: 45 }, erase: true },
      },
      t,
      viewHeight: 800,
      split: false,
      brushAt: null,
    });
    expect(rect).toEqual([
      expect.objectContaining({ kind: 'rect', x: 120, y: 90, w: 100, h: 50, stroke: '#0a84ff', width: 1.5 }),
    ]);
    const lasso = marks({
      state: {
        ...base,
        tool: 'lasso',
        overlay: {
          kind: 'lasso',
          points: [
            { x: 0, y: 0 },
            { x: 10, y: 5 },
          ],
          erase: false,
        },
      },
      t,
      viewHeight: 800,
      split: false,
      brushAt: null,
    });
    expect(lasso).toEqual([
      expect.objectContaining({
        kind: 'path',
        points: [
          { x: 100, y: 50 },
          { x: 120, y: 60 },
        ],
        stroke: '#ffffff',
      }),
    ]);
    const { ctx, calls } = recorder();
    paintMarks(ctx, { width: 10, height: 10 }, 2, lasso);
    expect(calls.map((c) => c.op)).toEqual([
      'setTransform',
      'clearRect',
      'setTransform',
      'moveTo',
      'lineTo',
      'fill',
      'stroke',
    ]);
    expect(calls[2].args).toEqual([2, 0, 0, 2, 0, 0]);
  });
});
