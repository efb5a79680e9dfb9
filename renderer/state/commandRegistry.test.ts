// The command registry: one table feeds the keys, the sheet, the toolbar and the app menu, and a key
// press, a menu item and a button all run the registered command.
import { beforeEach, describe, expect, it } from 'vitest';
import {
  COMMANDS,
  COMMAND_IDS,
  commandForKey,
  keyLabel,
  menuCommands,
  type KeyChord,
} from '../../app/contract/commands';
import { EVENTS } from '../../app/contract/schemas';
import { COMMAND_REGISTRY, keyDown, keyUp, releaseHeld, runCommand } from './commandRegistry';
import { Editor } from './editor';
import { SHORTCUT_SHEET } from './shortcuts';
import { fakeEngine } from './testing/fakeEngine';

describe('the command table', () => {
  it('lists each id once, and every id has a run in the registry', () => {
    expect(new Set(COMMAND_IDS).size).toBe(COMMANDS.length);
    expect(COMMAND_REGISTRY.map((c) => c.id)).toEqual(COMMAND_IDS);
    for (const c of COMMAND_REGISTRY) expect(typeof c.run, c.id).toBe('function');
  });

  it('gives each key to one command: every key of a command presses back to it', () => {
    const seen = new Map<string, string>();
    for (const c of COMMANDS)
      for (const k of c.keys as readonly KeyChord[]) {
        const shifts = k.shift === undefined ? [false, true] : [k.shift];
        for (const shift of shifts) {
          const name = `${k.mod ? 'mod+' : ''}${shift ? 'shift+' : ''}${k.key}`;
          expect(seen.get(name), `${name}: ${c.id} and ${seen.get(name)}`).toBeUndefined();
          seen.set(name, c.id);
          expect(commandForKey({ key: k.key, mod: k.mod, shift }), name).toBe(c.id);
        }
      }
    expect(seen.size).toBeGreaterThan(COMMANDS.length);
  });

  it('every menu item is a registered command, and the contract accepts its id', () => {
    const menu = menuCommands().flatMap((m) => m.items);
    expect(menu.length).toBeGreaterThanOrEqual(9);
    for (const item of menu) {
      expect(COMMAND_REGISTRY.find((c) => c.id === item.id)).toBeDefined();
      expect(EVENTS.onMenu.safeParse({ command: item.id }).success, item.id).toBe(true);
    }
    // The old menu names are gone: there is no table translating them any more.
    expect(EVENTS.onMenu.safeParse({ command: 'zoomIn' }).success).toBe(false);
  });

  it('the shortcut sheet writes every listed key of every command', () => {
    const listed = SHORTCUT_SHEET.flatMap((g) => g.lines.map((l) => l.keys)).join(' | ');
    for (const c of COMMANDS)
      for (const k of c.keys as readonly KeyChord[]) if (!k.unlisted) expect(listed).toContain(keyLabel(k));
  });
});

describe('a key press runs the registered command', () => {
  let editor: Editor;
  beforeEach(async () => {
    editor = new Editor({
      enabledStages: ['lama'],
      scheduler: { setTimeout: () => 0, clearTimeout: () => {} },
    });
    await editor.attach(fakeEngine());
    await editor.openImageData('photo.png', new ArrayBuffer(8));
  });
  const s = () => editor.getSnapshot();

  it('tools, brush size, split', () => {
    expect(keyDown(editor, { key: 'r' })).toBe(true);
    expect(s().tool).toBe('rect');
    keyDown(editor, { key: 'L', shift: true });
    expect(s().tool).toBe('lasso');
    const size = s().brush.size;
    keyDown(editor, { key: ']' });
    expect(s().brush.size).toBeGreaterThan(size);
    keyDown(editor, { key: 's' });
    expect(s().split).toBe(true);
    expect(keyDown(editor, { key: 'q' })).toBe(false);
    // Alt with a letter is not a tool key.
    expect(keyDown(editor, { key: 'b', alt: true })).toBe(false);
    expect(s().tool).toBe('lasso');
  });

  it('Ctrl+Z and Ctrl+Shift+Z undo and redo a mask edit, as the menu item does', () => {
    editor.masking.setTool('rect');
    editor.pointerDown({ x: 2, y: 2 });
    editor.pointerMove({ x: 30, y: 30 });
    editor.pointerUp({ x: 30, y: 30 });
    expect(editor.mask!.mask.area()).toBeGreaterThan(0);
    keyDown(editor, { key: 'z', mod: true });
    expect(editor.mask!.mask.area()).toBe(0);
    keyDown(editor, { key: 'Z', mod: true, shift: true });
    expect(editor.mask!.mask.area()).toBeGreaterThan(0);
    runCommand(editor, 'undo');
    expect(editor.mask!.mask.area()).toBe(0);
  });

  it('held keys act on key-down and key-up; their auto-repeat does not toggle; a blur releases them', () => {
    keyDown(editor, { key: ' ' });
    expect(s().panning).toBe(true);
    expect(keyDown(editor, { key: ' ', repeat: true })).toBe(true);
    expect(s().panning).toBe(true);
    expect(keyUp(editor, ' ')).toBe(true);
    expect(s().panning).toBe(false);
    keyDown(editor, { key: '\\' });
    expect(s().holdBefore).toBe(true);
    releaseHeld(editor);
    expect(s().holdBefore).toBe(false);
    // A key that is not held does nothing on key-up.
    expect(keyUp(editor, 'b')).toBe(false);
    expect(runCommand(editor, 'tool:eraser', false)).toBe(false);
    expect(s().tool).toBe('brush');
  });

  it('while a dialog is open only Escape and the sheet key reach the editor', () => {
    keyDown(editor, { key: 'F1' });
    expect(s().dialog).toBe('shortcuts');
    expect(keyDown(editor, { key: 'e' })).toBe(false);
    expect(s().tool).toBe('brush');
    keyDown(editor, { key: '?', shift: true });
    expect(s().dialog).toBeNull();
    keyDown(editor, { key: 'F1' });
    keyDown(editor, { key: 'Escape' });
    expect(s().dialog).toBeNull();
  });
});
