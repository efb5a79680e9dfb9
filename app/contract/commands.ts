/**
 * The editor's commands as data, each listed once: its id, label, keys, shortcut-sheet line and place in
 * Electron's app menu. The renderer's registry (renderer/state/commandRegistry.ts) adds what each one
 * does; the keyboard hook, the toolbar's tooltips, the shortcut sheet and the app menu (main/logic/appMenu.ts)
 * read this table, and the menu sends a command's id (the onMenu event), so they cannot drift apart.
 * Plain data and pure functions: no DOM, no Electron.
 */

/** A key as a user presses it. `mod` is Ctrl on Linux and Windows, Cmd on macOS. */
export interface KeyPress {
  key: string;
  mod?: boolean;
  shift?: boolean;
  alt?: boolean;
}

/**
 * A key a command answers to: `key` as KeyboardEvent.key names it (letters in lower case); `shift`
 * undefined: with or without Shift. Alt never reaches a command without `mod`.
 */
export interface KeyChord {
  readonly key: string;
  readonly mod?: boolean;
  readonly shift?: boolean;
  /** Answered to but not written in the sheet (Ctrl++ beside Ctrl+=, the same key with Shift). */
  readonly unlisted?: boolean;
}

/** The app menus, in order. */
export const MENUS = ['File', 'Edit', 'View', 'Run', 'Help'] as const;
export type MenuName = (typeof MENUS)[number];

/** The shortcut sheet's groups, in order. */
export const SHEET_GROUPS = ['Tools', 'Mask', 'View', 'Run and files'] as const;
export type SheetGroup = (typeof SHEET_GROUPS)[number];

export interface CommandSpec {
  readonly id: string;
  /** The menu item's and the toolbar button's name. */
  readonly label: string;
  /** The shortcut sheet's line. */
  readonly does: string;
  readonly group: SheetGroup;
  /** The keys, the first one shown as the menu item's accelerator. */
  readonly keys: readonly KeyChord[];
  /** The app menu it is listed in (in this table's order); absent: keys only. */
  readonly menu?: MenuName;
  /** Held: carried out on key-down and again on key-up (Space pans, \ shows the original). */
  readonly hold?: boolean;
  /** Reaches the editor while a dialog or a question is open (the others wait for it to close). */
  readonly inDialog?: boolean;
}

const mod = (key: string, shift?: boolean): KeyChord => ({ key, mod: true, shift });
const unlisted = (key: string): KeyChord => ({ key, mod: true, unlisted: true });

export const COMMANDS = [
  { id: 'tool:brush', label: 'Brush', does: 'Brush', group: 'Tools', keys: [{ key: 'b' }] },
  { id: 'tool:eraser', label: 'Eraser', does: 'Eraser', group: 'Tools', keys: [{ key: 'e' }] },
  {
    id: 'tool:rect',
    label: 'Rectangle',
    does: 'Rectangle',
    group: 'Tools',
    keys: [{ key: 'r' }, { key: 'm' }],
  },
  { id: 'tool:lasso', label: 'Lasso', does: 'Lasso', group: 'Tools', keys: [{ key: 'l' }] },
  {
    id: 'tool:sampling',
    label: 'Sampling area',
    does: 'Sampling area brush: where the fill may sample from',
    group: 'Tools',
    keys: [{ key: 'a' }],
  },
  { id: 'size:down', label: 'Smaller Brush', does: 'Smaller brush', group: 'Tools', keys: [{ key: '[' }] },
  { id: 'size:up', label: 'Larger Brush', does: 'Larger brush', group: 'Tools', keys: [{ key: ']' }] },
  {
    id: 'undo',
    label: 'Undo',
    does: 'Undo',
    group: 'Mask',
    keys: [mod('z', false)],
    menu: 'Edit',
  },
  {
    id: 'redo',
    label: 'Redo',
    does: 'Redo',
    group: 'Mask',
    keys: [mod('z', true), mod('y')],
    menu: 'Edit',
  },
  {
    id: 'mask:invert',
    label: 'Invert Mask',
    does: 'Invert the mask',
    group: 'Mask',
    keys: [mod('i')],
    menu: 'Edit',
  },
  {
    id: 'mask:clear',
    label: 'Clear Mask',
    does: 'Clear the mask',
    group: 'Mask',
    keys: [{ key: 'Delete' }, { key: 'Backspace' }],
    menu: 'Edit',
  },
  // Ctrl+= / Ctrl++ / Ctrl+- zoom the image (the page's own zoom would scale the whole editor).
  {
    id: 'zoom:in',
    label: 'Zoom In',
    does: 'Zoom in',
    group: 'View',
    keys: [mod('='), unlisted('+')],
    menu: 'View',
  },
  {
    id: 'zoom:out',
    label: 'Zoom Out',
    does: 'Zoom out',
    group: 'View',
    keys: [mod('-'), unlisted('_')],
    menu: 'View',
  },
  {
    id: 'zoom:fit',
    label: 'Fit',
    does: 'Fit the image',
    group: 'View',
    keys: [mod('0'), { key: 'f' }],
    menu: 'View',
  },
  {
    id: 'zoom:100',
    label: 'Actual Size',
    does: '100 %',
    group: 'View',
    keys: [mod('1'), { key: '1' }],
    menu: 'View',
  },
  {
    id: 'hold:pan',
    label: 'Pan',
    does: 'Pan (hold, and drag)',
    group: 'View',
    keys: [{ key: ' ' }],
    hold: true,
  },
  {
    id: 'split:toggle',
    label: 'Toggle Before/After',
    does: 'Before/after split',
    group: 'View',
    keys: [{ key: 's' }],
    menu: 'View',
  },
  {
    id: 'hold:before',
    label: 'Show the Original',
    does: 'Show the original (hold)',
    group: 'View',
    keys: [{ key: '\\' }],
    hold: true,
  },
  { id: 'run', label: 'Run', does: 'Run', group: 'Run and files', keys: [mod('Enter')], menu: 'Run' },
  {
    id: 'apply',
    label: 'Apply Result',
    does: 'Apply the result (keep working on it)',
    group: 'Run and files',
    keys: [{ key: 'Enter' }],
    menu: 'Run',
  },
  {
    id: 'escape',
    label: 'Cancel',
    does: 'Close a dialog or the Try-values strip; else cancel the gesture or the run',
    group: 'Run and files',
    keys: [{ key: 'Escape' }],
    inDialog: true,
  },
  {
    id: 'file:open',
    label: 'Open…',
    does: 'Open an image',
    group: 'Run and files',
    keys: [mod('o')],
    menu: 'File',
  },
  {
    id: 'file:export',
    label: 'Export…',
    does: 'Export the result',
    group: 'Run and files',
    keys: [mod('e')],
    menu: 'File',
  },
  {
    id: 'file:copy',
    label: 'Copy Result',
    does: 'Copy the result',
    group: 'Run and files',
    keys: [mod('c', true)],
    menu: 'File',
  },
  {
    id: 'help:shortcuts',
    label: 'Keyboard Shortcuts',
    does: 'This sheet',
    group: 'Run and files',
    keys: [{ key: 'F1' }, { key: '?' }],
    menu: 'Help',
    inDialog: true,
  },
] as const satisfies readonly CommandSpec[];

export type CommandId = (typeof COMMANDS)[number]['id'];

/** Every command's id (the onMenu event's enum). */
export const COMMAND_IDS = COMMANDS.map((c) => c.id) as [CommandId, ...CommandId[]];

const BY_ID = new Map<string, CommandSpec>(COMMANDS.map((c) => [c.id, c]));

/** The command's entry. */
export function commandSpec(id: CommandId): CommandSpec {
  return BY_ID.get(id)!;
}

function chordMatches(c: KeyChord, k: KeyPress, key: string): boolean {
  if (c.key !== key || Boolean(c.mod) !== Boolean(k.mod)) return false;
  return c.shift === undefined || c.shift === Boolean(k.shift);
}

/** The command a key-down stands for, or null. */
export function commandForKey(k: KeyPress): CommandId | null {
  if (k.alt && !k.mod) return null;
  const key = k.key.length === 1 ? k.key.toLowerCase() : k.key;
  for (const c of COMMANDS) if (c.keys.some((chord: KeyChord) => chordMatches(chord, k, key))) return c.id;
  return null;
}

const KEY_NAMES: Record<string, string> = { ' ': 'Space', Escape: 'Esc' };

/** A key as the sheet and the tooltips write it: "Ctrl+Shift+Z", "F", "Space". */
export function keyLabel(c: KeyChord): string {
  const name = KEY_NAMES[c.key] ?? (c.key.length === 1 ? c.key.toUpperCase() : c.key);
  return `${c.mod ? 'Ctrl+' : ''}${c.shift ? 'Shift+' : ''}${name}`;
}

/** A command's keys as the sheet writes them: "Ctrl+Shift+Z or Ctrl+Y". */
export function keysLabel(id: CommandId): string {
  return commandSpec(id)
    .keys.filter((k) => !k.unlisted)
    .map(keyLabel)
    .join(' or ');
}

/** A toolbar button's tooltip: the command's label and its keys, "Fit (Ctrl+0 or F)". */
export function commandTitle(id: CommandId, label: string = commandSpec(id).label): string {
  const keys = keysLabel(id);
  return keys ? `${label} (${keys})` : label;
}

const ACCELERATOR_KEYS: Record<string, string> = { '+': 'Plus', ' ': 'Space', '\\': '\\', Delete: 'Delete' };

/** A key in Electron's accelerator syntax: "CmdOrCtrl+Shift+Z", "CmdOrCtrl+=", "F1", "S". */
export function accelerator(c: KeyChord): string {
  const name = ACCELERATOR_KEYS[c.key] ?? (c.key.length === 1 ? c.key.toUpperCase() : c.key);
  return `${c.mod ? 'CmdOrCtrl+' : ''}${c.shift ? 'Shift+' : ''}${name}`;
}

/** One item of the app menu: the command it sends and its accelerator (the command's first key). */
export interface MenuCommandItem {
  readonly id: CommandId;
  readonly label: string;
  readonly accelerator: string;
  /**
   * Whether Electron registers the accelerator: only for keys with Ctrl/Cmd. A bare key (S, Delete, Enter)
   * is shown in the menu but left to the page's keyboard hook, which ignores it while the user types into
   * a field; registered, it would fire there too.
   */
  readonly registerAccelerator: boolean;
}

/** The app menu's commands, by menu, in the table's order. */
export function menuCommands(): { menu: MenuName; items: MenuCommandItem[] }[] {
  return MENUS.map((menu) => ({
    menu,
    items: COMMANDS.filter((c: CommandSpec) => c.menu === menu).map((c) => {
      const first: KeyChord = c.keys[0];
      return {
        id: c.id,
        label: c.label,
        accelerator: accelerator(first),
        registerAccelerator: Boolean(first.mod),
      };
    }),
  }));
}
