import { describe, expect, it } from 'vitest';
import { SHORTCUT_SHEET, commandForKey, nextBrushSize } from './shortcuts';

describe('shortcuts', () => {
  it('maps the documented keys', () => {
    expect(commandForKey({ key: 'b' })).toBe('tool:brush');
    expect(commandForKey({ key: 'E' })).toBe('tool:eraser');
    expect(commandForKey({ key: '[' })).toBe('size:down');
    expect(commandForKey({ key: ']' })).toBe('size:up');
    expect(commandForKey({ key: 'z', mod: true })).toBe('undo');
    expect(commandForKey({ key: 'Z', mod: true, shift: true })).toBe('redo');
    expect(commandForKey({ key: ' ' })).toBe('hold:pan');
    expect(commandForKey({ key: '\\' })).toBe('hold:before');
    expect(commandForKey({ key: 'q' })).toBeNull();
  });

  it('steps the brush size by about 15 %, at least 1 px, within 1..2000', () => {
    expect(nextBrushSize(40, 1)).toBe(46);
    expect(nextBrushSize(2, 1)).toBe(3);
    expect(nextBrushSize(1, -1)).toBe(1);
    expect(nextBrushSize(2000, 1)).toBe(2000);
  });

  it('Ctrl+= / Ctrl++ / Ctrl+- zoom the image; ? and F1 open the sheet; Ctrl+Shift+C copies', () => {
    expect(commandForKey({ key: '=', mod: true })).toBe('zoom:in');
    expect(commandForKey({ key: '+', mod: true, shift: true })).toBe('zoom:in');
    expect(commandForKey({ key: '-', mod: true })).toBe('zoom:out');
    expect(commandForKey({ key: '?', shift: true })).toBe('help:shortcuts');
    expect(commandForKey({ key: 'F1' })).toBe('help:shortcuts');
    expect(commandForKey({ key: 'C', mod: true, shift: true })).toBe('file:copy');
    expect(commandForKey({ key: 'c', mod: true })).toBeNull();
  });

  it('the sheet lists every single-key shortcut commandForKey maps', () => {
    const listed = SHORTCUT_SHEET.flatMap((g) => g.lines.map((l) => l.keys)).join(' | ');
    for (const key of [
      'B',
      'E',
      'R',
      'L',
      '[',
      ']',
      'S',
      'F',
      'Delete',
      'Esc',
      'Ctrl+=',
      'Ctrl+-',
      'F1',
      'Shift+click',
    ])
      expect(listed).toContain(key);
  });
});
