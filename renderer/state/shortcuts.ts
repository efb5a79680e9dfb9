/**
 * The keyboard side of the command table (app/contract/commands.ts): which command a key press stands
 * for, and the shortcut sheet, written from the same table so it lists every key the editor answers to.
 * What each command does lives in commandRegistry.ts.
 */
import {
  COMMANDS,
  SHEET_GROUPS,
  keysLabel,
  type CommandId,
  type CommandSpec,
  type SheetGroup,
} from '../../app/contract/commands';

export { commandForKey, type KeyPress } from '../../app/contract/commands';

export type Command = CommandId;

/** One line of the shortcut sheet: the keys as a user types them, and what they do. */
export interface ShortcutLine {
  keys: string;
  does: string;
}

/** The sheet's lines that are not commands: the pointer's modifiers and the focused slider's keys. */
const POINTER_LINES: Partial<Record<SheetGroup, ShortcutLine[]>> = {
  Tools: [
    { keys: 'Shift+click', does: 'Straight stroke from the last point' },
    {
      keys: 'Alt+drag',
      does: 'Rectangle or lasso subtracts; the sampling area brush excludes (or includes)',
    },
  ],
};

const SLIDER_LINES: ShortcutLine[] = [
  { keys: '← → ↑ ↓', does: 'One step' },
  { keys: 'Page Up / Page Down', does: 'Ten steps' },
  { keys: 'Home / End', does: 'Minimum / maximum' },
];

/** The shortcut sheet (`?` or F1), by group: every command's keys, the pointer's modifiers, the sliders'. */
export const SHORTCUT_SHEET: { group: string; lines: ShortcutLine[] }[] = [
  ...SHEET_GROUPS.map((group) => ({
    group,
    lines: [
      ...COMMANDS.filter((c: CommandSpec) => c.group === group).map((c) => ({
        keys: keysLabel(c.id),
        does: c.does,
      })),
      ...(POINTER_LINES[group] ?? []),
    ],
  })),
  { group: 'Sliders (focused)', lines: SLIDER_LINES },
];

/** The next brush size for [ and ]: about 15 % per press, at least 1 px, 1..2000 px. */
export function nextBrushSize(size: number, direction: 1 | -1): number {
  const next =
    direction > 0 ? Math.max(size + 1, Math.round(size * 1.15)) : Math.min(size - 1, Math.round(size / 1.15));
  return Math.max(1, Math.min(2000, next));
}
