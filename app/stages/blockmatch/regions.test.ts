import { describe, expect, it } from 'vitest';
import type { BlockMatch } from './match';
import { chooseRegions } from './regions';
import { discMask } from './testImages';
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

  it('shrinks the square when the requested one fits nowhere, and gives up below the block size', () => {
    const tight = new SourceValidity(discMask(64, 64, 32, 32, 20), 4, 16);
    const r = chooseRegions([match(24, 24, 0, 0, 1)], tight, 256);
    expect(r.exemplar!.width).toBeLessThan(64);
    expect(chooseRegions([], tight, 64)).toEqual({});
  });
});
