/**
 * The words for what the stages report (app/common/stageInfo.ts): the one place a stage's codes become
 * the sentences a user reads, so that the CLI and the editor say the same thing. Each table is a Record
 * over its codes, so a new code without words does not compile. The LaMa stage's sizing and batching
 * words live in app/common/lamaInfoText.ts (the stage logs them too, and may not import app/contract);
 * they are re-used here and re-exported for the CLI and the editor.
 */
import { batchingText, readingText, sizingReasonText } from '../common/lamaInfoText';
import type { Rect } from '../common/params';
import type {
  AutoCandidate,
  AutoHole,
  AutoInfo,
  AutoVerdict,
  BlockmatchHole,
  BlockmatchInfo,
  ColorHole,
  ColorHoleReason,
  ColorInfo,
  DetailOutcome,
  EmbeddedReason,
  LamaInfo,
  SkipCode,
  SurroundingsBasis,
  SurroundingsMeasures,
  TextureHole,
  TextureHoleReason,
  TextureInfo,
  TexturePicture,
} from '../common/stageInfo';

export const SKIP_TEXT: Record<SkipCode, string> = {
  'empty-mask': 'the mask is empty',
  'no-hole': 'no hole',
  'empty-after-grow': 'the hole is empty after lama.maskGrow',
};

export const EMBEDDED_REASON_TEXT: Record<EmbeddedReason, string> = {
  asked: 'lama.engine=embedded',
  'no-model': 'no LaMa model is installed (inpaint-studio models download lama-fp32)',
};

/** What decided the surroundings' kind; with the measures when given. */
export const SURROUNDINGS_TEXT: Record<SurroundingsBasis, (m?: SurroundingsMeasures) => string> = {
  'few-windows': () => 'too few ring windows to measure',
  'colour-spread': (m) => `the ring's windows differ in colour${m ? ` (spread ${m.colourSpread})` : ''}`,
  'detail-spread': (m) =>
    `the ring's windows differ in detail${m ? ` (log-energy spread ${m.energySpread})` : ''}`,
  'isolated-edges': (m) =>
    `strong isolated edges${m ? ` (edge ratio ${m.edgeRatio}, in ${Math.round(100 * m.edgeShare)}% of the ring)` : ''}`,
  alike: (m) =>
    `the ring looks alike everywhere${m ? ` (colour spread ${m.colourSpread}, detail spread ${m.energySpread}, edge ratio ${m.edgeRatio} in ${Math.round(100 * m.edgeShare)}% of the ring)` : ''}`,
};

export const DETAIL_OUTCOME_TEXT: Record<DetailOutcome, string> = {
  added: 'detail added',
  'not-selected': 'not selected',
  'too-small': 'too small',
  'no-ring': 'no known pixels around the hole',
  'cap-zero': 'cap 0: nothing to add',
  'already-detailed': 'the fill already has the surroundings’ detail level',
  'no-sources': 'no block of known pixels near the hole',
};

export const TEXTURE_REASON_TEXT: Record<TextureHoleReason, string> = {
  'texture-surroundings': 'surroundings are an even texture',
  'every-hole': 'corrected as asked (Correct: every hole), though the surroundings are an object or edge',
  'object-hole': 'surroundings are an object or edge, which texture would redraw',
};

export const TEXTURE_PICTURE_TEXT: Record<TexturePicture, (sigma?: number) => string> = {
  kept: (s) =>
    `kept: the hole's σ ${s ?? '?'} px low-pass is the start's (the fill), only finer detail changed`,
  'kept-with-detail': (s) =>
    `kept: the hole's σ ${s ?? '?'} px low-pass is the start's (the fill with borrowed detail), only finer detail changed`,
  replaced: () => 'replaced (Copy structure on)',
  synthesised: () => 'synthesised',
};

export const COLOR_REASON_TEXT: Record<ColorHoleReason, (h: ColorHole) => string> = {
  'already-matches': (h) =>
    `colours already match the surroundings (edge colour shift ΔE ${h.shift ?? '?'} ≤ ${h.limit ?? '?'})`,
  'shift-corrected': (h) =>
    `colour shift of ΔE ${h.shift ?? '?'} across the edge (surroundings ${h.natural ?? '?'}) corrected`,
  'reference-rect': () => 'corrected towards the reference rectangle',
};

export const AUTO_CANDIDATE_TEXT: Record<AutoCandidate, string> = {
  none: 'none',
  color: 'colour',
  detail: 'detail',
  'color+detail': 'colour and detail',
};

const r1 = (v: number) => (Math.round(v * 10) / 10).toFixed(1);
const r2 = (v: number) => (Math.round(v * 100) / 100).toFixed(2);

/** The score line of a hole auto-correct left as it was. */
function leftScores(h: AutoHole): string {
  const none = h.scores.none?.total ?? NaN;
  const best = h.best && h.scores[h.best];
  return best
    ? `score ${r2(none)}; best try, ${AUTO_CANDIDATE_TEXT[h.best!]}, ${r2(best.total)}`
    : `score ${r2(none)}`;
}

export const AUTO_VERDICT_TEXT: Record<AutoVerdict, (h: AutoHole) => string> = {
  'too-small': (h) => `left as it is: too small to judge (${h.pixels} pixels)`,
  'none-enabled': (h) => `left as it is: no correction is enabled (${leftScores(h)})`,
  'below-margin': (h) => `left as it is: no correction improved it by the required margin (${leftScores(h)})`,
  'already-fits': (h) =>
    `left as it is: it already fits its surroundings: no correction made it fit better (${leftScores(h)})`,
  improved: (h) => {
    const none = h.scores.none;
    const after = h.scores[h.applied];
    if (!none || !after) return `${AUTO_CANDIDATE_TEXT[h.applied]} applied`;
    const parts: string[] = [];
    if (h.applied.includes('color'))
      parts.push(
        `colour differs from the surroundings (ΔE ${r1(none.colorShift)} → ${r1(after.colorShift)})`,
      );
    if (h.applied.includes('detail')) {
      const what = none.detailRatio < 1 ? 'less' : 'more';
      parts.push(
        `the fill has ${what} detail than its surroundings (${r2(none.detailRatio)}× → ${r2(after.detailRatio)}× the ring's)`,
      );
    }
    return `${parts.join('; ')}; score ${r2(none.total)} → ${r2(after.total)}`;
  },
};

/** Why auto-correct did what it did with one hole, in plain words. */
export function autoHoleText(h: AutoHole): string {
  return (
    AUTO_VERDICT_TEXT[h.verdict](h) +
    (h.detailSkipped ? '; no detail tried: the surroundings are an object, not an even texture' : '')
  );
}

/** "2 holes: colour on 1, detail on 1": auto-correct's one line. */
export function autoSummary(info: AutoInfo): string {
  const holes = info.holes ?? [];
  const n = holes.length;
  if (n === 0) return 'No hole to correct';
  const count = (c: AutoCandidate) => holes.filter((h) => h.applied === c).length;
  const parts = (['color', 'detail', 'color+detail'] as const)
    .filter((c) => count(c) > 0)
    .map((c) => `${AUTO_CANDIDATE_TEXT[c]} on ${count(c)}`);
  const none = count('none');
  const head = `${n} ${n === 1 ? 'hole' : 'holes'}`;
  if (parts.length === 0) return `${head}: no correction needed`;
  if (none > 0) parts.push(`left as ${none === 1 ? 'it was' : 'they were'} on ${none}`);
  return `${head}: ${parts.join(', ')}`;
}

/** Why block matching's detail mode did what it did with one hole. */
export function blockmatchHoleText(h: BlockmatchHole): string {
  const why = SURROUNDINGS_TEXT[h.basis](h.measures);
  if (h.reason === 'object-hole')
    return `left as filled: the surroundings are an object or edge, where borrowed detail could draw wrong content (${why})`;
  if (h.reason === 'added') return `detail added up to the ring's level (${h.kind}: ${why})`;
  return DETAIL_OUTCOME_TEXT[h.reason];
}

const holesWord = (n: number) => `${n} ${n === 1 ? 'hole' : 'holes'}`;

export function blockmatchSummary(info: BlockmatchInfo): string {
  if (!info.holes) {
    const found = info.maskBlocks - info.rejectedBlocks;
    return `blockmatch: pasted ${found} of ${info.maskBlocks} blocks${info.blend ? ` (${info.blend} blend)` : ''}`;
  }
  const added = info.holes.filter((h) => h.applied).length;
  const left = info.holes.filter((h) => h.reason === 'object-hole').length;
  return `blockmatch: detail added to ${added} of ${holesWord(info.holes.length)}${left ? `; ${left} over an object or edge left as filled` : ''}`;
}

/** Why the texture stage corrected a hole or left it as filled. */
export function textureHoleText(h: TextureHole): string {
  return `${TEXTURE_REASON_TEXT[h.reason]}: ${SURROUNDINGS_TEXT[h.basis](h.measures)}`;
}

export const TEXTURE_DECISION_TEXT: Record<TextureHole['decision'], string> = {
  corrected: 'corrected',
  left: 'left as filled',
};

export function textureSummary(info: TextureInfo): string {
  const holes = info.holes ?? [];
  const done = holes.filter((h) => h.decision === 'corrected').length;
  const left = holes.filter((h) => h.decision !== 'corrected');
  const why = left.length
    ? `; left as filled: ${left.map((h) => `${h.box.x},${h.box.y} (${h.kind}: ${textureHoleText(h)})`).join('; ')}`
    : '';
  return `texture: ${done} of ${holesWord(holes.length)} corrected${why}`;
}

export function colorHoleText(h: ColorHole): string {
  return COLOR_REASON_TEXT[h.reason](h);
}

export function colorSummary(info: ColorInfo): string {
  const holes = info.holes ?? [];
  const done = holes.filter((h) => h.applied).length;
  const n = holes.length;
  return `colour: corrected ${done} of ${holesWord(n)}${n - done ? `; ${n - done} already matched` : ''}`;
}

export { batchingText, readingText, sizingReasonText };

/** "fill: lama-fp32 on cpu (regions)" or "fill: embedded patchmatch (lama.engine=embedded)". */
export function lamaSummary(info: LamaInfo): string {
  if (info.engine === 'embedded')
    return `fill: embedded ${info.method ?? ''} fill (${info.engineReason ? EMBEDDED_REASON_TEXT[info.engineReason] : 'no model'}), sizing ${info.sizing}`;
  const moved = info.providerMoved
    ? `; the model loaded on ${info.providerMoved.from} but a run failed there${info.providerMoved.error ? ` (${info.providerMoved.error})` : ''}; it ran on ${info.provider}`
    : '';
  return `fill: ${info.model ?? 'model'} on ${info.provider ?? '?'}, sizing ${info.sizing}: ${sizingReasonText(info.sizingReason)}${moved}`;
}

/** One hole as a stage reported it: where, what it applied, why in words. */
export interface HoleText {
  box: Rect;
  /** A correction stage: whether it changed the hole; auto: the candidate it kept. */
  applied: boolean | AutoCandidate;
  text: string;
}

/** What a stage's info says: one summary line, and a line per hole it reports. */
export interface StageText {
  summary: string;
  holes: HoleText[];
}

/**
 * A stage's info in words: its one-line summary and per hole what it did and why; null for an unknown
 * stage or a report that is not an object. A skipped stage says why. A list the info lacks (a partial
 * report) reads as empty.
 */
export function describeStage(name: string, info: unknown): StageText | null {
  if (typeof info !== 'object' || info === null) return null;
  if ('skipped' in info) {
    const code = (info as { skipped: SkipCode }).skipped;
    return { summary: `${name}: skipped, ${SKIP_TEXT[code] ?? String(code)}`, holes: [] };
  }
  switch (name) {
    case 'lama':
      return { summary: lamaSummary(info as LamaInfo), holes: [] };
    case 'blockmatch': {
      const i = info as BlockmatchInfo;
      return {
        summary: blockmatchSummary(i),
        holes: (i.holes ?? []).map((h) => ({ box: h.box, applied: h.applied, text: blockmatchHoleText(h) })),
      };
    }
    case 'texture': {
      const i = info as TextureInfo;
      return {
        summary: textureSummary(i),
        holes: (i.holes ?? []).map((h) => ({
          box: h.box,
          applied: h.decision === 'corrected',
          text: textureHoleText(h),
        })),
      };
    }
    case 'color': {
      const i = info as ColorInfo;
      return {
        summary: colorSummary(i),
        holes: (i.holes ?? []).map((h) => ({ box: h.box, applied: h.applied, text: colorHoleText(h) })),
      };
    }
    case 'auto': {
      const i = info as AutoInfo;
      return {
        summary: autoSummary(i),
        holes: (i.holes ?? []).map((h) => ({ box: h.box, applied: h.applied, text: autoHoleText(h) })),
      };
    }
    default:
      return null;
  }
}
