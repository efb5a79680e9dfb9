/**
 * The Model manager end to end, against the real browser host whose model list comes from
 * INPAINT_STUDIO_MANIFEST — a manifest served by a local HTTP server together with a small generated
 * LaMa-signature model. The user downloads from the panel and sees the progress, cancels one download,
 * completes another, finds it installed and runs with it; then imports a model file, and a file that is
 * not a model is refused.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { generatedModel, sha256 } from '../native-models/generated/index';
import { serveBytes, startTestServer, type TestServer } from '../app/testing/httpServer';
import { POST, writeScene } from './fixtures/scene';
import { repoRoot } from './harness';
import { editorView, paintStroke, waitForRun } from './page';
import { startWebHost, type WebHost } from './webHost';

test.describe.configure({ mode: 'serial' });

const shots = path.join(repoRoot, 'test-results', 'screens');
const model = Buffer.from(generatedModel('generated-lama-fixed-rgb').build());
let server: TestServer;
let host: WebHost;
let page: Page;
const pageErrors: string[] = [];

function entry(id: string, label: string, url: string) {
  return {
    id,
    purpose: 'inpaint',
    label,
    convention: 'lama-fixed-rgb',
    url,
    bytes: model.length,
    sha256: sha256(model),
    licence: 'MIT',
    homepage: 'https://example.invalid/',
  };
}

test.beforeAll(async ({ browser }) => {
  mkdirSync(shots, { recursive: true });
  // Slow enough to watch: the first model trickles (cancelled mid-way), the second takes about a second.
  const slow = serveBytes(model, { chunk: 256, delayMs: 150 });
  const steady = serveBytes(model, { chunk: 512, delayMs: 50 });
  server = await startTestServer((req, res, i) => {
    if (req.url === '/manifest.json') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify([
          entry('test-lama-slow', 'Test LaMa (slow mirror)', 'files/slow/lama.onnx'),
          entry('test-lama', 'Test LaMa', 'files/lama.onnx'),
        ]),
      );
    } else if (req.url === '/files/slow/lama.onnx') slow(req, res, i);
    else if (req.url === '/files/lama.onnx') steady(req, res, i);
    else res.writeHead(404).end();
  });
  host = await startWebHost({ INPAINT_STUDIO_MANIFEST: server.url('/manifest.json') });
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(host.url);
  await expect(page.getByTestId('status-engine')).toHaveText('● Engine');
});

test.afterAll(async () => {
  await page?.close();
  await host?.close();
  await server?.close();
});

test('lists the models of INPAINT_STUDIO_MANIFEST, not installed', async () => {
  expect(host.output.join('\n')).toContain('INPAINT_STUDIO_MANIFEST');
  await expect(page.getByTestId('model-state-test-lama-slow')).toHaveText('not-installed');
  await expect(page.getByTestId('model-state-test-lama')).toHaveText('not-installed');
  await expect(page.getByTestId('model-lama-fp32')).toHaveCount(0);
});

test('downloads with progress, cancels one download, completes another', async () => {
  await page.getByTestId('model-download-test-lama-slow').click();
  const progress = page.getByTestId('model-progress-test-lama-slow');
  await expect(progress).toBeVisible();
  // Bytes arrive: the bar and its percentage move.
  await expect
    .poll(async () => Number(await progress.getAttribute('value')), { timeout: 20_000 })
    .toBeGreaterThan(0);
  await expect(page.getByTestId('model-percent-test-lama-slow')).toHaveText(/^[1-9]\d?%$/);
  // Only one download at a time.
  await expect(page.getByTestId('model-download-test-lama')).toBeDisabled();
  await page.screenshot({ path: path.join(shots, 'editor-model-download.png') });
  await page.getByTestId('model-cancel-test-lama-slow').click();
  await expect(page.getByTestId('notice')).toHaveText('Download cancelled.');
  await expect(progress).toHaveCount(0);
  // The part already fetched is kept for a resume.
  await expect(page.getByTestId('model-state-test-lama-slow')).toHaveText('partial');
  await expect(page.getByTestId('model-download-test-lama-slow')).toHaveText('Resume');

  await page.getByTestId('model-download-test-lama').click();
  const bar = page.getByTestId('model-progress-test-lama');
  await expect(bar).toBeVisible();
  await expect.poll(async () => Number(await bar.getAttribute('value'))).toBeGreaterThan(0);
  await expect(page.getByTestId('notice')).toHaveText('Installed test-lama', { timeout: 30_000 });
  await expect(page.getByTestId('model-state-test-lama')).toHaveText('installed');
  await expect(page.getByTestId('model-test-lama')).toHaveAttribute('data-state', 'installed');
  await expect(page.getByTestId('model-download-test-lama')).toHaveCount(0);
  const v = await editorView(page);
  expect(v.models.find((m) => m.id === 'test-lama')?.installed).toBe(true);
  expect(v.models.find((m) => m.id === 'test-lama-slow')?.installed).toBe(false);
});

test('runs with the downloaded model', async () => {
  await page.getByTestId('model-select').selectOption('test-lama');
  const scene = path.join(host.dir, 'scene.png');
  await writeScene(scene);
  await page.getByTestId('open-input').setInputFiles(scene);
  await expect(page.getByTestId('status-image')).toContainText('640×420');
  await page.getByTestId('zoom-fit').click();
  for (let i = 0; i < 3; i++) await page.keyboard.press(']');
  await paintStroke(page, (POST.x0 + POST.x1) / 2, POST.y0 - 10, POST.y1 + 10);
  await page.getByTestId('run-button').click();
  const s = await waitForRun(page, null);
  expect(s.run.stages[0].info).toMatchObject({ engine: 'model', model: 'test-lama' });
});

test('imports a model file from the file picker, and refuses a file that is not a model', async () => {
  const file = path.join(host.dir, 'My LaMa.onnx');
  writeFileSync(file, model);
  await page.getByText('Import a model file').click();
  await page.getByTestId('model-import-input').setInputFiles(file);
  // The id comes from the file name when none is given.
  await expect(page.getByTestId('model-import-id')).toHaveValue('my-lama');
  await expect(page.getByTestId('notice')).toHaveText('Imported my-lama', { timeout: 30_000 });
  await expect(page.getByTestId('model-state-my-lama')).toHaveText('installed');
  await expect(page.getByTestId('model-select').locator('option[value="my-lama"]')).toBeEnabled();

  const junk = path.join(host.dir, 'not-a-model.onnx');
  writeFileSync(junk, 'this is not an ONNX model');
  await page.getByTestId('model-import-id').fill('junk');
  await page.getByTestId('model-import-input').setInputFiles(junk);
  await expect(page.getByTestId('notice')).toHaveClass(/error/, { timeout: 30_000 });
  await expect(page.getByTestId('model-junk')).toHaveCount(0);
  expect(pageErrors).toEqual([]);
});
