/**
 * Issue 15 §9 end to end: "Try values" on a slider renders a strip of five results of the hole's region
 * at values spread over the slider's range (computed by the engine from the cached earlier stages,
 * each arriving as onTryValue); clicking one sets the slider; moving on (another setting) closes the
 * strip and cancels the engine's job. Screenshot: test-results/screens/try-values.png.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { POST } from './fixtures/scene';
import { decodeEngineFrame, repoRoot, startHarness, type Harness } from './harness';
import { waitForRun } from './page';

test.describe.configure({ mode: 'serial' });

const shots = path.join(repoRoot, 'test-results', 'screens');
let h: Harness;
let page: Page;
const pageErrors: string[] = [];
/** Frames both ways: requests the page sent, events and answers it received. */
const sent: { method: string; params: Record<string, unknown> }[] = [];
const received: { name: string; payload: Record<string, unknown> }[] = [];

type Strip = { jobId: string; stage: string; param: string; values: number[]; status: string } | null;

function strip(): Promise<Strip> {
  return page.evaluate(() => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const s = (window as any).inpaintStudio.editor.tryValues.getSnapshot().strip;
    return s && { jobId: s.jobId, stage: s.stage, param: s.param, values: s.values, status: s.status };
  });
}

function paramValue(stage: string, param: string): Promise<unknown> {
  return page.evaluate(
    ([st, p]) =>
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      (window as any).inpaintStudio.editor.getSnapshot().stages.find((x: { name: string }) => x.name === st)
        .values[p],
    [stage, param] as const,
  );
}

function lastJob(): Promise<string | null> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return page.evaluate(() => (window as any).inpaintStudio.editor.getSnapshot().run.jobId);
}

test.beforeAll(async ({ browser }) => {
  mkdirSync(shots, { recursive: true });
  h = await startHarness();
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
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
    ws.on('framereceived', ({ payload }) => {
      const m = decodeEngineFrame(payload);
      if (m?.type === 'event') received.push({ name: m.name, payload: m.payload });
    });
  });
  await page.goto(h.host.url);
  await expect(page.getByTestId('statusbar')).toContainText('Engine');
});

test.afterAll(async () => {
  await page?.close();
  await h?.close();
});

test('Try values shows five results of the hole; a click sets the slider', async () => {
  await page.getByTestId('open-input').setInputFiles(h.scenePath);
  await expect(page.getByTestId('status-image')).toContainText('640×420');
  await page.getByTestId('zoom-fit').click();
  // The post as the hole; LaMa and colour correction only (the strip re-runs colour per value).
  await page.evaluate(
    ([x0, y0, x1, y1]) => {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const editor = (window as any).inpaintStudio.editor;
      editor.masking.setTool('rect');
      editor.pointerDown({ x: x0, y: y0 });
      editor.pointerMove({ x: x1, y: y1 });
      editor.pointerUp({ x: x1, y: y1 });
      for (const s of editor.getSnapshot().stages)
        editor.runs.setStageEnabled(s.name, s.name === 'lama' || s.name === 'color');
    },
    [POST.x0 - 4, POST.y0 - 4, POST.x1 + 4, POST.y1 + 4],
  );
  const before = await lastJob();
  await page.getByTestId('run-button').click();
  await waitForRun(page, before);

  // The colour stage's first slider with a Try values button on the panel.
  const button = page.locator('[data-testid^="param-color-"][data-testid$="-try"]:visible').first();
  await expect(button).toBeVisible();
  const testId = (await button.getAttribute('data-testid'))!;
  const param = testId.slice('param-color-'.length, -'-try'.length);
  const runsBefore = sent.filter((m) => m.method === 'run').length;
  await button.click();
  await expect(page.getByTestId('try-strip')).toBeVisible();
  for (let i = 0; i < 5; i++) await expect(page.getByTestId(`try-item-${i}`)).toBeEnabled();
  await expect(page.getByTestId('try-status')).toHaveText('Click one to use it');
  const s = (await strip())!;
  expect(s).toMatchObject({ stage: 'color', param, status: 'done' });
  expect(s.values).toHaveLength(5);
  // Spread over the slider's whole range, in order.
  for (let i = 1; i < 5; i++) expect(s.values[i]).toBeGreaterThan(s.values[i - 1]);
  // One engine call for the strip (no runs), its previews streamed one by one.
  expect(sent.filter((m) => m.method === 'run').length).toBe(runsBefore);
  const call = sent.find((m) => m.method === 'tryValues')!;
  expect(call.params).toMatchObject({ stage: 'color', param, values: s.values });
  const previews = received.filter((e) => e.name === 'onTryValue' && e.payload.jobId === s.jobId);
  expect(previews.map((e) => e.payload.index)).toEqual([0, 1, 2, 3, 4]);
  // Each thumbnail is a picture of the hole's region (not blank).
  const inked = await page.evaluate(() =>
    [...document.querySelectorAll('[data-testid="try-strip"] canvas')].map((c) => {
      const cv = c as HTMLCanvasElement;
      const d = cv.getContext('2d')!.getImageData(0, 0, cv.width, cv.height).data;
      let sum = 0;
      for (let i = 0; i < d.length; i += 4) sum += d[i] + d[i + 1] + d[i + 2];
      return { w: cv.width, h: cv.height, mean: sum / (d.length / 4) / 3 };
    }),
  );
  expect(inked).toHaveLength(5);
  for (const t of inked) {
    expect(t.w).toBeGreaterThan(20);
    expect(t.mean).toBeGreaterThan(10);
  }
  await page.mouse.move(1430, 890);
  await page.screenshot({ path: path.join(shots, 'try-values.png') });

  const job = await lastJob();
  await page.getByTestId('try-item-3').click();
  await expect(page.getByTestId('try-strip')).toBeHidden();
  expect(await paramValue('color', param)).toBe(s.values[3]);
  // The slider shows it, and the usual re-run follows.
  await expect(page.getByTestId(`param-color-${param}-value`)).toHaveValue(String(s.values[3]));
  await waitForRun(page, job);
  expect(pageErrors).toEqual([]);
});

test('moving on while the strip renders cancels its job in the engine', async () => {
  const button = page.locator('[data-testid^="param-color-"][data-testid$="-try"]:visible').first();
  h.slowdown.ms = 4000;
  await button.click();
  await expect(page.getByTestId('try-status')).toContainText('Rendering 1 of 5');
  const s = (await strip())!;
  expect(s.status).toBe('running');
  // Another setting: the strip would no longer show what a click gives.
  await page.evaluate(() => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const editor = (window as any).inpaintStudio.editor;
    editor.runs.setAutoRerun(false);
    editor.runs.setParam('lama', 'feather', 7);
  });
  await expect(page.getByTestId('try-strip')).toBeHidden();
  await expect.poll(() => sent.some((m) => m.method === 'cancel' && m.params.jobId === s.jobId)).toBe(true);
  h.slowdown.ms = 0;
  expect(received.filter((e) => e.name === 'onTryValue' && e.payload.jobId === s.jobId)).toHaveLength(0);
  expect(pageErrors).toEqual([]);
});

test('Esc closes the strip and does nothing else', async () => {
  const button = page.locator('[data-testid^="param-color-"][data-testid$="-try"]:visible').first();
  const testId = (await button.getAttribute('data-testid'))!;
  const param = testId.slice('param-color-'.length, -'-try'.length);
  const snapshot = () =>
    page.evaluate(() => {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const s = (window as any).inpaintStudio.editor.getSnapshot();
      return {
        maskVersion: s.maskVersion,
        tool: s.tool,
        resultId: s.run.resultId,
        stages: JSON.stringify(s.stages),
        step: s.applied.step,
      };
    });
  await button.click();
  await expect(page.getByTestId('try-status')).toHaveText('Click one to use it');
  const before = await snapshot();
  const value = await paramValue('color', param);
  const cancels = sent.filter((m) => m.method === 'cancel').length;
  const runs = sent.filter((m) => m.method === 'run').length;
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('try-strip')).toBeHidden();
  // Nothing else changed: the mask, the tool, the result, the settings, the applied steps; no engine call.
  expect(await snapshot()).toEqual(before);
  expect(await paramValue('color', param)).toBe(value);
  expect(sent.filter((m) => m.method === 'cancel').length).toBe(cancels);
  expect(sent.filter((m) => m.method === 'run').length).toBe(runs);

  // A strip still rendering: Esc closes it and cancels its own job only.
  h.slowdown.ms = 4000;
  await button.click();
  await expect(page.getByTestId('try-status')).toContainText('Rendering 1 of 5');
  const s = (await strip())!;
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('try-strip')).toBeHidden();
  await expect.poll(() => sent.some((m) => m.method === 'cancel' && m.params.jobId === s.jobId)).toBe(true);
  h.slowdown.ms = 0;
  expect(await snapshot()).toEqual(before);
  expect(pageErrors).toEqual([]);
});
