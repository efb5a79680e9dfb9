/**
 * Getting images in and results out of the browser editor without the toolbar: an image file dropped on
 * the canvas (or anywhere on the window) opens through the engine's openImageData, a drop without an
 * image says so, Ctrl+O opens the file picker; and the execution providers shown are the ones the engine
 * found (CPU on this machine), not a fixed list.
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { decodeEngineFrame, startHarness, type Harness } from './harness';

test.describe.configure({ mode: 'serial' });

let h: Harness;
let page: Page;
/** Methods of the requests the page sent to the engine. */
const sent: string[] = [];

test.beforeAll(async ({ browser }) => {
  h = await startHarness();
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('websocket', (ws) =>
    ws.on('framesent', ({ payload }) => {
      const m = decodeEngineFrame(payload) as { type: string; method?: string } | null;
      if (m?.type === 'request' && m.method) sent.push(m.method);
    }),
  );
  await page.goto(h.host.url);
  await expect(page.getByTestId('statusbar')).toContainText('Engine');
});

test.afterAll(async () => {
  await page?.close();
  await h?.close();
});

/** Drops files (name, MIME type, bytes as base64) on the element with the test id, as a user's drag would. */
async function dropFiles(testId: string, files: { name: string; type: string; base64: string }[]) {
  const dataTransfer = await page.evaluateHandle((list) => {
    const dt = new DataTransfer();
    for (const f of list) {
      const bytes = Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0));
      dt.items.add(new File([bytes], f.name, { type: f.type }));
    }
    return dt;
  }, files);
  const target = page.getByTestId(testId);
  await target.dispatchEvent('dragenter', { dataTransfer });
  await target.dispatchEvent('dragover', { dataTransfer });
  await target.dispatchEvent('drop', { dataTransfer });
}

test('an image dropped on the canvas opens through the engine', async () => {
  const base64 = readFileSync(h.scenePath).toString('base64');
  await dropFiles('canvas-host', [{ name: 'dropped-scene.png', type: 'image/png', base64 }]);
  await expect(page.getByTestId('status-image')).toContainText('dropped-scene.png · 640×420');
  expect(sent).toContain('openImageData');
  const doc = await page.evaluate(
    () =>
      (
        window as unknown as {
          inpaintStudio: { editor: { getSnapshot(): { doc: { name: string; width: number } | null } } };
        }
      ).inpaintStudio.editor.getSnapshot().doc,
  );
  expect(doc).toMatchObject({ name: 'dropped-scene.png', width: 640 });
});

test('a drop anywhere on the window opens too; a drop without an image says so', async () => {
  const base64 = readFileSync(h.scenePath).toString('base64');
  await dropFiles('statusbar', [
    { name: 'notes.txt', type: 'text/plain', base64: Buffer.from('hello').toString('base64') },
  ]);
  await expect(page.getByTestId('notice')).toContainText('Drop an image file');
  await dropFiles('statusbar', [{ name: 'again.png', type: 'image/png', base64 }]);
  await expect(page.getByTestId('status-image')).toContainText('again.png · 640×420');
});

test('Ctrl+O opens the file picker (the same command as the toolbar and the desktop menu)', async () => {
  await page.getByTestId('canvas-host').focus();
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.keyboard.press('Control+o')]);
  await chooser.setFiles(h.scenePath);
  await expect(page.getByTestId('status-image')).toContainText('scene.png · 640×420');
});

test('shows the execution providers the engine found: CPU here', async () => {
  await expect(page.getByTestId('model-providers')).toHaveText('Execution providers: CPU');
  await expect(page.getByTestId('status-device')).toHaveText('Device: CPU');
  // The others are explained, not listed as if detected.
  const title = await page.getByTestId('model-providers').getAttribute('title');
  expect(title).toMatch(/CUDA: /);
});
