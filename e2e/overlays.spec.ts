/**
 * Issue 15 §4 end to end: after a run with block matching and colour correction, the canvas's Overlays
 * menu draws the picked rectangles (LaMa's context crop, the colour reference), block matching's
 * sources as arrows and a label per hole, each on its own switch, on the overlay layer — and nothing
 * while the switches are off. Screenshots go to test-results/screens/overlays-*.png.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { fitTransform, toView } from '../renderer/canvas/viewport';
import { POST, SCENE } from './fixtures/scene';
import { repoRoot, startHarness, type Harness } from './harness';
import { waitForRun } from './page';

test.describe.configure({ mode: 'serial' });

const shots = path.join(repoRoot, 'test-results', 'screens');
let h: Harness;
let page: Page;
const pageErrors: string[] = [];

type Rect = { x: number; y: number; width: number; height: number };

/** The overlay layer's view transform: the view fitted to the canvas host (the toolbar's Fit). */
async function viewTransform() {
  const box = (await page.getByTestId('canvas-host').boundingBox())!;
  return fitTransform(SCENE.width, SCENE.height, Math.floor(box.width), Math.floor(box.height));
}

/** Opaque pixels of the overlay layer along a rectangle's border (image px), out of those sampled. */
async function inkOnBorder(r: Rect): Promise<{ inked: number; sampled: number }> {
  const t = await viewTransform();
  const pts: { x: number; y: number }[] = [];
  for (let i = 0; i <= 20; i++) {
    const fx = r.x + (r.width * i) / 20,
      fy = r.y + (r.height * i) / 20;
    for (const [x, y] of [
      [fx, r.y],
      [fx, r.y + r.height],
      [r.x, fy],
      [r.x + r.width, fy],
    ])
      pts.push(toView(t, x, y));
  }
  return inkAt(pts);
}

/** How many of the view points (CSS px) have ink on the overlay layer (within 1 px). */
function inkAt(pts: { x: number; y: number }[]): Promise<{ inked: number; sampled: number }> {
  return page.evaluate((points) => {
    const c = document.querySelector('[data-testid="overlay-canvas"]') as HTMLCanvasElement;
    const ctx = c.getContext('2d')!;
    const dpr = c.width / c.clientWidth;
    let inked = 0;
    for (const p of points) {
      const d = ctx.getImageData(Math.round(p.x * dpr) - 1, Math.round(p.y * dpr) - 1, 3, 3).data;
      let a = 0;
      for (let i = 3; i < d.length; i += 4) a = Math.max(a, d[i]);
      if (a > 100) inked++;
    }
    return { inked, sampled: points.length };
  }, pts);
}

/** Every opaque pixel of the overlay layer. */
function totalInk(): Promise<number> {
  return page.evaluate(() => {
    const c = document.querySelector('[data-testid="overlay-canvas"]') as HTMLCanvasElement;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] > 100) n++;
    return n;
  });
}

type StageView = { name: string; info?: Record<string, unknown> };
function stagesOf(): Promise<StageView[]> {
  return page.evaluate(
    () =>
      (
        window as unknown as {
          inpaintStudio: { editor: { getSnapshot(): { run: { stages: StageView[] } } } };
        }
      ).inpaintStudio.editor.getSnapshot().run.stages,
  );
}

test.beforeAll(async ({ browser }) => {
  mkdirSync(shots, { recursive: true });
  h = await startHarness();
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(m.text());
  });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(h.host.url);
  await expect(page.getByTestId('statusbar')).toContainText('Engine');
});

test.afterAll(async () => {
  await page?.close();
  await h?.close();
});

test('overlay switches draw the picked rectangles, the block sources and the hole labels after a run', async () => {
  await page.getByTestId('open-input').setInputFiles(h.scenePath);
  await expect(page.getByTestId('status-image')).toContainText('640×420');
  await page.getByTestId('zoom-fit').click();
  // The post as the hole (the rectangle tool, through the editor as a drag would), then a run with
  // LaMa in regions (a context crop), block matching (sources, the reference) and colour.
  await page.evaluate(
    ([x0, y0, x1, y1]) => {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const editor = (window as any).inpaintStudio.editor;
      editor.masking.setTool('rect');
      editor.pointerDown({ x: x0, y: y0 });
      editor.pointerMove({ x: x1, y: y1 });
      editor.pointerUp({ x: x1, y: y1 });
      editor.runs.setParam('lama', 'sizing', 'regions');
      editor.runs.setStageEnabled('blockmatch', true);
      editor.runs.setStageEnabled('color', true);
      // Colour takes block matching's region only when it holds the ring's colours, else the ring (no
      // rectangle): a chosen reference region is always drawn.
      editor.runs.setParam('color', 'referenceRect', { x: 8, y: 8, width: 96, height: 64 });
    },
    [POST.x0 - 4, POST.y0 - 4, POST.x1 + 4, POST.y1 + 4],
  );
  const before = await page.evaluate(
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    () => (window as any).inpaintStudio.editor.getSnapshot().run.jobId as string | null,
  );
  await page.getByTestId('run-button').click();
  await waitForRun(page, before);
  await page.mouse.move(1430, 890); // no brush cursor over the image

  const stages = await stagesOf();
  const crop = (stages.find((s) => s.name === 'lama')!.info!.crops as Rect[])[0];
  const reference = (stages.find((s) => s.name === 'color')!.info!.reference as { rect?: Rect }).rect!;
  const sources = stages.find((s) => s.name === 'blockmatch')!.info!.sources as {
    blockSize: number;
    blocks: number[];
  };
  expect(crop.width).toBeGreaterThan(0);
  expect(reference.width).toBeGreaterThan(0);
  expect(sources.blocks.length).toBeGreaterThan(0);

  // All switches off: nothing drawn.
  await expect(page.getByTestId('overlay-menu')).toBeVisible();
  await page.getByTestId('overlay-menu').locator('summary').click();
  await expect(page.getByTestId('overlay-rects')).not.toBeChecked();
  expect(await totalInk()).toBe(0);
  expect((await inkOnBorder(reference)).inked).toBe(0);

  // Picked rectangles: the context crop and the reference are outlined.
  await page.getByTestId('overlay-rects').check();
  await expect.poll(async () => (await inkOnBorder(reference)).inked).toBeGreaterThan(60);
  const c = await inkOnBorder(crop);
  expect(c.inked / c.sampled).toBeGreaterThan(0.6);
  await expect(page.getByTestId('overlay-menu')).toContainText('Colour reference');
  await page.screenshot({ path: path.join(shots, 'overlays-rects.png') });

  // Block sources: an arrow from each matched hole block (its outline is drawn) to its source.
  await page.getByTestId('overlay-rects').uncheck();
  await expect.poll(totalInk).toBe(0);
  await page.getByTestId('overlay-sources').check();
  const b = sources.blocks;
  const matched: Rect[] = [];
  for (let i = 0; i < b.length; i += 5)
    if (b[i + 2] >= 0)
      matched.push({ x: b[i], y: b[i + 1], width: sources.blockSize, height: sources.blockSize });
  expect(matched.length).toBeGreaterThan(0);
  await expect.poll(async () => (await inkOnBorder(matched[0])).inked).toBeGreaterThan(40);
  await page.screenshot({ path: path.join(shots, 'overlays-sources.png') });

  // Hole labels: a pill above the hole.
  await page.getByTestId('overlay-sources').uncheck();
  await page.getByTestId('overlay-labels').check();
  const t = await viewTransform();
  const top = toView(t, (POST.x0 + POST.x1) / 2, POST.y0 - 4);
  await expect.poll(async () => (await inkAt([{ x: top.x, y: top.y - 12 }])).inked).toBe(1);
  await page.screenshot({ path: path.join(shots, 'overlays-labels.png') });

  expect(pageErrors).toEqual([]);
});
