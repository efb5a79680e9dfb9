import { describe, expect, it } from 'vitest';
import {
  AUTO_CANDIDATES,
  AUTO_VERDICTS,
  COLOR_HOLE_REASONS,
  DETAIL_OUTCOMES,
  EMBEDDED_REASONS,
  SKIP_CODES,
  SURROUNDINGS_BASES,
  TEXTURE_HOLE_REASONS,
  type AutoHole,
  type AutoScores,
  type BlockmatchHole,
  type BlockmatchInfo,
  type ColorHole,
  type TextureHole,
  type TextureInfo,
} from '../common/stageInfo';
import {
  AUTO_CANDIDATE_TEXT,
  AUTO_VERDICT_TEXT,
  COLOR_REASON_TEXT,
  DETAIL_OUTCOME_TEXT,
  EMBEDDED_REASON_TEXT,
  SKIP_TEXT,
  SURROUNDINGS_TEXT,
  TEXTURE_REASON_TEXT,
  autoHoleText,
  autoSummary,
  blockmatchHoleText,
  blockmatchSummary,
  colorHoleText,
  describeStage,
  lamaSummary,
  textureHoleText,
  textureSummary,
} from './stageInfoText';
import { StageReportSchema } from './schemas';

const box = { x: 10, y: 20, width: 30, height: 40 };
const measures = { colourSpread: 1.234, energySpread: 0.5, edgeRatio: 7.5, edgeShare: 0.25 };
const levels = { ringLevel: 0.2, fillLevel: 0.01, resultLevel: 0.18 };
const score = (total: number, colorShift = 1, detailRatio = 1): AutoScores => ({
  color: 0,
  detail: 0,
  orientation: 0,
  seam: 0,
  total,
  colorShift,
  detailRatio,
});

/** Words a user reads: not empty, no placeholder or missing number leaking through. */
function expectWords(text: string): void {
  expect(text.trim().length).toBeGreaterThan(3);
  expect(text).not.toMatch(/undefined|NaN|\[object|\?/);
}

describe('stage info words: every code has words', () => {
  it('each code table covers exactly its codes, with words for each', () => {
    const tables: [readonly string[], Record<string, unknown>][] = [
      [SKIP_CODES, SKIP_TEXT],
      [EMBEDDED_REASONS, EMBEDDED_REASON_TEXT],
      [SURROUNDINGS_BASES, SURROUNDINGS_TEXT],
      [DETAIL_OUTCOMES, DETAIL_OUTCOME_TEXT],
      [TEXTURE_HOLE_REASONS, TEXTURE_REASON_TEXT],
      [COLOR_HOLE_REASONS, COLOR_REASON_TEXT],
      [AUTO_CANDIDATES, AUTO_CANDIDATE_TEXT],
      [AUTO_VERDICTS, AUTO_VERDICT_TEXT],
    ];
    for (const [codes, table] of tables) expect(Object.keys(table).sort()).toEqual([...codes].sort());
    for (const c of SKIP_CODES) expectWords(SKIP_TEXT[c]);
    for (const c of EMBEDDED_REASONS) expectWords(EMBEDDED_REASON_TEXT[c]);
    for (const c of DETAIL_OUTCOMES) expectWords(DETAIL_OUTCOME_TEXT[c]);
    for (const c of AUTO_CANDIDATES) expectWords(AUTO_CANDIDATE_TEXT[c]);
    for (const c of SURROUNDINGS_BASES) {
      expectWords(SURROUNDINGS_TEXT[c]());
      expectWords(SURROUNDINGS_TEXT[c](measures));
    }
  });

  it('every hole code of every stage reads as a sentence with its numbers', () => {
    for (const reason of ['object-hole', ...DETAIL_OUTCOMES] as const) {
      const h: BlockmatchHole = {
        box,
        kind: 'object',
        basis: 'colour-spread',
        measures,
        applied: false,
        reason,
        ...levels,
      };
      expectWords(blockmatchHoleText(h));
    }
    for (const reason of TEXTURE_HOLE_REASONS)
      for (const basis of SURROUNDINGS_BASES) {
        const h: TextureHole = { box, pixels: 9, kind: 'texture', basis, decision: 'left', reason, measures };
        expectWords(textureHoleText(h));
      }
    for (const reason of COLOR_HOLE_REASONS) {
      const h: ColorHole = { box, pixels: 9, applied: true, shift: 6.5, natural: 1.2, limit: 3, reason };
      expectWords(colorHoleText(h));
    }
    for (const verdict of AUTO_VERDICTS)
      for (const applied of AUTO_CANDIDATES) {
        const h: AutoHole = {
          box,
          pixels: 9,
          applied,
          verdict,
          best: 'color',
          scores: {
            none: score(1, 8, 0.5),
            color: score(0.5, 1, 0.5),
            detail: score(0.6),
            'color+detail': score(0.4),
          },
        };
        expectWords(autoHoleText(h));
      }
  });
});

describe('stage info words: what the user reads', () => {
  it('auto-correct: the per-hole reason and the one-line summary keep their wording', () => {
    const improved: AutoHole = {
      box,
      pixels: 500,
      applied: 'color+detail',
      verdict: 'improved',
      detailSkipped: false,
      scores: { none: score(1.234, 8.04, 0.5), 'color+detail': score(0.5, 1.01, 0.9) },
    };
    expect(autoHoleText(improved)).toBe(
      "colour differs from the surroundings (ΔE 8.0 → 1.0); the fill has less detail than its surroundings (0.50× → 0.90× the ring's); score 1.23 → 0.50",
    );
    const left: AutoHole = {
      box,
      pixels: 500,
      applied: 'none',
      verdict: 'below-margin',
      best: 'color',
      detailSkipped: true,
      scores: { none: score(1), color: score(0.98) },
    };
    expect(autoHoleText(left)).toBe(
      'left as it is: no correction improved it by the required margin (score 1.00; best try, colour, 0.98); no detail tried: the surroundings are an object, not an even texture',
    );
    const tiny: AutoHole = { box, pixels: 9, applied: 'none', verdict: 'too-small', scores: {} };
    expect(autoHoleText(tiny)).toBe('left as it is: too small to judge (9 pixels)');
    const info = { candidates: [...AUTO_CANDIDATES], ms: 1, candidateMs: {} };
    expect(autoSummary({ ...info, holes: [improved, left, tiny] })).toBe(
      '3 holes: colour and detail on 1, left as they were on 2',
    );
    expect(autoSummary({ ...info, holes: [left] })).toBe('1 hole: no correction needed');
    expect(autoSummary({ ...info, holes: [] })).toBe('No hole to correct');
  });

  it('blockmatch: an object hole is left as filled, and says which measure decided', () => {
    const object: BlockmatchHole = {
      box,
      kind: 'object',
      basis: 'isolated-edges',
      measures,
      applied: false,
      reason: 'object-hole',
      ...levels,
    };
    expect(blockmatchHoleText(object)).toBe(
      'left as filled: the surroundings are an object or edge, where borrowed detail could draw wrong content (strong isolated edges (edge ratio 7.5, in 25% of the ring))',
    );
    const added: BlockmatchHole = {
      ...object,
      kind: 'texture',
      basis: 'alike',
      applied: true,
      reason: 'added',
    };
    const info = { mode: 'detail', holes: [object, added] } as BlockmatchInfo;
    expect(blockmatchSummary(info)).toBe(
      'blockmatch: detail added to 1 of 2 holes; 1 over an object or edge left as filled',
    );
  });

  it('texture: the summary lists the holes left as filled with why', () => {
    const hole: TextureHole = {
      box,
      pixels: 9,
      kind: 'object',
      basis: 'colour-spread',
      decision: 'left',
      reason: 'object-hole',
      measures,
    };
    expect(textureSummary({ holes: [hole] } as TextureInfo)).toBe(
      "texture: 0 of 1 hole corrected; left as filled: 10,20 (object: surroundings are an object or edge, which texture would redraw: the ring's windows differ in colour (spread 1.234))",
    );
  });

  it('describeStage: per stage; a skipped stage says why; an unknown stage or a non-object has none', () => {
    expect(describeStage('lama', { skipped: 'empty-after-grow' })).toEqual({
      summary: 'lama: skipped, the hole is empty after lama.maskGrow',
      holes: [],
    });
    expect(describeStage('nope', { holes: [] })).toBeNull();
    expect(describeStage('auto', undefined)).toBeNull();
    const color = describeStage('color', {
      holes: [
        { box, pixels: 9, applied: false, shift: 1, natural: 0.5, limit: 2, reason: 'already-matches' },
      ],
    });
    expect(color).toEqual({
      summary: 'colour: corrected 0 of 1 hole; 1 already matched',
      holes: [
        { box, applied: false, text: 'colours already match the surroundings (edge colour shift ΔE 1 ≤ 2)' },
      ],
    });
    expect(
      lamaSummary({
        engine: 'embedded',
        method: 'patchmatch',
        engineReason: 'no-model',
        sizing: 'original',
        strategy: 'original',
        requestedSizing: 'auto',
        sizingReason: { code: 'embedded-neighbourhoods' },
      }),
    ).toBe(
      'fill: embedded patchmatch fill (no LaMa model is installed (inpaint-studio models download lama-fp32)), sizing original',
    );
    expect(
      lamaSummary({
        engine: 'model',
        model: 'lama-fp32',
        provider: 'cpu',
        providerMoved: { from: 'dml', error: 'a run failed: The parameter is incorrect.' },
        sizing: 'resize',
        strategy: 'resize',
        requestedSizing: 'resize',
        sizingReason: { code: 'asked', strategy: 'resize' },
      }),
    ).toBe(
      'fill: lama-fp32 on cpu, sizing resize: lama.sizing=resize; the model loaded on dml but a run failed there (a run failed: The parameter is incorrect.); it ran on cpu',
    );
  });
});

describe('the contract carries stage info as a JSON object', () => {
  it('a run result’s stage report takes an info object and refuses a list or a string', () => {
    const report = { stage: 'color', ms: 1, cached: false };
    expect(StageReportSchema.safeParse({ ...report, info: { skipped: 'no-hole' } }).success).toBe(true);
    expect(StageReportSchema.safeParse(report).success).toBe(true);
    expect(StageReportSchema.safeParse({ ...report, info: ['no-hole'] }).success).toBe(false);
    expect(StageReportSchema.safeParse({ ...report, info: 'colour corrected' }).success).toBe(false);
  });
});
