// The overlay layer draws the shapes at their view positions (image px through the view transform),
// only those whose switch is on.
import { describe, expect, it } from 'vitest';
import type { OverlayShapes } from '../state/overlays';
import { RECT_COLOURS, paintOverlays, scoreColour } from './overlaysLayer';

/** A 2D context that records the calls the layer makes. */
function recorder() {
  const calls: { op: string; args: number[]; style?: string }[] = [];
  const ctx: Record<string, unknown> = {
    strokeStyle: '',
    fillStyle: '',
    lineWidth: 1,
    font: '',
    textBaseline: '',
    textAlign: '',
    lineJoin: '',
    setLineDash: () => {},
    measureText: (t: string) => ({ width: t.length * 6 }),
  };
  for (const op of ['strokeRect', 'rect', 'moveTo', 'lineTo', 'roundRect', 'fillText'])
    ctx[op] = (...args: unknown[]) =>
      calls.push({
        op,
        args: args.filter((a): a is number => typeof a === 'number'),
        style: String(op === 'fillText' ? ctx.fillStyle : ctx.strokeStyle),
      });
  for (const op of ['beginPath', 'closePath', 'stroke', 'fill']) ctx[op] = () => {};
  return { ctx: ctx as unknown as CanvasRenderingContext2D, calls };
}

const shapes: OverlayShapes = {
  rects: [{ role: 'reference', rect: { x: 10, y: 20, width: 30, height: 40 }, label: 'Colour reference' }],
  arrows: [
    {
      block: { x: 100, y: 100, width: 16, height: 16 },
      source: { x: 200, y: 100, width: 16, height: 16 },
      score: 1,
    },
  ],
  arrowsOmitted: 0,
  labels: [{ box: { x: 100, y: 100, width: 64, height: 32 }, text: 'colour + detail' }],
};
/** Zoom 2, panned by (5, 7). */
const t = [2, 0, 0, 2, 5, 7];

describe('paintOverlays', () => {
  it('draws nothing with every switch off', () => {
    const { ctx, calls } = recorder();
    paintOverlays(ctx, shapes, { rects: false, sources: false, labels: false }, t);
    expect(calls).toEqual([]);
  });

  it('outlines a picked rectangle at its view position, in its role’s colour, with its label', () => {
    const { ctx, calls } = recorder();
    paintOverlays(ctx, shapes, { rects: true, sources: false, labels: false }, t);
    const outlines = calls.filter((c) => c.op === 'strokeRect');
    expect(outlines.map((c) => c.args)).toEqual([
      [25, 47, 60, 80],
      [25, 47, 60, 80],
    ]);
    expect(outlines[1].style).toBe(RECT_COLOURS.reference);
    expect(calls.find((c) => c.op === 'fillText')).toMatchObject({ args: [30, 37.5] });
  });

  it('draws a block, its source and an arrow between their edges', () => {
    const { ctx, calls } = recorder();
    paintOverlays(ctx, shapes, { rects: false, sources: true, labels: false }, t);
    expect(calls.filter((c) => c.op === 'strokeRect').map((c) => c.args)).toEqual([
      [405, 207, 32, 32],
      [205, 207, 32, 32],
    ]);
    // From the block's right edge (x 116 → 237 px) towards the source's left edge (x 200 → 405 px).
    expect(calls.find((c) => c.op === 'moveTo')!.args).toEqual([237, 223]);
    const tip = calls.filter((c) => c.op === 'moveTo')[1].args;
    expect(tip).toEqual([405, 223]);
    expect(calls.find((c) => c.op === 'strokeRect' && c.args[0] === 205)!.style).toBe(scoreColour(1));
  });

  it('puts a hole’s label centred above it', () => {
    const { ctx, calls } = recorder();
    paintOverlays(ctx, shapes, { rects: false, sources: false, labels: true }, t);
    const pill = calls.find((c) => c.op === 'roundRect')!.args;
    const w = 'colour + detail'.length * 6 + 10;
    // Centre x = 5 + 2 × 132 = 269; middle y = 7 + 2 × 100 − 12 = 195.
    expect(pill).toEqual([269 - w / 2, 195 - 9, w, 18, 4]);
  });
});
