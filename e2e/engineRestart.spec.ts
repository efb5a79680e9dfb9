/**
 * The engine crashes mid-session and comes back: against the real browser host (the engine in its own
 * process), the test paints a mask, runs, then kills the engine process with SIGKILL. The page shows the
 * banner with the reason, Run is disabled while the host restarts the engine, the image and mask are
 * still there afterwards, and the next run works on the same image in the new process. (On the way, Grow
 * and Shrink in the page are checked against the engine's own morphology.) The banner's screenshot goes to
 * test-results/screens/ (and, with UPDATE_DOCS_SCREENSHOTS=1, to docs/editor-engine-restarted.png).
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { growMask } from '../app/image/morphology';
import { createMask } from '../app/image/types';
import { POST, SCENE, writeScene } from './fixtures/scene';
import { repoRoot } from './harness';
import { editorView, paintStroke, waitForRun } from './page';
import { processAlive, startWebHost, type WebHost } from './webHost';

test.describe.configure({ mode: 'serial' });

const shots = path.join(repoRoot, 'test-results', 'screens');
let host: WebHost;
let page: Page;
const pageErrors: string[] = [];
const engineStates: string[] = [];

test.beforeAll(async ({ browser }) => {
  mkdirSync(shots, { recursive: true });
  host = await startWebHost();
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('websocket', (ws) =>
    ws.on('framereceived', ({ payload }) => {
      if (typeof payload === 'string') return;
      // Frames are binary: [u32 JSON length][JSON]...; the state events carry no buffers.
      const len = payload.readUInt32LE(0);
      const msg = JSON.parse(payload.subarray(4, 4 + len).toString('utf8')) as {
        type: string;
        name?: string;
        payload?: { state?: string };
      };
      if (msg.type === 'event' && msg.name === 'onEngineState') engineStates.push(msg.payload!.state!);
    }),
  );
  const url = new URL(host.url);
  url.search = '?model=generated-lama-fixed-rgb';
  await page.goto(url.toString());
  await expect(page.getByTestId('status-engine')).toHaveText('● Engine');
});

test.afterAll(async () => {
  await page?.close();
  await host?.close();
  if (process.env.UPDATE_DOCS_SCREENSHOTS === '1')
    copyFileSync(
      path.join(shots, 'editor-engine-restarted.png'),
      path.join(repoRoot, 'docs', 'editor-engine-restarted.png'),
    );
  // The host stopped its engine process when it closed.
  for (const pid of host?.enginePids ?? [])
    await expect.poll(() => processAlive(pid), { timeout: 10_000 }).toBe(false);
});

test('kills the engine mid-session: banner, Run waits, image and mask survive, the next run works', async () => {
  const scene = path.join(host.dir, 'scene.png');
  await writeScene(scene);
  await page.getByTestId('open-input').setInputFiles(scene);
  await expect(page.getByTestId('status-image')).toContainText('640×420');
  await page.getByTestId('zoom-fit').click();
  for (let i = 0; i < 3; i++) await page.keyboard.press(']');
  await paintStroke(page, (POST.x0 + POST.x1) / 2, POST.y0 - 10, POST.y1 + 10);
  const painted = await editorView(page);
  expect(painted.maskArea).toBeGreaterThan((POST.x1 - POST.x0) * (POST.y1 - POST.y0));
  await page.getByTestId('run-button').click();
  const first = await waitForRun(page, null);
  expect(first.run.stages[0].info).toMatchObject({ engine: 'model' });
  expect(host.enginePids).toHaveLength(1);

  // Watch the Run button: it must be disabled while the engine restarts (however briefly).
  await page.evaluate(() => {
    const button = document.querySelector('[data-testid="run-button"]') as HTMLButtonElement;
    const seen: boolean[] = [];
    (window as unknown as { runDisabledSeen: boolean[] }).runDisabledSeen = seen;
    new MutationObserver(() => seen.push(button.disabled)).observe(button, { attributes: true });
  });

  const oldPid = host.enginePids[0];
  process.kill(oldPid, 'SIGKILL');
  const banner = page.getByTestId('engine-banner');
  await expect(banner).toContainText('The engine stopped (killed by SIGKILL)');
  await host.waitForOutput(/^Engine ready/);
  await expect(banner).toHaveAttribute('data-health', 'ready');
  await expect(banner).toHaveText(
    /The engine stopped \(killed by SIGKILL\); restarted — your image, mask and parameters are kept\./,
  );
  await page.mouse.move(1200, 88);
  await page.screenshot({ path: path.join(shots, 'editor-engine-restarted.png') });
  // The host tells a page the engine's state as it connects ('ready' here), then each change.
  expect(engineStates).toEqual(['ready', 'restarting', 'ready']);
  expect(host.enginePids).toHaveLength(2);
  expect(processAlive(oldPid)).toBe(false);
  const disabledSeen = await page.evaluate(
    () => (window as unknown as { runDisabledSeen: boolean[] }).runDisabledSeen,
  );
  expect(disabledSeen).toContain(true);
  await expect(page.getByTestId('run-button')).toBeEnabled();
  await expect(page.getByTestId('status-engine')).toHaveText('● Engine');

  // The image and the mask are still the page's: same image id (the host maps it), same mask.
  const after = await editorView(page);
  expect(after.imageId).toBe(painted.imageId);
  expect(after.maskArea).toBe(painted.maskArea);
  expect(after.engineHealth).toBe('ready');
  // The old result died with the old process: nothing to export until the next run.
  expect(after.run.resultId).toBeNull();
  await expect(page.getByTestId('export-button')).toBeDisabled();
  await expect(page.getByTestId('status-image')).toContainText('640×420');

  // The next run works, in the new process, on the same image.
  await page.getByTestId('run-button').click();
  const second = await waitForRun(page, first.run.jobId);
  expect(second.run.stages[0].info).toMatchObject({ engine: 'model' });
  expect(second.run.resultId).not.toBeNull();
  await expect(page.getByTestId('export-button')).toBeEnabled();
  // Grow in the page gives exactly what the engine's own morphology gives for the same hole.
  const hole = async () =>
    new Uint8Array(
      await page.evaluate(() =>
        Array.from(
          (
            window as unknown as { inpaintStudio: { editor: { mask: { mask: { binary(): Uint8Array } } } } }
          ).inpaintStudio.editor.mask.mask.binary(),
        ),
      ),
    );
  const beforeGrow = await hole();
  await page.getByTestId('mask-grow').click();
  const grown = await hole();
  const engineGrown = growMask(createMask(SCENE.width, SCENE.height, beforeGrow), 8).data;
  expect(Buffer.from(grown).equals(Buffer.from(engineGrown))).toBe(true);
  await page.getByTestId('mask-shrink').click();
  const shrunk = await hole();
  const engineShrunk = growMask(createMask(SCENE.width, SCENE.height, grown), -8).data;
  expect(Buffer.from(shrunk).equals(Buffer.from(engineShrunk))).toBe(true);

  await page.getByTestId('engine-banner-close').click();
  await expect(banner).toHaveCount(0);
  expect(pageErrors).toEqual([]);
});

test('after a crash loop the banner offers Restart engine, which brings the engine back with the image', async () => {
  const before = await editorView(page);
  const banner = page.getByTestId('engine-banner');
  // Kill each engine process as it starts until the host gives up (more than 4 crashes in a minute).
  for (let i = 0; i < 8 && engineStates.at(-1) !== 'failed'; i++) {
    const n = host.enginePids.length;
    process.kill(host.enginePids[n - 1], 'SIGKILL');
    await expect
      .poll(() => engineStates.at(-1) === 'failed' || host.enginePids.length > n, { timeout: 20_000 })
      .toBe(true);
  }
  await expect(banner).toHaveAttribute('data-health', 'failed');
  await expect(banner).toContainText('keeps crashing');
  const pids = host.enginePids.length;
  await page.getByTestId('engine-banner-restart').click();
  await expect(banner).toHaveAttribute('data-health', 'ready');
  expect(host.enginePids).toHaveLength(pids + 1);
  await expect(page.getByTestId('engine-banner-restart')).toHaveCount(0);
  // The host re-opened the page's image in the new process: same image, same mask, and a run works.
  const after = await editorView(page);
  expect(after.imageId).toBe(before.imageId);
  expect(after.maskArea).toBe(before.maskArea);
  await page.getByTestId('run-button').click();
  const run = await waitForRun(page, before.run.jobId);
  expect(run.run.resultId).not.toBeNull();
  expect(pageErrors).toEqual([]);
});
