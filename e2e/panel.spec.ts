/**
 * Simple by default, and the model up front (issue 15 §2 and §3; issue 13 item 6 in the editor), in
 * Chromium against the browser host as `npm run web` runs it, with no LaMa installed and the model list
 * from a local server (INPAINT_STUDIO_MANIFEST). The default panel is short: the fill, Auto-correct on,
 * one switch per correction; Advanced expands to every stage's declared settings and hides those that
 * do not apply; the first screen says LaMa is missing, with a Download button, its size, progress and
 * Cancel; a failed download says what to do in the editor's terms; "Fill: embedded" says why.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { describeStage } from '../app/contract/stageInfoText';
import { generatedModel, sha256 } from '../native-models/generated/index';
import { serveBytes, startTestServer, type TestServer } from '../app/testing/httpServer';
import { POST, writeScene } from './fixtures/scene';
import { repoRoot } from './harness';
import { paintStroke, waitForRun } from './page';
import { startWebHost, type WebHost } from './webHost';

test.describe.configure({ mode: 'serial' });

const shots = path.join(repoRoot, 'test-results', 'screens');
const model = Buffer.from(generatedModel('generated-lama-fixed-rgb').build());
let server: TestServer;
let host: WebHost;
let page: Page;
/** What the model server does with the next download: trickle (to watch and cancel) or refuse. */
let serve: 'slow' | 'missing' = 'slow';

test.beforeAll(async ({ browser }) => {
  mkdirSync(shots, { recursive: true });
  const slow = serveBytes(model, { chunk: 256, delayMs: 150 });
  server = await startTestServer((req, res, i) => {
    if (req.url === '/manifest.json') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify([
          {
            id: 'test-lama',
            purpose: 'inpaint',
            label: 'Test LaMa',
            convention: 'lama-fixed-rgb',
            url: 'files/lama.onnx',
            bytes: model.length,
            sha256: sha256(model),
            licence: 'MIT',
            homepage: 'https://example.invalid/',
          },
        ]),
      );
    } else if (req.url === '/files/lama.onnx' && serve === 'slow') slow(req, res, i);
    else res.writeHead(404).end();
  });
  host = await startWebHost({ INPAINT_STUDIO_MANIFEST: server.url('/manifest.json') });
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(host.url);
  await expect(page.getByTestId('status-engine')).toHaveText('● Engine');
});

test.afterAll(async () => {
  await page?.close();
  await host?.close();
  await server?.close();
});

test('with no LaMa installed, the first screen says so, with a Download button and its size', async () => {
  const banner = page.getByTestId('lama-banner');
  await expect(banner).toBeVisible();
  await expect(banner).toContainText('LaMa is not installed');
  const download = page.getByTestId('lama-banner-download');
  await expect(download).toBeVisible();
  await expect(download).toContainText('Download LaMa');
  await expect(download).toContainText(/\d+(\.\d)? (kB|MB)/);
  // The same in the Fill section of the panel, above the settings.
  await expect(page.getByTestId('lama-panel-download')).toBeVisible();
  // The Models panel is reachable without scrolling past a long card: it starts on the first screen.
  const models = await page.getByTestId('model-manager').boundingBox();
  expect(models!.y).toBeLessThan(800);
  await page.getByTestId('goto-models').click();
  await expect(page.getByTestId('model-manager')).toBeInViewport();
  await page.screenshot({ path: path.join(shots, 'panel-no-lama.png') });
});

test('the default panel is short: the fill, Auto-correct on, one switch per correction', async () => {
  const panel = page.getByTestId('settings-panel');
  await expect(page.getByTestId('stage-toggle-auto')).toBeChecked();
  await expect(page.getByTestId('stage-toggle-lama')).toBeChecked();
  for (const name of ['blockmatch', 'texture', 'color'])
    await expect(page.getByTestId(`stage-toggle-${name}`)).not.toBeChecked();
  await expect(page.getByTestId('param-lama-engine')).toBeVisible();
  await expect(page.getByTestId('auto-summary')).toBeVisible();
  // Nothing of Advanced is shown: no LaMa sizing, feather or colour weights.
  await expect(page.getByTestId('advanced')).toHaveCount(0);
  await expect(page.getByTestId('param-lama-feather')).toHaveCount(0);
  await expect(page.getByTestId('param-lama-sizing')).toHaveCount(0);
  const controls = await panel.locator('.param:visible').count();
  expect(controls).toBeLessThanOrEqual(4);
  // A correction switched on shows at most two plain sliders (no range line).
  await page.getByTestId('stage-toggle-color').check({ force: true });
  const color = page.getByTestId('correction-color');
  const sliders = color.locator('input[type="range"]');
  expect(await sliders.count()).toBeGreaterThanOrEqual(1);
  expect(await sliders.count()).toBeLessThanOrEqual(2);
  await expect(color.locator('.range')).toHaveCount(0);
  await page.getByTestId('stage-toggle-color').uncheck({ force: true });
  // A checkbox shows its label once.
  const row = page.getByTestId('param-auto-color-row');
  if ((await row.count()) > 0) {
    const label = (await row.locator('label').first().innerText()).trim();
    const text = await row.innerText();
    expect(text.split(label).length - 1).toBe(1);
  }
  await page.screenshot({ path: path.join(shots, 'panel-default.png') });
});

test('help is short; the rest is behind More', async () => {
  const row = page.getByTestId('param-lama-engine-row');
  const tip = (await row.getAttribute('title')) ?? '';
  expect(tip.length).toBeGreaterThan(0);
  expect(tip.length).toBeLessThanOrEqual(120);
  await page.getByTestId('param-lama-engine-more-toggle').click();
  await expect(page.getByTestId('param-lama-engine-more')).toContainText('embedded');
  await page.getByTestId('param-lama-engine-more-toggle').click();
  await expect(page.getByTestId('param-lama-engine-more')).toHaveCount(0);
});

test('Advanced expands to every stage, and hides the settings that do not apply', async () => {
  await page.getByTestId('advanced-toggle').click();
  await expect(page.getByTestId('advanced')).toBeVisible();
  for (const name of ['lama', 'blockmatch', 'texture', 'color', 'auto'])
    await expect(page.getByTestId(`stage-${name}`)).toHaveCount(1);
  // LaMa's card is open (the stage is on): Sizing Auto hides regions, batch and multi-scale settings.
  await expect(page.getByTestId('param-lama-feather')).toBeVisible();
  const sizing = page.getByTestId('param-lama-sizing');
  await expect(sizing).toHaveValue('auto');
  for (const p of ['batchSize', 'mergeDistance', 'contextMargin', 'coarseScale', 'crossover'])
    await expect(page.getByTestId(`param-lama-${p}-row`)).toHaveCount(0);
  await expect(page.getByTestId('stage-lama-hidden')).toBeVisible();
  await sizing.selectOption('regions');
  await expect(page.getByTestId('param-lama-batchSize')).toBeVisible();
  await expect(page.getByTestId('param-lama-mergeDistance')).toBeVisible();
  await expect(page.getByTestId('param-lama-coarseScale-row')).toHaveCount(0);
  await sizing.selectOption('multiscale');
  await expect(page.getByTestId('param-lama-coarseScale')).toBeVisible();
  await expect(page.getByTestId('param-lama-crossover')).toBeVisible();
  await expect(page.getByTestId('param-lama-batchSize-row')).toHaveCount(0);
  await page.getByTestId('param-lama-multiscaleVariant').selectOption('plain');
  await expect(page.getByTestId('param-lama-crossover-row')).toHaveCount(0);
  await page.screenshot({ path: path.join(shots, 'panel-advanced.png') });
  await page.getByTestId('param-lama-multiscaleVariant-reset').click();
  await page.getByTestId('param-lama-sizing-reset').click();
  await expect(page.getByTestId('param-lama-batchSize-row')).toHaveCount(0);

  // Texture: Adam's step size only with Adam; VGG19 pooling only with VGG19.
  await page.getByTestId('stage-toggle-texture').check({ force: true });
  const texture = page.getByTestId('stage-texture');
  // Turning the stage on opens its card (an effect, after the switch's render): wait for it rather than
  // clicking the title, which would close a card that opened meanwhile.
  await expect(texture.locator('.stage-title')).toHaveAttribute('aria-expanded', 'true');
  // Iterations is in the short panel (the correction's slider), not again under Advanced.
  await expect(page.getByTestId('correction-texture').getByTestId('param-texture-iterations')).toBeVisible();
  await expect(texture.getByTestId('param-texture-iterations-row')).toHaveCount(0);
  await expect(page.getByTestId('param-texture-learningRate-row')).toHaveCount(0);
  await expect(page.getByTestId('param-texture-pooling-row')).toHaveCount(0);
  await page.getByTestId('param-texture-optimizer').selectOption('adam');
  await expect(page.getByTestId('param-texture-learningRate-row')).toHaveCount(1);
  await page.getByTestId('param-texture-network').selectOption('vgg19');
  await expect(page.getByTestId('param-texture-pooling-row')).toHaveCount(1);
  await page.getByTestId('param-texture-optimizer-reset').click();
  await page.getByTestId('param-texture-network-reset').click();
  await expect(page.getByTestId('param-texture-learningRate-row')).toHaveCount(0);
  await page.getByTestId('stage-toggle-texture').uncheck({ force: true });
  await page.getByTestId('advanced-toggle').click();
  await expect(page.getByTestId('advanced')).toHaveCount(0);
});

test("a stage's More is a disclosure: a button with aria-expanded, worked by the keyboard", async () => {
  await page.getByTestId('advanced-toggle').click();
  const card = page.getByTestId('stage-lama');
  const toggle = card.getByTestId('stage-lama-more-toggle');
  const rest = card.getByTestId('stage-lama-more');
  await expect(toggle).toBeVisible();
  // A real button, closed at first, naming the text it controls; that text is out of sight.
  expect(await toggle.evaluate((el) => el.tagName)).toBe('BUTTON');
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  await expect(toggle).toHaveAttribute('aria-controls', 'stage-lama-more');
  await expect(toggle).toHaveAccessibleName(/^More about /);
  await expect(rest).toBeHidden();
  // Tab reaches it from the card's title; Enter opens it, Space closes it.
  await card.locator('.stage-title').focus();
  await page.keyboard.press('Tab');
  await expect(toggle).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
  await expect(toggle).toHaveAccessibleName(/^Less about /);
  await expect(rest).toBeVisible();
  await expect(rest).toContainText('multi-scale');
  // The first sentence stays where it was; the rest is a block of its own below the button.
  await expect(card.getByTestId('stage-lama-description').locator('p')).toHaveCount(1);
  await page.keyboard.press(' ');
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  await expect(rest).toBeHidden();
  await expect(toggle).toBeFocused();
  // Clicked with the mouse, it opens too; Enter then stays the editor's (Apply), as after clicking Run.
  await toggle.evaluate((el) => (el as HTMLElement).blur());
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
  await page.keyboard.press('Enter');
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
  await page.getByTestId('advanced-toggle').click();
  await expect(page.getByTestId('advanced')).toHaveCount(0);
});

test('a run fills with the embedded fill, Auto-correct runs after it and says what it did', async () => {
  const scene = path.join(host.dir, 'scene.png');
  await writeScene(scene);
  await page.getByTestId('open-input').setInputFiles(scene);
  await expect(page.getByTestId('status-image')).toContainText('640×420');
  await page.getByTestId('zoom-fit').click();
  for (let i = 0; i < 3; i++) await page.keyboard.press(']');
  await paintStroke(page, (POST.x0 + POST.x1) / 2, POST.y0 - 10, POST.y1 + 10);
  await page.getByTestId('run-button').click();
  const s = await waitForRun(page, null);
  expect(s.run.stages.map((x) => x.name)).toEqual(['lama', 'auto']);
  // The panel says what the CLI says: the info's codes in app/contract/stageInfoText.ts's words.
  const summary = describeStage('auto', s.run.stages[1].info)?.summary ?? '';
  expect(summary).toMatch(/^1 hole: /);
  await expect(page.getByTestId('auto-summary')).toHaveText(summary);
  // "Fill: embedded" says why.
  const fill = page.getByTestId('status-fill');
  await expect(fill).toHaveText('Fill: embedded');
  await expect(fill).toHaveAttribute('title', /because LaMa is not installed/);
  await page.mouse.move(1100, 60);
  await page.screenshot({ path: path.join(shots, 'panel-after-run.png') });
});

test('Download shows progress and Cancel; a failed download says what to do, in the editor', async () => {
  await page.getByTestId('lama-panel-download').click();
  const progress = page.getByTestId('lama-panel-progress');
  await expect(progress).toBeVisible();
  await expect
    .poll(async () => Number(await progress.getAttribute('value')), { timeout: 20_000 })
    .toBeGreaterThan(0);
  await expect(page.getByTestId('lama-panel-percent')).toHaveText(/^\d+% of \d/);
  await page.getByTestId('lama-panel-cancel').click();
  await expect(page.getByTestId('notice')).toHaveText('Download cancelled.');
  await expect(progress).toHaveCount(0);

  serve = 'missing';
  await page.getByTestId('lama-panel-download').click();
  const failure = page.getByTestId('lama-panel-failure');
  await expect(failure).toBeVisible({ timeout: 30_000 });
  const shown = await page.getByTestId('lama-panel-status').innerText();
  expect(shown).toMatch(/Retry/);
  expect(shown).toMatch(/Import/);
  expect(shown).toMatch(/embedded fill/);
  expect(shown).not.toMatch(/inpaint-studio|models download|\/tmp|[A-Za-z]:\\|\.partial/);
  expect(await page.getByTestId('notice').innerText()).not.toMatch(/inpaint-studio|\/tmp/);
  await expect(page.getByTestId('lama-panel-download')).toContainText('Retry');
  await expect(page.getByTestId('lama-panel-import')).toBeVisible();
  await page.screenshot({ path: path.join(shots, 'panel-download-failed.png') });
  // Work offline: the notices go away and the embedded fill stays in use.
  await page.getByTestId('lama-panel-offline').click();
  await expect(page.getByTestId('lama-panel-failure')).toHaveCount(0);
  await expect(page.getByTestId('lama-banner')).toHaveCount(0);
  await expect(page.getByTestId('lama-panel-status')).toContainText('Working offline');
});
