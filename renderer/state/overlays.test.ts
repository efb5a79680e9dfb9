// The overlay shapes read from a finished run's stage info, and their geometry.
import { describe, expect, it } from 'vitest';
import {
  arrowLine,
  arrowsFrom,
  autoLabel,
  edgePoint,
  overlayCounts,
  overlayShapes,
  OverlayStore,
} from './overlays';
import { IDLE_RUN, type RunInfo } from './runProgress';

function run(
  stages: { name: string; info?: Record<string, unknown> }[],
  status: RunInfo['status'] = 'done',
): RunInfo {
  return {
    ...IDLE_RUN,
    status,
    jobId: 'j',
    resultId: 'r',
    stages: stages.map((s) => ({ ...s, state: 'done', step: 1, total: 1, ms: 1 })),
  };
}

const lama = { name: 'lama', info: { crops: [{ x: 10, y: 20, width: 300, height: 200, scale: 1 }] } };
const blockmatch = {
  name: 'blockmatch',
  info: { sources: { blockSize: 32, blocks: [100, 100, 300, 100, 87, 132, 100, -1, -1, 0], omitted: 3 } },
};
const texture = {
  name: 'texture',
  info: { exemplar: { source: 'blockmatch', rect: { x: 5, y: 6, width: 64, height: 48 } } },
};
const color = {
  name: 'color',
  info: {
    reference: { source: 'ring', rect: undefined, holes: 1 },
    holes: [
      {
        box: { x: 100, y: 100, width: 64, height: 32 },
        pixels: 2048,
        applied: true,
        shift: 6.5,
        natural: 1.2,
        reason: 'shift-corrected',
      },
    ],
  },
};

describe('overlay shapes', () => {
  it('reads the picked rectangles: LaMa context, texture exemplar, colour reference', () => {
    const s = overlayShapes(
      run([
        lama,
        texture,
        {
          name: 'color',
          info: { reference: { source: 'rect', rect: { x: 1, y: 2, width: 30, height: 40 } } },
        },
      ]),
    );
    expect(s.rects).toEqual([
      { role: 'context', rect: { x: 10, y: 20, width: 300, height: 200 }, label: 'LaMa context (region)' },
      {
        role: 'exemplar',
        rect: { x: 5, y: 6, width: 64, height: 48 },
        label: 'Texture exemplar (blockmatch)',
      },
      { role: 'reference', rect: { x: 1, y: 2, width: 30, height: 40 }, label: 'Colour reference (rect)' },
    ]);
  });

  it('skips a reference without a rectangle (the ring) and shows nothing for an unfinished run', () => {
    expect(overlayShapes(run([color])).rects).toEqual([]);
    expect(overlayShapes(run([lama, texture], 'running'))).toMatchObject({
      rects: [],
      arrows: [],
      labels: [],
    });
  });

  it('turns block matching’s compact sources into arrows (a rejected block has none)', () => {
    const s = overlayShapes(run([lama, blockmatch]));
    expect(s.arrows).toEqual([
      {
        block: { x: 100, y: 100, width: 32, height: 32 },
        source: { x: 300, y: 100, width: 32, height: 32 },
        score: 0.87,
      },
      { block: { x: 132, y: 100, width: 32, height: 32 }, source: null, score: null },
    ]);
    expect(s.arrowsOmitted).toBe(3);
    expect(arrowsFrom({ nonsense: true })).toEqual({ arrows: [], omitted: 0 });
  });

  it('an arrow runs from the hole block’s edge to the source block’s edge', () => {
    const [a] = arrowsFrom(blockmatch.info.sources).arrows;
    // Blocks side by side horizontally: from the block's right edge to the source's left edge.
    expect(arrowLine(a)).toEqual({ x0: 132, y0: 116, x1: 300, y1: 116 });
    // Diagonal: the edge where the line to the other centre leaves the box.
    expect(edgePoint({ x: 0, y: 0, width: 20, height: 10 }, { x: 110, y: 55 })).toEqual({ x: 20, y: 10 });
    expect(edgePoint({ x: 0, y: 0, width: 20, height: 10 }, { x: 10, y: 5 })).toEqual({ x: 10, y: 5 });
  });

  it('labels each hole with the auto stage’s choice, and its reason in the stage’s words', () => {
    const scores = (total: number, colorShift: number) => ({
      color: 0,
      detail: 0,
      orientation: 0,
      seam: 0,
      total,
      colorShift,
      detailRatio: 1,
    });
    const auto = {
      name: 'auto',
      info: {
        candidates: ['none', 'color'],
        ms: 1,
        candidateMs: {},
        holes: [
          {
            box: { x: 100, y: 100, width: 64, height: 32 },
            pixels: 2048,
            applied: 'color',
            verdict: 'improved',
            scores: { none: scores(1, 8), color: scores(0.5, 1) },
          },
          {
            box: { x: 400, y: 50, width: 3, height: 3 },
            pixels: 9,
            applied: 'none',
            verdict: 'too-small',
            scores: {},
          },
        ],
      },
    };
    const s = overlayShapes(run([lama, color, auto]));
    expect(s.labels).toEqual([
      {
        box: { x: 100, y: 100, width: 64, height: 32 },
        text: 'colour',
        detail: 'colour differs from the surroundings (ΔE 8.0 → 1.0); score 1.00 → 0.50',
      },
      {
        box: { x: 400, y: 50, width: 3, height: 3 },
        text: 'no correction',
        detail: 'left as it is: too small to judge (9 pixels)',
      },
    ]);
    expect(s.rects.map((r) => r.label)).toEqual(['LaMa context (region)']);
    expect(autoLabel(true)).toBe('corrected');
    expect(autoLabel(false)).toBe('left alone');
    // The auto stage's own form: one candidate name.
    expect(autoLabel('color+detail')).toBe('colour + detail');
    expect(autoLabel('detail')).toBe('detail');
    expect(autoLabel('none')).toBe('no correction');
  });

  it('without an auto stage, labels each hole with what each correction did there', () => {
    const bm = {
      name: 'blockmatch',
      info: {
        mode: 'detail',
        sources: { blockSize: 8, blocks: [] },
        holes: [
          {
            box: color.info.holes[0].box,
            kind: 'object',
            basis: 'colour-spread',
            measures: { colourSpread: 1.2, energySpread: 0.1, edgeRatio: 3, edgeShare: 0.5 },
            applied: false,
            reason: 'object-hole',
            ringLevel: 0.1,
            fillLevel: 0.05,
            resultLevel: 0.05,
          },
        ],
      },
    };
    const s = overlayShapes(run([lama, bm, color]));
    expect(s.labels).toEqual([
      {
        box: { x: 100, y: 100, width: 64, height: 32 },
        text: 'no detail + colour',
        detail:
          "detail: left as filled: the surroundings are an object or edge, where borrowed detail could draw wrong content (the ring's windows differ in colour (spread 1.2)); colour: colour shift of ΔE 6.5 across the edge (surroundings 1.2) corrected",
      },
    ]);
    expect(overlayCounts(s)).toEqual({ rects: 1, sources: 0, labels: 1 });
  });

  it('toggles start off and flip one at a time', () => {
    const t = new OverlayStore();
    expect(t.getSnapshot()).toEqual({ rects: false, sources: false, labels: false, sampling: true });
    t.toggle('sources');
    expect(t.getSnapshot()).toEqual({ rects: false, sources: true, labels: false, sampling: true });
  });
});
