/**
 * The automatic exemplar (for the texture stage) and colour reference (for the colour stage): squares of
 * known pixels where the matched sources gather. Every matched source block votes over the pixels it
 * covers with its score (at least 0.05) times the share of its block that is hole; the square of the
 * requested side, clear of the grown hole, with the most votes wins (ties: the one nearer the hole's
 * centre, then the first in row-major order). Squares are placed on an 8-pixel grid. When no square of
 * that side fits, the side is halved, down to the block size. The stage also asks that a square have the
 * colours of the hole's surroundings (`fits`): blocks matched against a blurry or bland fill can gather
 * on another object, whose colours and texture would then be handed on.
 */
import type { Rect } from '../../common/params';
import type { BlockMatch } from './match';
import type { SourceValidity } from './validity';

const GRID = 8;
const MIN_VOTE = 0.05;

export interface ChosenRegions {
  exemplar?: Rect;
  reference?: Rect;
}

/** Votes per GRID x GRID cell, as a summed-area table over the cell grid. */
function voteTable(
  width: number,
  height: number,
  matches: readonly BlockMatch[],
): { table: Float64Array; cw: number } {
  const cw = Math.ceil(width / GRID);
  const ch = Math.ceil(height / GRID);
  const votes = new Float64Array(cw * ch);
  for (const m of matches) {
    if (!m.source) continue;
    const weight = Math.max(MIN_VOTE, m.score) * (m.holePixels / (m.size * m.size));
    const { x, y } = m.source;
    for (let cy = Math.floor(y / GRID); cy * GRID < y + m.size && cy < ch; cy++)
      for (let cx = Math.floor(x / GRID); cx * GRID < x + m.size && cx < cw; cx++) {
        const ox = Math.min(x + m.size, (cx + 1) * GRID) - Math.max(x, cx * GRID);
        const oy = Math.min(y + m.size, (cy + 1) * GRID) - Math.max(y, cy * GRID);
        votes[cy * cw + cx] += weight * ox * oy;
      }
  }
  const table = new Float64Array((cw + 1) * (ch + 1));
  for (let cy = 0; cy < ch; cy++) {
    let run = 0;
    for (let cx = 0; cx < cw; cx++) {
      run += votes[cy * cw + cx];
      table[(cy + 1) * (cw + 1) + cx + 1] = table[cy * (cw + 1) + cx + 1] + run;
    }
  }
  return { table, cw };
}

/** How many squares, best voted first and then nearest the hole first, are offered to `fits`. */
const FIT_CANDIDATES = 12;

/**
 * The best square of side `side` (see the file comment) that `fits` accepts, or null when none does:
 * the FIT_CANDIDATES best voted squares in order, then the FIT_CANDIDATES squares nearest the hole's
 * centre. Without `fits`, simply the best voted square.
 */
function bestSquare(
  side: number,
  validity: SourceValidity,
  votes: { table: Float64Array; cw: number },
  centre: { x: number; y: number },
  fits?: (r: Rect) => boolean,
): Rect | null {
  const { width: W, height: H } = validity;
  if (side > W || side > H) return null;
  const W1 = votes.cw + 1;
  const t = votes.table;
  const squares: { x: number; y: number; v: number; d: number }[] = [];
  for (let y = 0; y + side <= H; y += GRID)
    for (let x = 0; x + side <= W; x += GRID) {
      if (!validity.rectAllowed(x, y, side, side)) continue;
      // Votes of the cells the square covers (cells cut by its right / bottom edge count in full).
      const c0x = x / GRID;
      const c0y = y / GRID;
      const c1x = Math.min(votes.cw, Math.ceil((x + side) / GRID));
      const c1y = Math.min(t.length / W1 - 1, Math.ceil((y + side) / GRID));
      const v = t[c1y * W1 + c1x] - t[c0y * W1 + c1x] - t[c1y * W1 + c0x] + t[c0y * W1 + c0x];
      squares.push({ x, y, v, d: Math.hypot(x + side / 2 - centre.x, y + side / 2 - centre.y) });
    }
  if (!squares.length) return null;
  const rect = (q: { x: number; y: number }): Rect => ({ x: q.x, y: q.y, width: side, height: side });
  // Most votes first; ties: nearer the centre, then row-major (the scan's order, kept by a stable sort).
  const byVotes = squares.slice().sort((a, b) => (Math.abs(a.v - b.v) > 1e-9 ? b.v - a.v : a.d - b.d));
  if (!fits) return rect(byVotes[0]);
  const tried = new Set<number>();
  const attempt = (q: { x: number; y: number }) => {
    const key = q.y * W + q.x;
    if (tried.has(key)) return false;
    tried.add(key);
    return fits(rect(q));
  };
  for (const q of byVotes.slice(0, FIT_CANDIDATES)) if (attempt(q)) return rect(q);
  const byDistance = squares.slice().sort((a, b) => a.d - b.d);
  for (const q of byDistance.slice(0, FIT_CANDIDATES)) if (attempt(q)) return rect(q);
  return null;
}

/**
 * @param validity where known squares may lie (the hole grown by the stage's margin)
 * @param exemplarSide requested exemplar side in pixels; the reference asks for twice that
 * @param fits when given, a square is chosen only if it accepts it (the stage: colours of the hole's
 *   surroundings); a side where none is accepted among the candidates is halved like one where none fits
 */
export function chooseRegions(
  matches: readonly BlockMatch[],
  validity: SourceValidity,
  exemplarSide: number,
  fits?: (r: Rect) => boolean,
): ChosenRegions {
  if (matches.length === 0) return {};
  const b = matches[0].size;
  let cx = 0;
  let cy = 0;
  let n = 0;
  for (const m of matches) {
    cx += (m.x + m.size / 2) * m.holePixels;
    cy += (m.y + m.size / 2) * m.holePixels;
    n += m.holePixels;
  }
  const centre = { x: cx / n, y: cy / n };
  const votes = voteTable(validity.width, validity.height, matches);
  const pick = (side: number): Rect | undefined => {
    for (
      let s = Math.min(side, validity.width, validity.height);
      s >= Math.min(b, side);
      s = Math.floor(s / 2)
    ) {
      const r = bestSquare(s, validity, votes, centre, fits);
      if (r) return r;
      if (s <= 1) break;
    }
    return undefined;
  };
  return { exemplar: pick(exemplarSide), reference: pick(2 * exemplarSide) };
}
