// The desktop flow through Playwright's Electron support. Electron's binary is fetched from a host this
// machine (and CI) cannot reach, so this runs where the binary is installed and skips elsewhere.
import { existsSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import { writeScene } from './fixtures/scene';

function electronBinary(): string | null {
  try {
    const p = createRequire(import.meta.url)('electron') as unknown as string;
    return typeof p === 'string' && existsSync(p) ? p : null;
  } catch {
    return null;
  }
}

const binary = electronBinary();

test.describe('Electron shell', () => {
  test.skip(
    !binary,
    "Electron's binary is not installed (it downloads from a host this machine cannot reach)",
  );

  test('opens the editor window with the security settings and the engine running', async () => {
    const app = await electron.launch({ executablePath: binary!, args: ['.'] });
    try {
      const win = await app.firstWindow();
      await expect(win.locator('text=Run')).toBeVisible();
      // window.studio exposes the contract and nothing of Node.
      const exposed = await win.evaluate(() => ({
        studio: Object.keys((window as unknown as { studio: object }).studio).sort(),
        require: typeof (window as unknown as { require?: unknown }).require,
      }));
      expect(exposed.require).toBe('undefined');
      expect(exposed.studio).toContain('run');
      // Navigation is denied.
      await win.evaluate(() => (window.location.href = 'https://example.com/'));
      await win.waitForTimeout(300);
      expect(win.url()).toMatch(/^file:/);
      const info = await win.evaluate(() =>
        (
          window as unknown as { studio: { engineInfo: (p: object) => Promise<{ ok: boolean }> } }
        ).studio.engineInfo({}),
      );
      expect(info.ok).toBe(true);
    } finally {
      await app.close();
    }
  });

  test('File > Open uses the native dialog, the image opens and joins Open Recent; View > Zoom In zooms', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'inpaint-electron-'));
    const scene = path.join(dir, 'scene.png');
    await writeScene(scene);
    const app = await electron.launch({
      executablePath: binary!,
      args: ['.', `--user-data-dir=${path.join(dir, 'user-data')}`],
    });
    try {
      const win = await app.firstWindow();
      await expect(win.getByTestId('statusbar')).toContainText('Engine');
      // The native dialog answers with the fixture (main grants what a dialog returns).
      await app.evaluate(({ dialog }, file) => {
        dialog.showOpenDialog = (async () => ({ canceled: false, filePaths: [file] })) as never;
      }, scene);
      const clickMenu = (top: string, label: string) =>
        app.evaluate(
          ({ Menu }, [t, l]) => {
            const menu = Menu.getApplicationMenu()!.items.find((i) => i.label === t)!.submenu!;
            menu.items.find((i) => i.label === l)!.click();
          },
          [top, label] as const,
        );
      await clickMenu('File', 'Open…');
      await expect(win.getByTestId('status-image')).toContainText('scene.png · 640×420');
      const recent = await app.evaluate(({ Menu }) =>
        Menu.getApplicationMenu()!
          .items.find((i) => i.label === 'File')!
          .submenu!.items.find((i) => i.label === 'Open Recent')!
          .submenu!.items.map((i) => i.label),
      );
      expect(recent[0]).toMatch(/^scene\.png — /);
      const zoom = await win.getByTestId('status-zoom').textContent();
      await clickMenu('View', 'Zoom In');
      await expect(win.getByTestId('status-zoom')).not.toHaveText(zoom ?? '');
    } finally {
      await app.close();
    }
  });
});
