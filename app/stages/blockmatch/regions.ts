/**
 * The automatic exemplar (for the texture stage) and colour reference (for the colour stage): squares of
 * known pixels where the matched sources gather. Every matched source block votes over the pixels it
 * covers with its score (at least 0.05) times the share of its block that is hole; the square of the
 * requested side, clear of the grown hole, with the most votes wins (ties: the one nearer the hole's
 * centre, then the first in row-major order). Squares are placed on an 8-pixel grid. When no square of
 * that side fits, the side is halved, down to the block size.
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

/** The best square of side `side` (see the file comment), or null when none fits. */
function bestSquare(
  side: number,
  validity: SourceValidity,
  votes: { table: Float64Array; cw: number },
  centre: { x: number; y: number },
): Rect | null {
  const { width: W, height: H } = validity;
  if (side > W || side > H) return null;
  const W1 = votes.cw + 1;
  const t = votes.table;
  let best: Rect | null = null;
  let bestVotes = -1;
  let bestDistance = Infinity;
  for (let y = 0; y + side <= H; y += GRID)
    for (let x = 0; x + side <= W; x += GRID) {
      if (!validity.rectAllowed(x, y, side, side)) continue;
      // Votes of the cells the square covers (cells cut by its right / bottom edge count in full).
      const c0x = x / GRID;
      const c0y = y / GRID;
      const c1x = Math.min(votes.cw, Math.ceil((x + side) / GRID));
      const c1y = Math.min(t.length / W1 - 1, Math.ceil((y + side) / GRID));
      const v = t[c1y * W1 + c1x] - t[c0y * W1 + c1x] - t[c1y * W1 + c0x] + t[c0y * W1 + c0x];
      const d = Math.hypot(x + side / 2 - centre.x, y + side / 2 - centre.y);
      if (v > bestVotes + 1e-9 || (Math.abs(v - bestVotes) <= 1e-9 && d < bestDistance)) {
        best = { x, y, width: side, height: side };
        bestVotes = v;
        bestDistance = d;
      }
    }
  return best;
}

/**
 * @param validity where known squares may lie (the hole grown by the stage's margin)
 * @param exemplarSide requested exemplar side in pixels; the reference asks for twice that
 */
export function chooseRegions(
  matches: readonly BlockMatch[],
  validity: SourceValidity,
  exemplarSide: number,
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
      const r = bestSquare(s, validity, votes, centre);
      if (r) return r;
      if (s <= 1) break;
    }
    return undefined;
  };
  return { exemplar: pick(exemplarSide), reference: pick(2 * exemplarSide) };
}
