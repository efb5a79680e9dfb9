/**
 * Import and export (issue 15 §8) in Chromium against the browser host: a mask image of another size
 * asks (resize or cancel) instead of stretching silently; an import adds to the mask or replaces it;
 * the export dialog's JPEG quality defaults to the source's (read from its tables), and its colour and
 * location settings reach the file; "Export mask" sits beside "Export result"; Copy result puts the
 * full-resolution PNG on the clipboard.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { expect, test, type Page } from '@playwright/test';
import { hasGps } from '../app/image/exifEdit';
import { jpegQuality } from '../app/image/jpegQuality';
import { p3JpegWithExif } from '../app/testing/metadata';
import { startHarness, type Harness } from './harness';

test.describe.configure({ mode: 'serial', timeout: 120_000 });

let h: Harness;
let page: Page;
const W = 320,
  H = 240;

/** The page's editor; the same name is defined in the page (beforeAll) for the functions run there. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const editorOf = () => (window as any).inpaintStudio.editor;

test.beforeAll(async ({ browser }) => {
  h = await startHarness();
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    acceptDownloads: true,
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  page = await context.newPage();
  await page.goto(h.host.url);
  await expect(page.getByTestId('statusbar')).toContainText('Engine');
  await page.evaluate(() => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    (window as any).editorOf = () => (window as any).inpaintStudio.editor;
  });
  const photo = path.join(h.dir, 'photo.jpg');
  writeFileSync(photo, await p3JpegWithExif(W, H));
  await page.getByTestId('open-input').setInputFiles(photo);
  await expect.poll(() => page.evaluate(() => editorOf().getSnapshot().doc?.width ?? 0)).toBe(W);
});

test.afterAll(async () => {
  await page?.context().close();
  await h?.close();
});

const maskArea = () => page.evaluate(() => editorOf().mask.mask.area() as number);
const covered = (x: number, y: number) =>
  page.evaluate(([px, py]) => editorOf().mask.mask.data[py * editorOf().mask.width + px] as number, [x, y]);

/** A black-and-white mask PNG: white where `white(x, y)`. */
async function maskPng(name: string, w: number, h2: number, white: (x: number, y: number) => boolean) {
  const px = Buffer.alloc(w * h2);
  for (let y = 0; y < h2; y++) for (let x = 0; x < w; x++) px[y * w + x] = white(x, y) ? 255 : 0;
  const file = path.join(h.dir, name);
  await sharp(px, { raw: { width: w, height: h2, channels: 1 } })
    .png()
    .toFile(file);
  return file;
}

test('a mask of another size asks: cancel leaves the mask alone, resize fits it to the image', async () => {
  // Twice the image's size, its left quarter white.
  const big = await maskPng('big-mask.png', 2 * W, 2 * H, (x) => x < W / 2);
  await page.getByTestId('mask-import-input').setInputFiles(big);
  const dialog = page.getByRole('dialog', { name: 'Import mask' });
  await expect(dialog).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('mask-import-dialog.png') });
  await expect(dialog).toContainText(`big-mask.png is ${2 * W}×${2 * H} px; the image is ${W}×${H} px`);
  expect(await maskArea()).toBe(0);
  await page.getByTestId('mask-import-cancel').click();
  await expect(dialog).toBeHidden();
  expect(await maskArea()).toBe(0);

  await page.getByTestId('mask-import-input').setInputFiles(big);
  await page.getByTestId('mask-import-replace').click();
  await expect(dialog).toBeHidden();
  // Scaled, not cropped or stretched: the left quarter of the image.
  expect(await maskArea()).toBe((W / 4) * H);
  expect(await covered(W / 4 - 2, H - 1)).toBe(255);
  expect(await covered(W / 4 + 2, 0)).toBe(0);
  await expect(page.getByTestId('statusbar')).toContainText(`resized from ${2 * W}×${2 * H}`);
});

test('an import onto a painted mask adds to it or replaces it', async () => {
  const right = await maskPng('right-mask.png', W, H, (x) => x >= (3 * W) / 4);
  await page.getByTestId('mask-import-input').setInputFiles(right);
  const dialog = page.getByRole('dialog', { name: 'Import mask' });
  await expect(dialog).toContainText('Add it to the current mask, or replace the current mask?');
  await page.getByTestId('mask-import-add').click();
  expect(await maskArea()).toBe((W / 2) * H);
  await page.getByTestId('mask-import-input').setInputFiles(right);
  await page.getByTestId('mask-import-replace').click();
  expect(await maskArea()).toBe((W / 4) * H);
  expect(await covered(0, 0)).toBe(0);
  // One undo step brings the union back.
  await page.getByTestId('undo').click();
  expect(await maskArea()).toBe((W / 2) * H);
});

async function runOnce() {
  const job = await page.evaluate(() => editorOf().getSnapshot().run.jobId);
  await page.getByTestId('run-button').click();
  await expect
    .poll(
      () =>
        page.evaluate(
          (j) => editorOf().getSnapshot().run.jobId !== j && editorOf().getSnapshot().run.status,
          job,
        ),
      {
        timeout: 60_000,
      },
    )
    .toBe('done');
}

async function download(click: () => Promise<void>): Promise<{ name: string; bytes: Buffer }> {
  const [d] = await Promise.all([page.waitForEvent('download'), click()]);
  const file = path.join(h.dir, `dl-${Date.now()}-${d.suggestedFilename()}`);
  await d.saveAs(file);
  return { name: d.suggestedFilename(), bytes: readFileSync(file) };
}

test("export: JPEG keeps the source's quality by default; quality, sRGB and no location when chosen", async () => {
  await runOnce();
  await page.getByTestId('export-options').click();
  const dialog = page.getByRole('dialog', { name: 'Export' });
  await expect(dialog).toBeVisible();
  await page.getByTestId('export-dialog-format').selectOption('jpeg');
  // The photo was saved at 95 (p3JpegWithExif): the default is that, and says where it comes from.
  await expect(page.getByTestId('export-quality-value')).toHaveValue('95');
  await expect(page.getByTestId('export-quality-note')).toContainText('source');
  await page.screenshot({ path: test.info().outputPath('export-dialog.png') });
  const kept = await download(() => page.getByTestId('export-result').click());
  expect(kept.name).toBe('photo-inpainted.jpg');
  expect(jpegQuality(kept.bytes)).toBe(95);
  const keptMeta = await sharp(kept.bytes).metadata();
  expect(hasGps(keptMeta.exif!)).toBe(true);
  expect(keptMeta.icc).toBeDefined();

  await page.getByTestId('export-quality-value').fill('60');
  await page.getByTestId('export-profile').selectOption('srgb');
  await page.getByTestId('export-strip-location').check();
  const chosen = await download(() => page.getByTestId('export-result').click());
  expect(jpegQuality(chosen.bytes)).toBe(60);
  const meta = await sharp(chosen.bytes).metadata();
  expect(meta.exif ? hasGps(meta.exif) : false).toBe(false);
  // Converted to sRGB: no longer the source's Display P3 profile.
  expect(meta.icc?.equals(keptMeta.icc!) ?? false).toBe(false);
});

test('"Export mask" sits beside "Export result" and writes the mask at the image size', async () => {
  const buttons = page.getByRole('dialog', { name: 'Export' }).locator('.dialog-buttons button');
  await expect(buttons.nth(0)).toHaveText('Export result');
  await expect(buttons.nth(1)).toHaveText('Export mask');
  const mask = await download(() => page.getByTestId('export-mask').click());
  expect(mask.name).toBe('photo-mask.png');
  const { data, info } = await sharp(mask.bytes).greyscale().raw().toBuffer({ resolveWithObject: true });
  expect([info.width, info.height]).toEqual([W, H]);
  let white = 0;
  for (let i = 0; i < W * H; i++) if (data[i * info.channels] > 127) white++;
  expect(white).toBe(await maskArea());
});

test('Copy result puts the full-resolution result on the clipboard as PNG', async () => {
  await page.getByTestId('copy-result').click();
  await expect(page.getByTestId('statusbar')).toContainText('Copied the result');
  const png = await page.evaluate(async () => {
    const items = await navigator.clipboard.read();
    const item = items.find((i) => i.types.includes('image/png'))!;
    const bytes = new Uint8Array(await (await item.getType('image/png')).arrayBuffer());
    return Array.from(bytes);
  });
  const meta = await sharp(Buffer.from(png)).metadata();
  expect([meta.format, meta.width, meta.height]).toEqual(['png', W, H]);
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog', { name: 'Export' })).toBeHidden();
});
