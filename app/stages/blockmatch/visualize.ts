/**
 * The matches for the editor: as data it can draw (block and source rectangles, score, rejection), and
 * drawn onto a downscaled copy of the image (each mask block outlined in a colour from red, score 0 or
 * less, through yellow to green, score 1; a line from it to its source, which is outlined in white;
 * rejected blocks crossed in magenta).
 */
import type { Rect } from '../../common/params';
import { resizeImage } from '../../image/resize';
import type { Mask, RgbImage } from '../../image/types';
import type { BlockMatch } from './match';

export interface CorrespondenceEntry {
  block: Rect;
  /** null when the block was rejected. */
  source: Rect | null;
  /** Similarity (zncc -1..1, raw 0..1); null when rejected. */
  score: number | null;
  /** Score minus distance penalty; null when rejected. */
  objective: number | null;
  rejected: boolean;
  /** Candidates the histogram test turned down for this block. */
  histogramRejections: number;
}

/** The matches as JSON-safe data (NaN becomes null). */
export function correspondenceEntries(matches: readonly BlockMatch[]): CorrespondenceEntry[] {
  const num = (v: number) => (Number.isFinite(v) ? v : null);
  return matches.map((m) => ({
    block: { x: m.x, y: m.y, width: m.size, height: m.size },
    source: m.source ? { x: m.source.x, y: m.source.y, width: m.size, height: m.size } : null,
    score: num(m.score),
    objective: num(m.objective),
    rejected: m.rejected,
    histogramRejections: m.histogramRejections,
  }));
}

/** Block matching's sources in a compact form for the stage's info (the editor draws them as arrows). */
export interface CompactSources {
  blockSize: number;
  /**
   * Five numbers per block: the block's x, y, its source's x, y (-1, -1 when rejected) and the score
   * in hundredths (0 when rejected). Sizes are blockSize square.
   */
  blocks: number[];
  /** Blocks left out to keep the info small (every k-th block is kept). */
  omitted: number;
}

/** At most this many blocks go into the info. */
export const MAX_COMPACT_SOURCES = 4000;

/** The matches as CompactSources; more than `max` blocks are thinned evenly. */
export function compactSources(
  blockSize: number,
  matches: readonly BlockMatch[],
  max = MAX_COMPACT_SOURCES,
): CompactSources {
  const every = Math.max(1, Math.ceil(matches.length / max));
  const blocks: number[] = [];
  for (let i = 0; i < matches.length; i += every) {
    const m = matches[i];
    const score = m.source && Number.isFinite(m.score) ? Math.round(m.score * 100) : 0;
    blocks.push(m.x, m.y, m.source ? m.source.x : -1, m.source ? m.source.y : -1, score);
  }
  return { blockSize, blocks, omitted: matches.length - blocks.length / 5 };
}

/** Red (<= 0) through yellow (0.5) to green (1). */
export function scoreColour(score: number): [number, number, number] {
  const t = Math.max(0, Math.min(1, score));
  return t < 0.5 ? [0.95, 0.2 + 1.4 * t, 0.15] : [0.95 - 1.7 * (t - 0.5), 0.9, 0.15 + 0.2 * (t - 0.5)];
}

class Canvas {
  constructor(readonly img: RgbImage) {}
  set(x: number, y: number, c: readonly number[]): void {
    const { width: W, height: H, data } = this.img;
    x = Math.round(x);
    y = Math.round(y);
    if (x < 0 || y < 0 || x >= W || y >= H) return;
    const n = W * H;
    const i = y * W + x;
    data[i] = c[0];
    data[n + i] = c[1];
    data[2 * n + i] = c[2];
  }
  line(x0: number, y0: number, x1: number, y1: number, c: readonly number[]): void {
    const steps = Math.max(1, Math.ceil(Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0))));
    for (let s = 0; s <= steps; s++) this.set(x0 + ((x1 - x0) * s) / steps, y0 + ((y1 - y0) * s) / steps, c);
  }
  rect(x: number, y: number, w: number, h: number, c: readonly number[]): void {
    this.line(x, y, x + w, y, c);
    this.line(x + w, y, x + w, y + h, c);
    this.line(x + w, y + h, x, y + h, c);
    this.line(x, y + h, x, y, c);
  }
}

/**
 * Draws the matches over the image, scaled so that its longer side is at most maxSide pixels.
 * @param maxSide longer side of the picture (>= 16)
 */
export function renderCorrespondence(
  image: RgbImage,
  mask: Mask,
  matches: readonly BlockMatch[],
  maxSide = 1600,
): RgbImage {
  const { width: W, height: H } = image;
  const s = Math.min(1, maxSide / Math.max(W, H));
  const w = Math.max(1, Math.round(W * s));
  const h = Math.max(1, Math.round(H * s));
  const base = s === 1 ? { ...image, data: image.data.slice() } : resizeImage(image, w, h);
  const n = w * h;
  // Dim the picture so the drawing stands out; tint the hole.
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const hole = mask.data[Math.min(H - 1, Math.floor(y / s)) * W + Math.min(W - 1, Math.floor(x / s))];
      for (let c = 0; c < 3; c++) base.data[c * n + i] = 0.45 * base.data[c * n + i] + (hole ? 0.12 : 0);
    }
  const canvas = new Canvas(base);
  for (const m of matches) {
    const bx = m.x * s;
    const by = m.y * s;
    const side = m.size * s;
    if (!m.source) {
      const magenta = [1, 0.1, 0.9];
      canvas.rect(bx, by, side, side, magenta);
      canvas.line(bx, by, bx + side, by + side, magenta);
      canvas.line(bx + side, by, bx, by + side, magenta);
      continue;
    }
    const colour = scoreColour(m.score);
    canvas.rect(m.source.x * s, m.source.y * s, side, side, [1, 1, 1]);
    canvas.line(
      bx + side / 2,
      by + side / 2,
      (m.source.x + m.size / 2) * s,
      (m.source.y + m.size / 2) * s,
      colour,
    );
    canvas.rect(bx, by, side, side, colour);
  }
  return base;
}
