/**
 * The README's editor screenshots (docs/editor-*.png), taken from the browser host as `npm run web`
 * runs it, with the default panel: LaMa downloaded from the Fill section (a generated LaMa-signature
 * model served locally), a mask painted, a run in progress, the before/after split, and the banner
 * after an engine crash. Written to test-results/screens; with UPDATE_DOCS=1 also to docs/.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { generatedModel, sha256 } from '../native-models/generated/index';
import { serveBytes, startTestServer, type TestServer } from '../app/testing/httpServer';
import { POST, SCENE, writeScene } from './fixtures/scene';
import { repoRoot } from './harness';
import { paintStroke, sceneToPage, waitForRun } from './page';
import { startWebHost, type WebHost } from './webHost';

test.describe.configure({ mode: 'serial' });

const shots = path.join(repoRoot, 'test-results', 'screens');
const model = Buffer.from(generatedModel('generated-lama-fixed-rgb').build());
let server: TestServer;
let host: WebHost;
let page: Page;

async function shot(name: string): Promise<void> {
  const file = path.join(shots, `${name}.png`);
  await page.screenshot({ path: file });
  if (process.env.UPDATE_DOCS === '1') copyFileSync(file, path.join(repoRoot, 'docs', `${name}.png`));
}

test.beforeAll(async ({ browser }) => {
  mkdirSync(shots, { recursive: true });
  const steady = serveBytes(model, { chunk: 4096, delayMs: 20 });
  server = await startTestServer((req, res, i) => {
    if (req.url === '/manifest.json') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify([
          {
            id: 'lama-fp32',
            purpose: 'inpaint',
            label: 'LaMa',
            convention: 'lama-fixed-rgb',
            url: 'files/lama.onnx',
            bytes: model.length,
            sha256: sha256(model),
            licence: 'MIT',
            homepage: 'https://example.invalid/',
          },
        ]),
      );
    } else if (req.url === '/files/lama.onnx') steady(req, res, i);
    else res.writeHead(404).end();
  });
  host = await startWebHost({ INPAINT_STUDIO_MANIFEST: server.url('/manifest.json') });
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(host.url);
  await expect(page.getByTestId('status-engine')).toHaveText('● Engine');
});

test.afterAll(async () => {
  await page?.close();
  await host?.close();
  await server?.close();
});

test('README screenshots with the default panel', async () => {
  await expect(page.getByTestId('lama-banner-download')).toBeVisible();
  await shot('editor-first-screen');
  await page.getByTestId('lama-banner-download').click();
  await expect(page.getByTestId('lama-panel-status')).toHaveAttribute('data-state', 'installed', {
    timeout: 30_000,
  });
  await expect(page.getByTestId('lama-banner')).toHaveCount(0);

  const scene = path.join(host.dir, 'scene.png');
  await writeScene(scene);
  await page.getByTestId('open-input').setInputFiles(scene);
  await expect(page.getByTestId('status-image')).toContainText('640×420');
  await page.getByTestId('zoom-fit').click();
  for (let i = 0; i < 3; i++) await page.keyboard.press(']');
  await paintStroke(page, (POST.x0 + POST.x1) / 2, POST.y0 - 10, POST.y1 + 10);
  await page.mouse.move(1200, 88);
  await shot('editor-mask');

  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('progress-auto')).toHaveAttribute('data-state', 'running', {
    timeout: 30_000,
  });
  await shot('editor-running');
  const s = await waitForRun(page, null);
  expect(s.run.stages.map((x) => x.name)).toEqual(['lama', 'auto']);
  expect(s.run.stages[0].info).toMatchObject({ engine: 'model' });

  // The split view with its divider through the middle of the removed post.
  await page.getByTestId('split-toggle').click();
  const from = await sceneToPage(page, SCENE.width / 2, SCENE.height / 2);
  const mid = await sceneToPage(page, (POST.x0 + POST.x1) / 2, SCENE.height / 2);
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(mid.x, mid.y, { steps: 6 });
  await page.mouse.up();
  await page.mouse.move(1200, 88);
  await shot('editor-split');
  await page.getByTestId('split-toggle').click();

  process.kill(host.enginePids.at(-1)!, 'SIGKILL');
  const banner = page.getByTestId('engine-banner');
  await expect(banner).toHaveAttribute('data-health', 'ready', { timeout: 30_000 });
  await expect(banner).toContainText('restarted');
  await page.mouse.move(1200, 88);
  await shot('editor-engine-restarted');
});
