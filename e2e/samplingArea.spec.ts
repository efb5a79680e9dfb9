/**
 * Issue 15 §4 end to end: the paintable sampling area, as Content-Aware Fill's. The Sampling area tool (A)
 * brushes in where the fill may sample from (its green tint shows it); Run sends it as `sampling` with
 * exactly the painted pixels; a reload brings it back from the session; "Sample from anywhere" clears it
 * and the next run sends none. Screenshots: test-results/screens/sampling-*.png.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { POST, SCENE } from './fixtures/scene';
import { decodeEngineFrame, repoRoot, startHarness, type Harness } from './harness';
import { paintStroke, sceneToPage, waitForRun } from './page';

test.describe.configure({ mode: 'serial' });

const shots = path.join(repoRoot, 'test-results', 'screens');
let h: Harness;
let page: Page;
const pageErrors: string[] = [];
/** Requests the page sent to the engine. */
const sent: { method: string; params: Record<string, unknown> }[] = [];

/** The bytes of a mask as the engine received it (an ArrayBuffer or a view, as the frame decodes). */
function bytesOf(data: unknown): Uint8Array {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  const v = data as ArrayBufferView;
  return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
}

function lastRun(): {
  mask: Uint8Array;
  sampling: { width: number; height: number; data: Uint8Array } | null;
} {
  const r = sent.filter((m) => m.method === 'run').at(-1)!;
  const s = r.params.sampling as { width: number; height: number; data: unknown } | undefined;
  return {
    mask: bytesOf((r.params.mask as { data: unknown }).data),
    sampling: s ? { width: s.width, height: s.height, data: bytesOf(s.data) } : null,
  };
}

/** The editor's own sampling area (what it would send; null: anywhere) and whether it says one is set. */
function editorSampling(): Promise<{ set: boolean; bytes: number[] | null }> {
  return page.evaluate(() => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const editor = (window as any).inpaintStudio.editor;
    const m = editor.mask.samplingMask();
    return { set: editor.getSnapshot().samplingSet, bytes: m ? Array.from(new Uint8Array(m.data)) : null };
  });
}

function lastJob(): Promise<string | null> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return page.evaluate(() => (window as any).inpaintStudio.editor.getSnapshot().run.jobId);
}

/** Where the sampling stroke goes: down the grass left of the post. */
const STROKE = { x: 300, y0: 300, y1: 400 };

test.beforeAll(async ({ browser }) => {
  mkdirSync(shots, { recursive: true });
  h = await startHarness();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(m.text());
  });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('websocket', (ws) => {
    ws.on('framesent', ({ payload }) => {
      const m = decodeEngineFrame(payload) as unknown as { type?: string; method?: string; params?: unknown };
      if (m?.type === 'request' && m.method)
        sent.push({ method: m.method, params: (m.params ?? {}) as Record<string, unknown> });
    });
  });
  await page.goto(h.host.url);
  await expect(page.getByTestId('statusbar')).toContainText('Engine');
  await page.getByTestId('open-input').setInputFiles(h.scenePath);
  await expect(page.getByTestId('status-image')).toContainText(`${SCENE.width}×${SCENE.height}`);
  await expect(page.getByTestId('canvas-host')).toHaveAttribute('data-display', 'ready');
});

test.afterAll(async () => {
  await page?.close();
  await h?.close();
});

test('the Sampling area tool (A) paints a tinted area; Run sends it as `sampling` with the painted pixels', async () => {
  // The hole: the signpost.
  await paintStroke(page, (POST.x0 + POST.x1) / 2, POST.y0 + 4, POST.y1 - 4);
  // A runs the Sampling area tool; its button says so, and the mask bar's Include is pressed. The mask
  // bar keeps its height (the image does not move as the tool changes).
  const barHeight = () => page.locator('.maskbar').evaluate((b) => b.getBoundingClientRect().height);
  const heightBefore = await barHeight();
  await expect(page.getByTestId('sampling-include')).toHaveAttribute('aria-pressed', 'false');
  await page.keyboard.press('a');
  expect(await barHeight()).toBe(heightBefore);
  // One line at 1280 px: every item's vertical extent overlaps every other's.
  const lines = await page.locator('.maskbar').evaluate((bar) => {
    const boxes = Array.from(bar.children)
      .map((c) => c.getBoundingClientRect())
      .filter((b) => b.width > 0);
    return {
      lowestTop: Math.max(...boxes.map((b) => b.top)),
      highestBottom: Math.min(...boxes.map((b) => b.bottom)),
    };
  });
  expect(lines.lowestTop).toBeLessThan(lines.highestBottom);
  await expect(page.getByTestId('tool-sampling')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('sampling-include')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('sampling-reset')).toBeDisabled();
  expect((await editorSampling()).set).toBe(false);

  await paintStroke(page, STROKE.x, STROKE.y0, STROKE.y1);
  const area = await editorSampling();
  expect(area.set).toBe(true);
  const at = (x: number, y: number) => area.bytes![y * SCENE.width + x];
  expect(at(STROKE.x, 350)).toBeGreaterThanOrEqual(128);
  expect(at(100, 100)).toBeLessThan(128); // the sky: not painted, so not to sample from
  expect(at(600, 350)).toBeLessThan(128);
  // The tint is on screen, over the stroke and not elsewhere.
  const layer = page.getByTestId('sampling-layer');
  await expect(layer).toHaveAttribute('data-set', 'true');
  await expect(layer).toBeVisible();
  await expect(page.getByTestId('sampling-reset')).toBeEnabled();
  // The tint's own pixels: drawn over the stroke, nothing over the sky or the far grass.
  const tintAt = async (x: number, y: number) => {
    const p = await sceneToPage(page, x, y);
    return layer.evaluate(
      (c, q) => {
        const canvas = c as HTMLCanvasElement;
        const r = canvas.getBoundingClientRect();
        const k = canvas.width / r.width;
        const px = canvas
          .getContext('2d')!
          .getImageData(Math.round((q.x - r.left) * k), Math.round((q.y - r.top) * k), 1, 1).data;
        return Array.from(px);
      },
      { x: p.x, y: p.y },
    );
  };
  const onStroke = await tintAt(STROKE.x, 350);
  expect(onStroke[3]).toBeGreaterThan(200);
  expect(onStroke[2]).toBeGreaterThan(onStroke[1]); // violet: more blue than green
  expect((await tintAt(100, 100))[3]).toBe(0);
  expect((await tintAt(600, 350))[3]).toBe(0);
  await page.screenshot({ path: path.join(shots, 'sampling-painted.png') });

  // The toolbar still keeps one line at 1280 px with the new tool.
  const bar = await page
    .getByTestId('toolbar')
    .evaluate((b) => ({ scroll: b.scrollWidth, client: b.clientWidth }));
  expect(bar.scroll).toBeLessThanOrEqual(bar.client);

  const job = await lastJob();
  await page.getByTestId('run-button').click();
  const v = await waitForRun(page, job);
  expect(v.run.status).toBe('done');
  const run = lastRun();
  expect(run.sampling).not.toBeNull();
  expect(run.sampling!.width).toBe(SCENE.width);
  expect(run.sampling!.height).toBe(SCENE.height);
  // Exactly the painted pixels (as the editor holds them), and the hole is still the hole.
  const sentAllowed = Array.from(run.sampling!.data, (b) => b >= 128);
  expect(sentAllowed).toEqual(area.bytes!.map((b) => b >= 128));
  expect(run.mask[((POST.y0 + POST.y1) >> 1) * SCENE.width + ((POST.x0 + POST.x1) >> 1)]).toBe(1);
  await page.screenshot({ path: path.join(shots, 'sampling-result.png') });
});

test('the tint is toggled with the other overlays', async () => {
  await page.getByTestId('overlay-menu').locator('summary').click();
  const toggle = page.getByTestId('overlay-sampling');
  await expect(toggle).toBeChecked();
  await toggle.uncheck();
  await expect(page.getByTestId('sampling-layer')).toBeHidden();
  await toggle.check();
  await expect(page.getByTestId('sampling-layer')).toBeVisible();
  await page.getByTestId('overlay-menu').locator('summary').click();
});

test('a reload brings the sampling area back from the session', async () => {
  const before = await editorSampling();
  // The session goes to the engine a moment after the last change.
  await page.waitForTimeout(1000);
  page.once('dialog', (d) => void d.accept());
  await page.reload();
  await expect(page.getByTestId('status-image')).toContainText(`${SCENE.width}×${SCENE.height}`);
  await page.waitForFunction(() =>
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    Boolean((window as any).inpaintStudio.editor.getSnapshot().samplingSet),
  );
  const after = await editorSampling();
  expect(after.set).toBe(true);
  expect(after.bytes!.map((b) => b >= 128)).toEqual(before.bytes!.map((b) => b >= 128));
  await expect(page.getByTestId('sampling-layer')).toHaveAttribute('data-set', 'true');
  await expect(page.getByTestId('sampling-layer')).toBeVisible();
  await page.screenshot({ path: path.join(shots, 'sampling-reloaded.png') });
});

test('"Sample from anywhere" clears it; the next run sends no `sampling`; undo brings it back', async () => {
  // The reset shows whenever an area is set, whatever the tool.
  await page.keyboard.press('b');
  await page.getByTestId('sampling-reset').click();
  expect(await editorSampling()).toEqual({ set: false, bytes: null });
  await expect(page.getByTestId('sampling-layer')).toBeHidden();
  await expect(page.getByTestId('statusbar')).toContainText('anywhere');

  const job = await lastJob();
  await page.getByTestId('run-button').click();
  await waitForRun(page, job);
  expect(lastRun().sampling).toBeNull();

  await page.keyboard.press('Control+z');
  expect((await editorSampling()).set).toBe(true);
  expect(pageErrors).toEqual([]);
});

test('Alt+drag with the tool excludes: an area that was anywhere loses the stroke', async () => {
  await page.getByTestId('sampling-reset').click();
  // The mask bar's Exclude picks the tool in exclude mode; Alt then includes, and back.
  await page.keyboard.press('b');
  await page.getByTestId('sampling-exclude').click();
  await expect(page.getByTestId('tool-sampling')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('sampling-exclude')).toHaveAttribute('aria-pressed', 'true');
  await page.getByTestId('sampling-include').click();
  await page.keyboard.down('Alt');
  await paintStroke(page, 560, 300, 400);
  await page.keyboard.up('Alt');
  const area = await editorSampling();
  expect(area.set).toBe(true);
  expect(area.bytes![350 * SCENE.width + 560]).toBeLessThan(128);
  expect(area.bytes![100 * SCENE.width + 100]).toBeGreaterThanOrEqual(128);
  await page.screenshot({ path: path.join(shots, 'sampling-excluded.png') });
  // The shortcut sheet lists the tool.
  await page.keyboard.press('?');
  await expect(page.getByRole('dialog')).toContainText('Sampling area brush');
  await page.keyboard.press('Escape');
  expect(pageErrors).toEqual([]);
});
