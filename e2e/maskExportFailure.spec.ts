/**
 * Export mask when the browser cannot encode the PNG (a canvas past its size limit gives toBlob null): both
 * buttons, the mask bar's and the export dialog's, say so in the status bar. They call the export
 * fire-and-forget, so before, the failure was an unhandled rejection and nothing on screen.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { expect, test, type Page } from '@playwright/test';
import { startHarness, type Harness } from './harness';

test.describe.configure({ mode: 'serial', timeout: 120_000 });

let h: Harness;
let page: Page;

test.beforeAll(async ({ browser }) => {
  h = await startHarness();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  await page.goto(h.host.url);
  await expect(page.getByTestId('statusbar')).toContainText('Engine');
  const photo = path.join(h.dir, 'photo.png');
  writeFileSync(
    photo,
    await sharp({ create: { width: 64, height: 48, channels: 3, background: '#808080' } })
      .png()
      .toBuffer(),
  );
  await page.getByTestId('open-input').setInputFiles(photo);
  await expect
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    .poll(() => page.evaluate(() => (window as any).inpaintStudio.editor.getSnapshot().doc?.width ?? 0))
    .toBe(64);
  // The browser refuses to encode any canvas from now on.
  await page.evaluate(() => {
    HTMLCanvasElement.prototype.toBlob = function (callback: BlobCallback) {
      callback(null);
    };
  });
});

test.afterAll(async () => {
  await page?.context().close();
  await h?.close();
});

test("the mask bar's Export mask says the mask could not be exported", async () => {
  await page.getByRole('toolbar', { name: 'Mask' }).getByRole('button', { name: 'Export mask' }).click();
  await expect(page.getByTestId('statusbar')).toContainText(
    'The mask could not be exported: The 64×48 mask could not be encoded as PNG.',
  );
});

test("the export dialog's Export mask says so too", async () => {
  await page.evaluate(() => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const editor = (window as any).inpaintStudio.editor;
    editor.notify('info', 'ready');
    editor.setDialog('export');
  });
  await page.getByTestId('export-mask').click();
  await expect(page.getByTestId('statusbar')).toContainText('The mask could not be exported');
});
