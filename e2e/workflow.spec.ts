/**
 * The retoucher's workflow end to end in Chromium against the browser host (issue 15, §1 and §5):
 * remove, Apply, remove again (the first fill stays), undo back to the previous base, the History list,
 * remove mode, export of the latest base, a reload that brings the session back, the red error that
 * goes with its cause, Delete as an undoable step, and the question before work is lost.
 * Screenshots go to test-results/screens/workflow-*.png.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { loadImage } from '../app/image/load';
import { drawScene, POST, SCENE } from './fixtures/scene';
import { repoRoot, startHarness, type Harness } from './harness';
import { paintStroke } from './page';

test.describe.configure({ mode: 'serial' });

const MODEL = 'generated-lama-fixed-rgb';
const shots = path.join(repoRoot, 'test-results', 'screens');
const pageErrors: string[] = [];
let h: Harness;
let page: Page;

type Box = { x0: number; y0: number; x1: number; y1: number };
/** The second hole: a patch of sky right of the sun; the third: grass on the left. */
const SKY: Box = { x0: 530, y0: 40, x1: 600, y1: 130 };
const GRASS: Box = { x0: 120, y0: 330, x1: 200, y1: 400 };

type View = {
  step: number;
  steps: string[];
  imageId: string | null;
  maskArea: number;
  runStatus: string;
  resultId: string | null;
  error: string | null;
  notice: string | null;
  feather: unknown;
  unsaved: boolean;
};

async function view(): Promise<View> {
  return page.evaluate(() => {
    const editor = (window as unknown as { inpaintStudio: { editor: any } }).inpaintStudio.editor; // eslint-disable-line @typescript-eslint/no-explicit-any
    const s = editor.getSnapshot();
    return {
      step: s.applied.step,
      steps: s.applied.steps,
      imageId: s.doc?.imageId ?? null,
      maskArea: editor.mask?.mask.area() ?? 0,
      runStatus: s.run.status,
      resultId: s.run.resultId,
      error: s.run.error?.message ?? null,
      notice: s.notice?.text ?? null,
      feather: s.stages.find((x: { name: string }) => x.name === 'lama')?.values.feather,
      unsaved: s.unsaved,
    };
  });
}

/** RGBA bytes of the editor's "before" (the base) or "after" (the result) raster inside a box. */
async function pixels(which: 'before' | 'after', box: Box): Promise<number[]> {
  // A raster's pixels are lent to the display worker while it makes the display copy (its buffer is
  // detached then): wait until they are back.
  await page.waitForFunction((w) => {
    const editor = (window as unknown as { inpaintStudio: { editor: any } }).inpaintStudio.editor; // eslint-disable-line @typescript-eslint/no-explicit-any
    const r = w === 'before' ? editor.beforeRaster : editor.afterRaster;
    return r !== null && r.rgba.byteLength > 0;
  }, which);
  return page.evaluate(
    ([w, b]) => {
      const editor = (window as unknown as { inpaintStudio: { editor: any } }).inpaintStudio.editor; // eslint-disable-line @typescript-eslint/no-explicit-any
      const r = w === 'before' ? editor.beforeRaster : editor.afterRaster;
      const d = new Uint8Array(r.rgba);
      const out: number[] = [];
      for (let y = b.y0; y < b.y1; y++)
        for (let x = b.x0; x < b.x1; x++) for (let c = 0; c < 3; c++) out.push(d[(y * r.width + x) * 4 + c]);
      return out;
    },
    [which, box] as const,
  );
}

/** FNV-1a hashes of the whole base raster and of the mask, computed in the page (they are large). */
async function hashes(): Promise<{ base: number; mask: number }> {
  return page.evaluate(() => {
    const editor = (window as unknown as { inpaintStudio: { editor: any } }).inpaintStudio.editor; // eslint-disable-line @typescript-eslint/no-explicit-any
    const fnv = (d: Uint8Array) => {
      let h = 0x811c9dc5;
      for (let i = 0; i < d.length; i++) h = Math.imul(h ^ d[i], 0x01000193) >>> 0;
      return h;
    };
    return { base: fnv(new Uint8Array(editor.beforeRaster.rgba)), mask: fnv(editor.mask.mask.data) };
  });
}

/** The scene's own pixels in a box, as the page shows them (8-bit). */
function original(box: Box): number[] {
  const img = drawScene();
  const plane = img.width * img.height;
  const out: number[] = [];
  for (let y = box.y0; y < box.y1; y++)
    for (let x = box.x0; x < box.x1; x++)
      for (let c = 0; c < 3; c++) out.push(Math.round(img.data[c * plane + y * img.width + x] * 255));
  return out;
}

/** Largest difference between two pixel lists. */
function maxDiff(a: number[], b: number[]): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** A brush stroke down the middle of a box. */
async function paint(box: Box): Promise<void> {
  await paintStroke(page, Math.round((box.x0 + box.x1) / 2), box.y0 + 12, box.y1 - 12);
}

/** What waitFor waits for: every field given must hold. */
type Want = {
  step?: number;
  maskEmpty?: boolean;
  doneOtherThan?: string | null;
  docOtherThan?: string | null;
};

async function waitFor(want: Want): Promise<void> {
  await page.waitForFunction(
    (w) => {
      const editor = (window as unknown as { inpaintStudio: { editor: any } }).inpaintStudio.editor; // eslint-disable-line @typescript-eslint/no-explicit-any
      const s = editor.getSnapshot();
      if (w.step !== undefined && s.applied.step !== w.step) return false;
      if (w.maskEmpty !== undefined && (editor.mask?.mask.area() === 0) !== w.maskEmpty) return false;
      if (w.doneOtherThan !== undefined && !(s.run.status === 'done' && s.run.resultId !== w.doneOtherThan))
        return false;
      if (w.docOtherThan !== undefined && !(s.doc && s.doc.imageId !== w.docOtherThan)) return false;
      return true;
    },
    want,
    { timeout: 60_000 },
  );
}

async function run(): Promise<View> {
  const before = (await view()).resultId;
  await page.getByTestId('run-button').click();
  await waitFor({ doneOtherThan: before });
  return view();
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(shots, `workflow-${name}.png`) });
}

const POST_BOX: Box = { x0: POST.x0, y0: POST.y0, x1: POST.x1, y1: POST.y1 };
let fill1: number[];
let fill2: number[];

test.beforeAll(async ({ browser }) => {
  mkdirSync(shots, { recursive: true });
  h = await startHarness();
  page = await browser.newPage({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(m.text());
  });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const url = new URL(h.host.url);
  url.search = `?model=${MODEL}&stages=lama`;
  await page.goto(url.toString());
  await expect(page.getByTestId('statusbar')).toContainText('Engine');
  await page.getByTestId('open-input').setInputFiles(h.scenePath);
  await expect(page.getByTestId('status-image')).toContainText('640×420');
  await page.getByTestId('zoom-fit').click();
  for (let i = 0; i < 3; i++) await page.keyboard.press(']');
});

test.afterAll(async () => {
  await page?.close();
  await h?.close();
});

test('stroke, Run, Apply, stroke, Run: the first fill stays as it was applied', async () => {
  await paint({ x0: POST.x0, y0: POST.y0 - 10, x1: POST.x1, y1: POST.y1 + 10 });
  const r1 = await run();
  fill1 = await pixels('after', POST_BOX);
  expect(maxDiff(fill1, original(POST_BOX))).toBeGreaterThan(40);
  await expect(page.getByTestId('apply-button')).toBeEnabled();
  await page.getByTestId('apply-button').click();
  await waitFor({ step: 1 });
  let v = await view();
  expect(v.maskArea).toBe(0);
  expect(v.resultId).toBeNull();
  expect(v.imageId).toBe(r1.imageId);
  // The base is the first result now.
  expect(await pixels('before', POST_BOX)).toEqual(fill1);
  await expect(page.getByTestId('history-step-1')).toHaveAttribute('aria-current', 'step');

  await paint(SKY);
  await run();
  // The second run filled from the new base: outside its hole the first fill is unchanged.
  expect(await pixels('after', POST_BOX)).toEqual(fill1);
  fill2 = await pixels('after', SKY);
  expect(maxDiff(fill2, original(SKY))).toBeGreaterThan(0);
  await shot('second-run');
  // Enter applies.
  await page.getByTestId('canvas-host').focus();
  await page.keyboard.press('Enter');
  await waitFor({ step: 2 });
  v = await view();
  expect(v.steps).toHaveLength(2);
  await expect(page.getByTestId('history-panel')).toContainText('2. LaMa');
});

test('export writes the latest base at full resolution', async () => {
  await expect(page.getByTestId('export-button')).toBeEnabled();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('export-button').click(),
  ]);
  const file = path.join(h.dir, `workflow-${download.suggestedFilename()}`);
  await download.saveAs(file);
  const img = (await loadImage(file)).image;
  expect([img.width, img.height]).toEqual([SCENE.width, SCENE.height]);
  const plane = img.width * img.height;
  const at = (box: Box) => {
    const out: number[] = [];
    for (let y = box.y0; y < box.y1; y++)
      for (let x = box.x0; x < box.x1; x++)
        for (let c = 0; c < 3; c++) out.push(Math.round(img.data[c * plane + y * img.width + x] * 255));
    return out;
  };
  // Both fills are in the file.
  expect(maxDiff(at(POST_BOX), fill1)).toBeLessThanOrEqual(1);
  expect(maxDiff(at(SKY), fill2)).toBeLessThanOrEqual(1);
  expect((await view()).unsaved).toBe(false);
});

test('undo returns to the previous base; the History list goes back and forward', async () => {
  await page.keyboard.press('Control+z');
  await waitFor({ step: 1 });
  // Step 1's base: the first fill, and the sky as it was.
  expect(await pixels('before', POST_BOX)).toEqual(fill1);
  expect(maxDiff(await pixels('before', SKY), original(SKY))).toBeLessThanOrEqual(1);
  // Apply cleared the mask; undoing it brings the sky stroke back.
  expect((await view()).maskArea).toBeGreaterThan(0);
  await page.keyboard.press('Control+z');
  await waitFor({ step: 1, maskEmpty: true });
  await page.keyboard.press('Control+z');
  await waitFor({ step: 0 });
  expect(maxDiff(await pixels('before', POST_BOX), original(POST_BOX))).toBeLessThanOrEqual(1);
  await shot('history-original');

  await page.getByTestId('history-step-2').click();
  await waitFor({ step: 2 });
  expect(await pixels('before', SKY)).toEqual(fill2);
  expect(await pixels('before', POST_BOX)).toEqual(fill1);
  await page.getByTestId('history-step-0').click();
  await waitFor({ step: 0 });
  await page.getByTestId('history-step-2').click();
  await waitFor({ step: 2 });
  await expect(page.getByTestId('history-step-2')).toHaveAttribute('aria-current', 'step');
  await shot('history-panel');
});

test('remove mode: releasing the stroke runs and applies', async () => {
  await page.getByTestId('remove-mode').click();
  await expect(page.getByTestId('remove-mode')).toHaveAttribute('aria-pressed', 'true');
  await paint(GRASS);
  await waitFor({ step: 3 });
  const v = await view();
  expect(v.maskArea).toBe(0);
  expect(v.steps).toHaveLength(3);
  expect(maxDiff(await pixels('before', GRASS), original(GRASS))).toBeGreaterThan(0);
  expect(await pixels('before', POST_BOX)).toEqual(fill1);
  await page.getByTestId('remove-mode').click();
});

test('reload asks first, then brings back the image, the mask, the applied history and the parameters', async () => {
  await paint({ x0: 40, y0: 300, x1: 80, y1: 380 });
  await page.evaluate(() =>
    (
      window as unknown as {
        inpaintStudio: { editor: { runs: { setParam(s: string, p: string, v: number): void } } };
      }
    ).inpaintStudio.editor.runs.setParam('lama', 'feather', 9),
  );
  const before = await view();
  expect(before.maskArea).toBeGreaterThan(0);
  const hashBefore = await hashes();
  // The session goes to the engine a moment after the last change.
  await page.waitForTimeout(1000);
  let asked = '';
  page.once('dialog', (d) => {
    asked = d.type();
    void d.accept();
  });
  await page.reload();
  await expect(page.getByTestId('status-image')).toContainText('640×420');
  expect(asked).toBe('beforeunload');
  await waitFor({ step: 3 });
  const after = await view();
  expect(after.imageId).toBe(before.imageId);
  expect(after.steps).toEqual(before.steps);
  expect(after.feather).toBe(9);
  expect(after.unsaved).toBe(true);
  expect(after.maskArea).toBe(before.maskArea);
  // The base (all three fills) and the mask, byte for byte.
  expect(await hashes()).toEqual(hashBefore);
  await expect(page.getByTestId('history-panel')).toContainText('3. LaMa');
  await shot('reloaded');
  // Undo still reaches the earlier bases after the reload.
  await page.getByTestId('history-step-1').click();
  await waitFor({ step: 1 });
  expect(await pixels('before', POST_BOX)).toEqual(fill1);
});

test('a stale error goes with its cause: Select all, Run fails; Clear, Run shows no red error', async () => {
  await expect(page.getByTestId('mask-fill')).toHaveText('Select all');
  await page.getByTestId('mask-fill').click();
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('run-error')).toContainText('covers the whole image');
  await shot('whole-mask-error');
  await page.getByTestId('mask-clear').click();
  await expect(page.getByTestId('run-error')).toHaveCount(0);
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('notice')).toContainText('Paint a mask');
  await expect(page.getByTestId('run-error')).toHaveCount(0);
});

test('Delete clears the mask as one undoable step and says so', async () => {
  await paint(SKY);
  const area = (await view()).maskArea;
  expect(area).toBeGreaterThan(0);
  await page.getByTestId('canvas-host').focus();
  await page.keyboard.press('Delete');
  expect((await view()).maskArea).toBe(0);
  await expect(page.getByTestId('notice')).toContainText('Mask cleared');
  await page.keyboard.press('Control+z');
  expect((await view()).maskArea).toBe(area);
  await page.keyboard.press('Backspace');
  expect((await view()).maskArea).toBe(0);
});

test('opening another image over unexported work asks in the app; Cancel keeps the work', async () => {
  await paint(SKY);
  const before = await view();
  await page.getByTestId('open-input').setInputFiles(h.scenePath);
  await expect(page.getByTestId('confirm-dialog')).toContainText('not exported');
  await shot('confirm');
  await page.getByTestId('confirm-cancel').click();
  await expect(page.getByTestId('confirm-dialog')).toHaveCount(0);
  expect((await view()).imageId).toBe(before.imageId);
  await page.getByTestId('open-input').setInputFiles(h.scenePath);
  await page.getByTestId('confirm-ok').click();
  await waitFor({ docOtherThan: before.imageId });
  const v = await view();
  expect(v.step).toBe(0);
  expect(v.maskArea).toBe(0);
  expect(pageErrors).toEqual([]);
});
