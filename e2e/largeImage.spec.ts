/**
 * Progress and large images (issue 15 §7) in Chromium against the browser host: a 17.9 MP photo's
 * display copy is made without blocking the page, the run bar says done only once the result is on
 * screen, the toolbar keeps one line at 1280 px, and the run bar keeps its height through a run.
 * The large photo is generated here with sharp (nothing big is committed).
 */
import path from 'node:path';
import sharp from 'sharp';
import { expect, test, type Page } from '@playwright/test';
import { SCENE } from './fixtures/scene';
import { paintStroke } from './page';
import { startHarness, type Harness } from './harness';

test.describe.configure({ mode: 'serial', timeout: 180_000 });

let h: Harness;
let page: Page;
const LARGE = { width: 5184, height: 3456 };

/** The page's editor; the same name is defined in the page (beforeAll) for the functions run there. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const editorOf = () => (window as any).inpaintStudio.editor;

test.beforeAll(async ({ browser }) => {
  h = await startHarness();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(h.host.url);
  await expect(page.getByTestId('statusbar')).toContainText('Engine');
  await page.evaluate(() => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    (window as any).editorOf = () => (window as any).inpaintStudio.editor;
  });
});

test.afterAll(async () => {
  await page?.close();
  await h?.close();
});

/** Opens a file with the page's file input; over unexported work the editor asks first (discard). */
async function openFile(file: string): Promise<void> {
  await page.getByTestId('open-input').setInputFiles(file);
  await page
    .getByRole('button', { name: 'Discard and open' })
    .click({ timeout: 3000 })
    .catch(() => {});
}

async function snapshot<T>(pick: string): Promise<T> {
  return page.evaluate((key) => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const s = (window as any).inpaintStudio.editor.getSnapshot();
    return key.split('.').reduce((o: Record<string, unknown>, k) => o?.[k] as Record<string, unknown>, s);
  }, pick) as Promise<T>;
}

test('a 17.9 MP photo: frames go on while its display copy is made, then it is on screen', async () => {
  const file = path.join(h.dir, 'large.jpg');
  const { width: W, height: H } = LARGE;
  const px = Buffer.alloc(W * H * 3);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const i = (y * W + x) * 3;
      px[i] = (x * 255) / W;
      px[i + 1] = (y * 255) / H;
      px[i + 2] = 96;
    }
  await sharp(px, { raw: { width: W, height: H, channels: 3 } })
    .jpeg({ quality: 88 })
    .toFile(file);
  // Counts animation frames between the display copy's "loading" and "ready" (the old code put the
  // 72 MB of pixels into a canvas in one task: no frame could run in between).
  await page.evaluate(() => {
    const host = document.querySelector<HTMLElement>('[data-testid="canvas-host"]')!;
    const m = { frames: 0, loading: false, ready: false, framesWhileLoading: 0 };
    (window as unknown as { __m: typeof m }).__m = m;
    new MutationObserver(() => {
      if (host.dataset.display === 'loading') m.loading = true;
      if (host.dataset.display === 'ready' && m.loading) {
        m.ready = true;
        m.framesWhileLoading = m.frames;
      }
    }).observe(host, { attributes: true, attributeFilter: ['data-display'] });
    const tick = () => {
      if (m.loading && !m.ready) m.frames++;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  await openFile(file);
  await expect.poll(() => snapshot<number>('doc.width'), { timeout: 120_000 }).toBe(W);
  await expect(page.getByTestId('canvas-host')).toHaveAttribute('data-display', 'ready', {
    timeout: 120_000,
  });
  const m = await page.evaluate(() => (window as unknown as { __m: { framesWhileLoading: number } }).__m);
  expect(m.framesWhileLoading).toBeGreaterThanOrEqual(2);
  // The picture is on screen: the canvas centre shows the photo's colours, not the empty background.
  const box = (await page.getByTestId('canvas-host').boundingBox())!;
  const shot = await page.screenshot({
    clip: { x: box.x + box.width / 2 - 2, y: box.y + box.height / 2 - 2, width: 4, height: 4 },
  });
  const { data } = await sharp(shot).raw().toBuffer({ resolveWithObject: true });
  // Centre of the gradient: about (128, 128, 96); the empty canvas is (27, 29, 33).
  expect(Math.abs(data[0] - 128)).toBeLessThan(30);
  expect(Math.abs(data[1] - 128)).toBeLessThan(30);
  // A stroke right after: painted into the mask at once.
  await page.getByTestId('tool-brush').click();
  await page.mouse.move(box.x + 300, box.y + 200);
  await page.mouse.down();
  await page.mouse.move(box.x + 340, box.y + 220);
  await page.mouse.up();
  expect(await page.evaluate(() => editorOf().mask.mask.area())).toBeGreaterThan(0);
});

test('the run bar says done only once the result is drawn on the canvas', async () => {
  await openFile(h.scenePath);
  // The engine (in this process) may still be busy with the large photo it is closing.
  await expect.poll(() => snapshot<number>('doc.width'), { timeout: 90_000 }).toBe(SCENE.width);
  await expect(page.getByTestId('canvas-host')).toHaveAttribute('data-display', 'ready');
  await page.getByTestId('zoom-fit').click();
  await paintStroke(page, 390, 160, 320);
  await page.evaluate(() => {
    const bar = document.querySelector<HTMLElement>('[data-testid="runbar"]')!;
    const host = document.querySelector<HTMLElement>('[data-testid="canvas-host"]')!;
    const seen: { status: string; drawn: string | undefined; version: number }[] = [];
    (window as unknown as { __seen: typeof seen }).__seen = seen;
    new MutationObserver(() =>
      seen.push({
        status: bar.dataset.status!,
        drawn: host.dataset.afterVersion,
        version: editorOf().getSnapshot().resultVersion,
      }),
    ).observe(bar, { attributes: true, attributeFilter: ['data-status'] });
  });
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('runbar')).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  const seen = await page.evaluate(
    () => (window as unknown as { __seen: { status: string; drawn: string; version: number }[] }).__seen,
  );
  const statuses = seen.map((s) => s.status);
  // Finished, then drawing, then done; at done the canvas holds the result's raster.
  expect(statuses.indexOf('drawing')).toBeGreaterThan(-1);
  expect(statuses.indexOf('drawing')).toBeLessThan(statuses.indexOf('done'));
  const done = seen.find((s) => s.status === 'done')!;
  expect(done.drawn).toBe(String(done.version));
  await expect(page.getByTestId('runbar')).toContainText('Total');
});

test('the toolbar keeps one line at 1280 px, and nothing in it is cut off', async () => {
  expect(page.viewportSize()!.width).toBe(1280);
  const layout = await page.getByTestId('toolbar').evaluate((bar) => {
    const boxes = Array.from(bar.children).map((c) => c.getBoundingClientRect());
    return {
      // One line: every item's vertical extent overlaps every other's.
      lowestTop: Math.max(...boxes.map((b) => b.top)),
      highestBottom: Math.min(...boxes.map((b) => b.bottom)),
      right: Math.max(...boxes.map((b) => b.right)),
      barRight: bar.getBoundingClientRect().right,
      scroll: bar.scrollWidth,
      client: bar.clientWidth,
    };
  });
  expect(layout.lowestTop).toBeLessThan(layout.highestBottom);
  expect(layout.scroll).toBeLessThanOrEqual(layout.client);
  expect(layout.right).toBeLessThanOrEqual(layout.barRight);
  // Tools still say what they are to assistive technology with their labels hidden.
  await expect(page.getByRole('button', { name: 'Lasso (L)' })).toBeVisible();
});

test('the run bar keeps its height before, during and after a run (the image does not jump)', async () => {
  // Every stage on: the most progress entries the bar shows.
  const names = await page.evaluate(() =>
    editorOf()
      .getSnapshot()
      .stageInfos.map((i: { name: string }) => i.name),
  );
  await page.evaluate((all) => {
    // No automatic re-run racing the Run below.
    editorOf().runs.setAutoRerun(false);
    for (const n of all) editorOf().runs.setStageEnabled(n, true);
  }, names);
  if ((await snapshot<number | undefined>('doc.width')) !== SCENE.width) {
    await openFile(h.scenePath);
    await expect.poll(() => snapshot<number>('doc.width'), { timeout: 90_000 }).toBe(SCENE.width);
  }
  if ((await page.evaluate(() => editorOf().mask.mask.area())) === 0) await paintStroke(page, 390, 160, 320);
  const bar = page.getByTestId('runbar');
  const canvasTop = async () => (await page.getByTestId('canvas-host').boundingBox())!.height;
  const before = { bar: (await bar.boundingBox())!.height, canvas: await canvasTop() };
  h.slowdown.ms = 2500;
  await page.getByTestId('run-button').click();
  await expect(bar).toHaveAttribute('data-status', 'running');
  const during = { bar: (await bar.boundingBox())!.height, canvas: await canvasTop() };
  // However it ends (done, or a stage that needs a model this machine lacks fails), the bar keeps its height.
  await expect(bar).not.toHaveAttribute('data-status', /running|drawing/, { timeout: 90_000 });
  const after = { bar: (await bar.boundingBox())!.height, canvas: await canvasTop() };
  h.slowdown.ms = 0;
  expect(during).toEqual(before);
  expect(after).toEqual(before);
});
