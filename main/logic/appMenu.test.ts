// The app menu built from the command table: what each item sends and its accelerator.
import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { COMMAND_IDS, commandForKey, type CommandId } from '../../app/contract/commands';
import { appMenuTemplate } from './appMenu';

function items(template: MenuItemConstructorOptions[], menu: string): MenuItemConstructorOptions[] {
  return template.find((m) => m.label === menu)!.submenu as MenuItemConstructorOptions[];
}

function build(recent: string[] = [], platform = 'linux') {
  const sent: CommandId[] = [];
  const opened: string[] = [];
  let cleared = 0;
  const template = appMenuTemplate({
    send: (id) => sent.push(id),
    recent: recent.map((label) => ({ label, open: () => opened.push(label) })),
    clearRecent: () => cleared++,
    platform,
  });
  const click = (menu: string, label: string) =>
    (items(template, menu).find((i) => i.label === label)!.click as () => void)();
  return { template, sent, opened, cleared: () => cleared, click };
}

describe('app menu', () => {
  it('has the accelerators of the keys the page answers to', () => {
    const { template } = build();
    const accel = (menu: string, label: string) =>
      items(template, menu).find((i) => i.label === label)?.accelerator;
    expect(accel('File', 'Open…')).toBe('CmdOrCtrl+O');
    expect(accel('File', 'Export…')).toBe('CmdOrCtrl+E');
    expect(accel('File', 'Copy Result')).toBe('CmdOrCtrl+Shift+C');
    expect(accel('Edit', 'Undo')).toBe('CmdOrCtrl+Z');
    expect(accel('Edit', 'Redo')).toBe('CmdOrCtrl+Shift+Z');
    expect(accel('Edit', 'Invert Mask')).toBe('CmdOrCtrl+I');
    expect(accel('View', 'Zoom In')).toBe('CmdOrCtrl+=');
    expect(accel('View', 'Zoom Out')).toBe('CmdOrCtrl+-');
    expect(accel('View', 'Fit')).toBe('CmdOrCtrl+0');
    expect(accel('View', 'Actual Size')).toBe('CmdOrCtrl+1');
    expect(accel('View', 'Toggle Before/After')).toBe('S');
    expect(accel('Run', 'Run')).toBe('CmdOrCtrl+Enter');
    expect(accel('Help', 'Keyboard Shortcuts')).toBe('F1');
  });

  it('each accelerator is a key the page maps to the same command', () => {
    const { template } = build();
    for (const menu of template)
      for (const item of menu.submenu as MenuItemConstructorOptions[]) {
        if (!item.accelerator) continue;
        const parts = item.accelerator.split('+');
        const name = parts.pop()!;
        const key = name.length === 1 ? name.toLowerCase() : name;
        const press = { key, mod: parts.includes('CmdOrCtrl'), shift: parts.includes('Shift') };
        expect(commandForKey(press), item.accelerator).toBe(item.id);
      }
  });

  it('registers only accelerators with Ctrl/Cmd: a bare key is left to the page, which ignores it in fields', () => {
    const { template } = build();
    const all = template.flatMap((m) => m.submenu as MenuItemConstructorOptions[]);
    const bare = all.filter((i) => i.accelerator && !i.accelerator.startsWith('CmdOrCtrl+'));
    expect(bare.map((i) => i.id)).toEqual(
      expect.arrayContaining(['mask:clear', 'split:toggle', 'apply', 'help:shortcuts']),
    );
    for (const i of all.filter((i) => i.accelerator))
      expect(i.registerAccelerator, i.label).toBe(i.accelerator!.startsWith('CmdOrCtrl+'));
  });

  it('on macOS a bare key gets no accelerator (a key equivalent would take it from every text field)', () => {
    const all = build([], 'darwin').template.flatMap((m) => m.submenu as MenuItemConstructorOptions[]);
    const item = (id: string) => all.find((i) => i.id === id)!;
    expect(item('split:toggle').accelerator).toBeUndefined();
    expect(item('mask:clear').accelerator).toBeUndefined();
    expect(item('apply').accelerator).toBeUndefined();
    expect(item('undo').accelerator).toBe('CmdOrCtrl+Z');
    expect(item('help:shortcuts').accelerator).toBeUndefined();
  });

  it('an item sends its command id, which the contract knows', () => {
    const { template, sent, click } = build();
    click('File', 'Open…');
    click('View', 'Zoom In');
    click('View', 'Toggle Before/After');
    expect(sent).toEqual(['file:open', 'zoom:in', 'split:toggle']);
    const ids = template.flatMap((m) => (m.submenu as MenuItemConstructorOptions[]).map((i) => i.id));
    for (const id of ids.filter(Boolean)) expect(COMMAND_IDS).toContain(id);
  });

  it('File has Open Recent after Open, and Quit', () => {
    const { template, opened, cleared } = build(['a.png — /x', 'b.jpg — /y']);
    const file = items(template, 'File');
    expect(file.map((i) => i.label ?? i.role ?? i.type)).toEqual([
      'Open…',
      'Open Recent',
      'Export…',
      'Copy Result',
      'separator',
      'quit',
    ]);
    const recent = file[1].submenu as MenuItemConstructorOptions[];
    expect(recent.map((i) => i.label ?? i.type)).toEqual([
      'a.png — /x',
      'b.jpg — /y',
      'separator',
      'Clear Menu',
    ]);
    (recent[1].click as () => void)();
    expect(opened).toEqual(['b.jpg — /y']);
    (recent[3].click as () => void)();
    expect(cleared()).toBe(1);
    const empty = items(build().template, 'File')[1].submenu as MenuItemConstructorOptions[];
    expect(empty.at(-1)!.enabled).toBe(false);
  });
});
