import { describe, expect, it } from 'vitest';
import { layoutLabel } from './strip';

describe('strip labels', () => {
  it('wraps a long label to the panel width, so it never runs into the next panel', () => {
    const label = 'fill: blur+bland S 8.24 D 0.07';
    const { lines, fontSize } = layoutLabel(label, 156);
    expect(lines.length).toBeGreaterThan(1);
    for (const l of lines) expect(l.length * fontSize * 0.6).toBeLessThanOrEqual(156);
    expect(lines.join(' ')).toBe(label);
  });

  it('keeps a label that fits on one line at the full size, and shrinks for a word wider than the panel', () => {
    expect(layoutLabel('truth', 300)).toEqual({ lines: ['truth'], fontSize: 16 });
    const narrow = layoutLabel('blockmatch', 70);
    expect(narrow.fontSize).toBeLessThan(16);
    expect(narrow.lines).toEqual(['blockmatch']);
  });
});
