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
      { box: { x: 100, y: 100, width: 64, height: 32 }, applied: true, reason: 'colour shift corrected' },
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

  it('labels each hole with the auto stage’s choice, and the exemplar and reference it chose', () => {
    const auto = {
      name: 'auto',
      info: {
        holes: [
          {
            box: { x: 100, y: 100, width: 64, height: 32 },
            applied: ['color', 'blockmatch'],
            reason: 'a colour shift and missing detail',
            reference: { x: 0, y: 0, width: 20, height: 20 },
          },
          { box: { x: 400, y: 50, width: 10, height: 10 }, applied: [], reason: 'the fill already matches' },
        ],
        exemplar: { source: 'auto', rect: { x: 200, y: 10, width: 40, height: 40 } },
      },
    };
    const s = overlayShapes(run([lama, color, auto]));
    expect(s.labels).toEqual([
      {
        box: { x: 100, y: 100, width: 64, height: 32 },
        text: 'colour + detail',
        detail: 'a colour shift and missing detail',
      },
      {
        box: { x: 400, y: 50, width: 10, height: 10 },
        text: 'no correction',
        detail: 'the fill already matches',
      },
    ]);
    expect(s.rects.map((r) => r.label)).toEqual([
      'LaMa context (region)',
      'Texture exemplar (auto)',
      'Colour reference (auto)',
    ]);
    expect(autoLabel({ applied: true })).toBe('corrected');
    // The auto stage's own form: one candidate name.
    expect(autoLabel({ applied: 'color+detail' })).toBe('colour + detail');
    expect(autoLabel({ applied: 'detail' })).toBe('detail');
    expect(autoLabel({ applied: 'none' })).toBe('no correction');
    expect(autoLabel({ label: 'texture' })).toBe('texture');
  });

  it('without an auto stage, labels each hole with what each correction did there', () => {
    const bm = {
      name: 'blockmatch',
      info: { holes: [{ box: color.info.holes[0].box, applied: false, reason: 'flat' }] },
    };
    const s = overlayShapes(run([lama, bm, color]));
    expect(s.labels).toEqual([
      {
        box: { x: 100, y: 100, width: 64, height: 32 },
        text: 'no detail + colour',
        detail: 'detail: flat; colour: colour shift corrected',
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
