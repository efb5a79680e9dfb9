import { describe, expect, it } from 'vitest';
import type { BlockMatch } from './match';
import { chooseRegions } from './regions';
import { discMask } from '../../testing/blockmatchImages';
import { SourceValidity } from './validity';

function match(x: number, y: number, sx: number, sy: number, score: number): BlockMatch {
  return {
    x,
    y,
    size: 16,
    holePixels: 256,
    source: { x: sx, y: sy },
    score,
    objective: score,
    distance: Math.hypot(sx - x, sy - y),
    histogramDistance: 0,
    histogramRejections: 0,
    rejected: false,
  };
}

describe('automatic exemplar and colour reference', () => {
  const mask = discMask(300, 200, 150, 100, 30);
  const validity = new SourceValidity(mask, 4, 16);

  it('covers the place the sources gather in, clear of the hole', () => {
    const matches = [
      match(144, 96, 20, 20, 0.9),
      match(128, 96, 36, 24, 0.9),
      match(144, 80, 24, 40, 0.8),
      match(160, 96, 250, 150, 0.2),
    ];
    const { exemplar, reference } = chooseRegions(matches, validity, 48);
    expect(exemplar).toBeDefined();
    expect(exemplar!.width).toBe(48);
    // The three good sources lie within x 20..52, y 20..56: the exemplar overlaps them.
    expect(exemplar!.x).toBeLessThanOrEqual(36);
    expect(exemplar!.y).toBeLessThanOrEqual(40);
    expect(reference!.width).toBe(96);
    for (const r of [exemplar!, reference!])
      expect(validity.rectAllowed(r.x, r.y, r.width, r.height)).toBe(true);
  });

  it('falls back to the allowed square nearest the hole when no block found a source', () => {
    const none = [{ ...match(144, 96, 0, 0, 0), source: null, rejected: true }];
    const { exemplar } = chooseRegions(none, validity, 48);
    expect(exemplar).toBeDefined();
    expect(validity.rectAllowed(exemplar!.x, exemplar!.y, 48, 48)).toBe(true);
    const cx = exemplar!.x + 24;
    const cy = exemplar!.y + 24;
    expect(Math.hypot(cx - 152, cy - 104)).toBeLessThan(70);
  });

  it('hands on only squares the surroundings check accepts: next best voted, else nearest the hole', () => {
    const matches = [match(144, 96, 20, 20, 0.9), match(128, 96, 36, 24, 0.9), match(144, 80, 24, 40, 0.8)];
    const best = chooseRegions(matches, validity, 48).exemplar!;
    // Refuse the best voted square: another square still overlapping the sources (x 20..68) serves.
    const other = chooseRegions(matches, validity, 48, (r) => r.x !== best.x || r.y !== best.y).exemplar!;
    expect(other).not.toEqual(best);
    expect(other.x).toBeLessThan(68);
    // Accept only squares below the hole (y ≥ 136): none of the voted ones; one of the nearest serves.
    const below = chooseRegions(matches, validity, 48, (r) => r.y >= 136).exemplar!;
    expect(below.y).toBeGreaterThanOrEqual(136);
    expect(below.y).toBeLessThan(136 + 16);
    expect(Math.abs(below.x + 24 - 150)).toBeLessThan(40);
    // Accept none: nothing is handed on.
    expect(chooseRegions(matches, validity, 48, () => false)).toEqual({
      exemplar: undefined,
      reference: undefined,
    });
  });

  it('shrinks the square when the requested one fits nowhere, and gives up below the block size', () => {
    const tight = new SourceValidity(discMask(64, 64, 32, 32, 20), 4, 16);
    const r = chooseRegions([match(24, 24, 0, 0, 1)], tight, 256);
    expect(r.exemplar!.width).toBeLessThan(64);
    expect(chooseRegions([], tight, 64)).toEqual({});
  });
});
