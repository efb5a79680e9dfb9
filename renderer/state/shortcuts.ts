/**
 * Keyboard shortcuts and menu commands as data: a key press (as a plain object, no DOM) or an item of
 * Electron's app menu maps to a command, which commands.ts carries out, so the menu, the keys and the
 * toolbar do the same thing. Space (pan) and backslash (show the original) are held, so they map on
 * key-down and key-up.
 */
import type { EventPayload } from '../../app/contract/schemas';

export type Command =
  | 'tool:brush'
  | 'tool:eraser'
  | 'tool:rect'
  | 'tool:lasso'
  | 'tool:sampling'
  | 'size:down'
  | 'size:up'
  | 'undo'
  | 'redo'
  | 'split:toggle'
  | 'zoom:fit'
  | 'zoom:100'
  | 'zoom:in'
  | 'zoom:out'
  | 'file:open'
  | 'file:export'
  | 'mask:invert'
  | 'mask:clear'
  | 'run'
  | 'apply'
  | 'escape'
  | 'hold:pan'
  | 'hold:before'
  | 'help:shortcuts'
  | 'file:copy';

export interface KeyPress {
  key: string;
  /** Ctrl on Linux and Windows, Cmd on macOS. */
  mod?: boolean;
  shift?: boolean;
  alt?: boolean;
}

/** The command for a key-down, or null. */
export function commandForKey(k: KeyPress): Command | null {
  const key = k.key.length === 1 ? k.key.toLowerCase() : k.key;
  if (k.mod) {
    if (key === 'z') return k.shift ? 'redo' : 'undo';
    if (key === 'y') return 'redo';
    if (key === 'i') return 'mask:invert';
    if (key === 'Enter') return 'run';
    if (key === '0') return 'zoom:fit';
    if (key === '1') return 'zoom:100';
    if (key === 'o') return 'file:open';
    if (key === 'e') return 'file:export';
    if (key === 'c' && k.shift) return 'file:copy';
    // Ctrl+= / Ctrl++ / Ctrl+- zoom the image (the page's own zoom would scale the whole editor).
    if (key === '=' || key === '+') return 'zoom:in';
    if (key === '-' || key === '_') return 'zoom:out';
    return null;
  }
  if (k.alt) return null;
  switch (key) {
    case '?':
    case 'F1':
      return 'help:shortcuts';
    case 'b':
      return 'tool:brush';
    case 'e':
      return 'tool:eraser';
    case 'r':
    case 'm':
      return 'tool:rect';
    case 'l':
      return 'tool:lasso';
    case 'a':
      return 'tool:sampling';
    case '[':
      return 'size:down';
    case ']':
      return 'size:up';
    case 's':
      return 'split:toggle';
    case 'f':
      return 'zoom:fit';
    case '1':
      return 'zoom:100';
    case 'Delete':
    case 'Backspace':
      return 'mask:clear';
    case 'Enter':
      return 'apply';
    case 'Escape':
      return 'escape';
    case ' ':
      return 'hold:pan';
    case '\\':
      return 'hold:before';
    default:
      return null;
  }
}

export type MenuCommand = EventPayload<'onMenu'>['command'];

const MENU: Record<MenuCommand, Command> = {
  open: 'file:open',
  export: 'file:export',
  undo: 'undo',
  redo: 'redo',
  zoomIn: 'zoom:in',
  zoomOut: 'zoom:out',
  zoomFit: 'zoom:fit',
  zoom100: 'zoom:100',
  // The menu item toggles (a click cannot be held): the toolbar's Before/after split, key S.
  toggleBeforeAfter: 'split:toggle',
};

/** The command an item of the app menu (Electron's onMenu) stands for. */
export function commandForMenu(command: MenuCommand): Command {
  return MENU[command];
}

/** One line of the shortcut sheet: the keys as a user types them, and what they do. */
export interface ShortcutLine {
  keys: string;
  does: string;
}

/** The shortcut sheet (`?` or F1), by group; every key commandForKey maps, and the pointer's modifiers. */
export const SHORTCUT_SHEET: { group: string; lines: ShortcutLine[] }[] = [
  {
    group: 'Tools',
    lines: [
      { keys: 'B', does: 'Brush' },
      { keys: 'E', does: 'Eraser' },
      { keys: 'R or M', does: 'Rectangle' },
      { keys: 'L', does: 'Lasso' },
      { keys: 'A', does: 'Sampling area brush: where the fill may sample from' },
      { keys: '[ and ]', does: 'Smaller / larger brush' },
      { keys: 'Shift+click', does: 'Straight stroke from the last point' },
      {
        keys: 'Alt+drag',
        does: 'Rectangle or lasso subtracts; the sampling area brush excludes (or includes)',
      },
    ],
  },
  {
    group: 'Mask',
    lines: [
      { keys: 'Ctrl+Z', does: 'Undo' },
      { keys: 'Ctrl+Shift+Z or Ctrl+Y', does: 'Redo' },
      { keys: 'Ctrl+I', does: 'Invert the mask' },
      { keys: 'Delete or Backspace', does: 'Clear the mask' },
    ],
  },
  {
    group: 'View',
    lines: [
      { keys: 'F or Ctrl+0', does: 'Fit the image' },
      { keys: '1 or Ctrl+1', does: '100 %' },
      { keys: 'Ctrl+= and Ctrl+-', does: 'Zoom in / out' },
      { keys: 'Space+drag', does: 'Pan' },
      { keys: 'S', does: 'Before/after split' },
      { keys: 'hold \\', does: 'Show the original' },
    ],
  },
  {
    group: 'Run and files',
    lines: [
      { keys: 'Ctrl+Enter', does: 'Run' },
      { keys: 'Enter', does: 'Apply the result (keep working on it)' },
      { keys: 'Esc', does: 'Close a dialog or the Try-values strip; else cancel the gesture or the run' },
      { keys: 'Ctrl+O', does: 'Open an image' },
      { keys: 'Ctrl+E', does: 'Export the result' },
      { keys: 'Ctrl+Shift+C', does: 'Copy the result' },
      { keys: '? or F1', does: 'This sheet' },
    ],
  },
  {
    group: 'Sliders (focused)',
    lines: [
      { keys: '← → ↑ ↓', does: 'One step' },
      { keys: 'Page Up / Page Down', does: 'Ten steps' },
      { keys: 'Home / End', does: 'Minimum / maximum' },
    ],
  },
];

/** The next brush size for [ and ]: about 15 % per press, at least 1 px, 1..2000 px. */
export function nextBrushSize(size: number, direction: 1 | -1): number {
  const next =
    direction > 0 ? Math.max(size + 1, Math.round(size * 1.15)) : Math.min(size - 1, Math.round(size / 1.15));
  return Math.max(1, Math.min(2000, next));
}
