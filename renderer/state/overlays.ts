/**
 * What the corrections chose, as shapes on the image (issue 15 §4): the picked rectangles (the texture
 * exemplar, the colour reference, LaMa's context crops), block matching's sources (an arrow from each
 * hole block to the block it copied from) and a label per hole (the auto stage's choice, else what each
 * correction did there). Read from the last finished run's stage info; plain data in image pixels, so
 * the canvas layer (renderer/canvas/overlaysLayer.ts) only draws. The toggles are a small store.
 */
import type { Rect } from '../../app/common/params';
import { stageInfo, type AutoCandidate } from '../../app/common/stageInfo';
import { describeStage } from '../../app/contract/stageInfoText';
import type { RunInfo } from './runProgress';
import { Store } from './store';

export type OverlayKind = 'rects' | 'sources' | 'labels';
/** The toggles: the corrections' shapes, and the tint of the user's own sampling area (`sampling`). */
export type OverlayToggles = Record<OverlayKind | 'sampling', boolean>;

export const OVERLAY_KINDS: readonly { kind: OverlayKind; label: string }[] = [
  { kind: 'rects', label: 'Picked rectangles' },
  { kind: 'sources', label: 'Block sources' },
  { kind: 'labels', label: 'Hole labels' },
];

export type RectRole = 'exemplar' | 'reference' | 'context';

export interface OverlayRect {
  role: RectRole;
  rect: Rect;
  /** E.g. "Texture exemplar (blockmatch)". */
  label: string;
}

export interface OverlayArrow {
  /** The hole block and the block it copied from (blockSize square, image px). */
  block: Rect;
  /** null when the block was rejected (no acceptable source). */
  source: Rect | null;
  /** Similarity 0..1 (hundredths as sent), null when rejected. */
  score: number | null;
}

export interface OverlayLabel {
  /** The hole's bounding box. */
  box: Rect;
  text: string;
  /** A longer reason, when the stage gave one (a tooltip or second line). */
  detail?: string;
}

export interface OverlayShapes {
  rects: OverlayRect[];
  arrows: OverlayArrow[];
  /** Blocks left out of the arrows by the stage (it thins very long lists). */
  arrowsOmitted: number;
  labels: OverlayLabel[];
}

export const NO_SHAPES: OverlayShapes = { rects: [], arrows: [], arrowsOmitted: 0, labels: [] };

/** Plain names of the corrections, for labels ("colour + detail"). */
const CORRECTION_NAME: Record<string, string> = {
  lama: 'fill',
  blockmatch: 'detail',
  texture: 'texture',
  color: 'colour',
  detail: 'detail',
};

function isRect(v: unknown): v is Rect {
  const r = v as Rect;
  return (
    typeof v === 'object' &&
    v !== null &&
    [r.x, r.y, r.width, r.height].every((n) => typeof n === 'number' && Number.isFinite(n)) &&
    r.width > 0 &&
    r.height > 0
  );
}

/** A rectangle given as a Rect, or as {rect, source} (texture's exemplar, colour's reference). */
function rectOf(v: unknown): { rect: Rect; source?: string } | null {
  const plain = (r: Rect): Rect => ({ x: r.x, y: r.y, width: r.width, height: r.height });
  if (isRect(v)) return { rect: plain(v) };
  const o = v as { rect?: unknown; source?: unknown } | null;
  if (o && typeof o === 'object' && isRect(o.rect))
    return { rect: plain(o.rect), source: typeof o.source === 'string' ? o.source : undefined };
  return null;
}

const ROLE_TEXT: Record<RectRole, string> = {
  exemplar: 'Texture exemplar',
  reference: 'Colour reference',
  context: 'LaMa context',
};

function pushRect(out: OverlayRect[], role: RectRole, v: unknown, by?: string): void {
  const r = rectOf(v);
  if (!r) return;
  // One rectangle per role and place: several stages may report the same choice.
  if (out.some((o) => o.role === role && sameRect(o.rect, r.rect))) return;
  const from = r.source ?? by;
  out.push({ role, rect: r.rect, label: from ? `${ROLE_TEXT[role]} (${from})` : ROLE_TEXT[role] });
}

function sameRect(a: Rect, b: Rect): boolean {
  return a.x === b.x && a.y === b.y && a.width === b.width && a.height === b.height;
}

/** Block matching's compact sources (app/stages/blockmatch/visualize.ts compactSources) as arrows. */
export function arrowsFrom(sources: unknown): { arrows: OverlayArrow[]; omitted: number } {
  const s = sources as { blockSize?: unknown; blocks?: unknown; omitted?: unknown } | null;
  if (!s || typeof s.blockSize !== 'number' || !Array.isArray(s.blocks)) return { arrows: [], omitted: 0 };
  const size = s.blockSize;
  const b = s.blocks as number[];
  const arrows: OverlayArrow[] = [];
  for (let i = 0; i + 4 < b.length; i += 5) {
    const rejected = b[i + 2] < 0;
    arrows.push({
      block: { x: b[i], y: b[i + 1], width: size, height: size },
      source: rejected ? null : { x: b[i + 2], y: b[i + 3], width: size, height: size },
      score: rejected ? null : b[i + 4] / 100,
    });
  }
  return { arrows, omitted: typeof s.omitted === 'number' ? s.omitted : 0 };
}

/** "colour + detail" for ['color', 'detail']; "no correction" for none (or ['none']). */
function namesOf(list: readonly string[]): string {
  const names = list.filter((x) => x && x !== 'none').map((x) => CORRECTION_NAME[x] ?? x);
  return names.length ? [...new Set(names)].join(' + ') : 'no correction';
}

/**
 * The label of what was applied to a hole: the auto stage's candidate ('none', 'color', 'detail',
 * 'color+detail') as "no correction", "colour", "detail", "colour + detail"; a correction's true/false as
 * "corrected" / "left alone".
 */
export function autoLabel(applied: boolean | AutoCandidate): string {
  if (typeof applied === 'boolean') return applied ? 'corrected' : 'left alone';
  return namesOf(applied.split('+'));
}

/**
 * Labels per hole: the auto stage's, else one line per correction that reported the hole; the longer
 * reason is the stage's words for its codes (app/contract/stageInfoText.ts).
 */
function labelsOf(stages: RunInfo['stages']): OverlayLabel[] {
  const auto = stages.find((s) => s.name === 'auto');
  if (auto) {
    return (describeStage('auto', auto.info)?.holes ?? [])
      .filter((h) => isRect(h.box))
      .map((h) => ({ box: h.box, text: autoLabel(h.applied), detail: h.text }));
  }
  // No auto stage: what each correction did at each hole, merged per hole.
  const byBox = new Map<string, { box: Rect; parts: string[]; reasons: string[] }>();
  for (const s of stages) {
    if (s.name === 'lama') continue;
    for (const h of describeStage(s.name, s.info)?.holes ?? []) {
      if (!isRect(h.box) || typeof h.applied !== 'boolean') continue;
      const key = `${h.box.x},${h.box.y},${h.box.width},${h.box.height}`;
      const e = byBox.get(key) ?? { box: h.box, parts: [], reasons: [] };
      const name = CORRECTION_NAME[s.name] ?? s.name;
      e.parts.push(h.applied ? name : `no ${name}`);
      e.reasons.push(`${name}: ${h.text}`);
      byBox.set(key, e);
    }
  }
  return [...byBox.values()].map((e) => ({
    box: e.box,
    text: e.parts.join(' + '),
    detail: e.reasons.join('; '),
  }));
}

/**
 * The shapes of a finished run (none while a run goes or after one failed: its info is not there).
 * Reads (app/common/stageInfo.ts): lama's crops (the context each region was filled from), texture's
 * exemplar and colour's reference ({source, rect}), blockmatch's sources, and the holes each correction
 * (or the auto stage) reports, for the labels.
 */
export function overlayShapes(run: RunInfo): OverlayShapes {
  if (run.status !== 'done') return NO_SHAPES;
  const rects: OverlayRect[] = [];
  for (const c of stageInfo(run.stages, 'lama')?.crops ?? []) pushRect(rects, 'context', c, 'region');
  pushRect(rects, 'exemplar', stageInfo(run.stages, 'texture')?.exemplar, 'texture');
  pushRect(rects, 'reference', stageInfo(run.stages, 'color')?.reference, 'color');
  const { arrows, omitted } = arrowsFrom(stageInfo(run.stages, 'blockmatch')?.sources);
  return { rects, arrows, arrowsOmitted: omitted, labels: labelsOf(run.stages) };
}

/** How many shapes each toggle would show (the menu says so, and disables an empty one). */
export function overlayCounts(s: OverlayShapes): Record<OverlayKind, number> {
  return { rects: s.rects.length, sources: s.arrows.length, labels: s.labels.length };
}

/**
 * The overlay toggles: the corrections' shapes are off at start (the photo is what the user looks at);
 * the sampling area's tint is on, as the mask is (it shows only once an area is painted).
 */
export class OverlayStore extends Store<OverlayToggles> {
  constructor(initial: Partial<OverlayToggles> = {}) {
    super({ rects: false, sources: false, labels: false, sampling: true, ...initial });
  }
  set(kind: keyof OverlayToggles, on: boolean): void {
    this.update({ [kind]: on } as Partial<OverlayToggles>);
  }
  toggle(kind: keyof OverlayToggles): void {
    this.set(kind, !this.getSnapshot()[kind]);
  }
}

/** A point on a rectangle's edge towards another point (arrows start and end at the blocks' edges). */
export function edgePoint(r: Rect, toward: { x: number; y: number }): { x: number; y: number } {
  const cx = r.x + r.width / 2,
    cy = r.y + r.height / 2;
  const dx = toward.x - cx,
    dy = toward.y - cy;
  if (dx === 0 && dy === 0) return { x: cx, y: cy };
  const t = Math.min(
    dx === 0 ? Infinity : r.width / 2 / Math.abs(dx),
    dy === 0 ? Infinity : r.height / 2 / Math.abs(dy),
  );
  return { x: cx + dx * Math.min(1, t), y: cy + dy * Math.min(1, t) };
}

/** The arrow's line in image px: from the hole block's edge to its source's edge. */
export function arrowLine(a: OverlayArrow): { x0: number; y0: number; x1: number; y1: number } | null {
  if (!a.source) return null;
  const sc = { x: a.source.x + a.source.width / 2, y: a.source.y + a.source.height / 2 };
  const bc = { x: a.block.x + a.block.width / 2, y: a.block.y + a.block.height / 2 };
  const p0 = edgePoint(a.block, sc);
  const p1 = edgePoint(a.source, bc);
  return { x0: p0.x, y0: p0.y, x1: p1.x, y1: p1.y };
}
