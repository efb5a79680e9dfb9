// The desktop flow through Playwright's Electron support. Electron's binary is fetched from a host this
// machine (and CI) cannot reach, so this runs where the binary is installed and skips elsewhere.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { _electron as electron, expect, test } from '@playwright/test';

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
});
