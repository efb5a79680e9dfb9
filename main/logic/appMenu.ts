/**
 * The app menu's template, built from the command table (app/contract/commands.ts): each item sends its
 * command's id to the page (the onMenu event), which carries it out as its key and toolbar button do.
 * File adds Open Recent and Quit, which main handles itself. Pure: main.ts hands it to Menu.buildFromTemplate.
 */
import type { MenuItemConstructorOptions } from 'electron';
import { menuCommands, type CommandId } from '../../app/contract/commands';

export interface AppMenuHooks {
  /** Sends a command to the page. */
  send(id: CommandId): void;
  /** Open Recent's items, newest first. */
  recent: readonly { label: string; open(): void }[];
  clearRecent(): void;
  /** process.platform: macOS cannot show an accelerator without registering it. */
  platform: string;
}

export function appMenuTemplate(hooks: AppMenuHooks): MenuItemConstructorOptions[] {
  return menuCommands().map(({ menu, items }) => {
    const submenu: MenuItemConstructorOptions[] = items.map((c) => ({
      id: c.id,
      label: c.label,
      // A bare key (S, Delete, Enter) as a macOS key equivalent would be claimed by the menu before any
      // text field sees it (no one could type an S); there the item goes without one, and the sheet says it.
      ...(c.registerAccelerator || hooks.platform !== 'darwin'
        ? { accelerator: c.accelerator, registerAccelerator: c.registerAccelerator }
        : {}),
      click: () => hooks.send(c.id),
    }));
    if (menu === 'File') {
      const openAt = submenu.findIndex((i) => i.id === 'file:open');
      submenu.splice(openAt + 1, 0, {
        label: 'Open Recent',
        submenu: [
          ...hooks.recent.map((r): MenuItemConstructorOptions => ({ label: r.label, click: () => r.open() })),
          { type: 'separator' },
          { label: 'Clear Menu', enabled: hooks.recent.length > 0, click: () => hooks.clearRecent() },
        ],
      });
      submenu.push({ type: 'separator' }, { role: 'quit' });
    }
    return { label: menu, submenu };
  });
}
