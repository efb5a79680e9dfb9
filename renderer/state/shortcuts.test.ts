import { describe, expect, it } from 'vitest';
import { commandForKey, nextBrushSize } from './shortcuts';

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
});
