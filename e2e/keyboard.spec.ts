/**
 * Keyboard and accessibility (issue 15 §6) in Chromium against the browser host: slider keys in the
 * parameter's own steps, Ctrl+= / Ctrl+- zoom the image (not the page), `?` and F1 open the shortcut
 * sheet, Shift+click draws a straight stroke, stage switches are named, and text meets 4.5:1 contrast.
 */
import { expect, test, type Page } from '@playwright/test';
import { SCENE } from './fixtures/scene';
import { sceneToPage } from './page';
import { startHarness, type Harness } from './harness';

test.describe.configure({ mode: 'serial' });

let h: Harness;
let page: Page;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyEditor = any;
function state<T>(fn: (editor: AnyEditor) => T): Promise<T> {
  return page.evaluate((src) => {
    const editor = (window as unknown as { inpaintStudio: { editor: AnyEditor } }).inpaintStudio.editor;
    return new Function('editor', `return (${src})(editor)`)(editor);
  }, fn.toString()) as Promise<T>;
}

test.beforeAll(async ({ browser }) => {
  h = await startHarness();
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(h.host.url);
  await expect(page.getByTestId('statusbar')).toContainText('Engine');
  await page.getByTestId('open-input').setInputFiles(h.scenePath);
  await expect.poll(() => state((e) => e.getSnapshot().doc?.width ?? 0)).toBe(SCENE.width);
});

test.afterAll(async () => {
  await page?.close();
  await h?.close();
});

test('a focused stage slider answers arrows, Page Up/Down and Home/End in its own steps', async () => {
  const slider = page.locator('input[type="range"][data-testid^="param-"]:visible:not([disabled])').first();
  // The default panel may show no slider: open Advanced, and the fill's card if it is closed.
  if ((await slider.count()) === 0 && (await page.getByTestId('advanced-toggle').count()))
    await page.getByTestId('advanced-toggle').click();
  if ((await slider.count()) === 0)
    await page.locator('[data-testid^="stage-"] .stage-title').first().click();
  const testId = (await slider.getAttribute('data-testid'))!;
  const [, stage, param] = /^param-([^-]+)-(.+)$/.exec(testId)!;
  const decl = await state(
    new Function(
      'e',
      `return e.getSnapshot().stageInfos.find((i) => i.name === ${JSON.stringify(stage)}).params.find((p) => p.name === ${JSON.stringify(param)})`,
    ) as (e: AnyEditor) => { min: number; max: number; step?: number; log?: boolean },
  );
  const value = () =>
    state(
      new Function(
        'e',
        `return e.getSnapshot().stages.find((s) => s.name === ${JSON.stringify(stage)}).values[${JSON.stringify(param)}]`,
      ) as (e: AnyEditor) => number,
    );
  await slider.focus();
  await page.keyboard.press('Home');
  expect(await value()).toBe(decl.min);
  await page.keyboard.press('ArrowRight');
  const one = await value();
  expect(one).toBeGreaterThan(decl.min);
  if (!decl.log && decl.step) expect(one).toBeCloseTo(decl.min + decl.step, 6);
  await page.keyboard.press('ArrowLeft');
  expect(await value()).toBe(decl.min);
  await page.keyboard.press('PageUp');
  const ten = await value();
  if (!decl.log && decl.step) expect(ten).toBeCloseTo(Math.min(decl.max, decl.min + 10 * decl.step), 6);
  else expect(ten).toBeGreaterThan(one);
  await page.keyboard.press('PageDown');
  expect(await value()).toBe(decl.min);
  await page.keyboard.press('End');
  expect(await value()).toBe(decl.max);
  await page.getByTestId(`${testId}-reset`).click();
});

test('Ctrl+= and Ctrl+- zoom the image, and the page does not zoom', async () => {
  await page.getByTestId('zoom-fit').click();
  await page.getByTestId('canvas-host').focus();
  await page.evaluate(() => {
    (window as unknown as { __prevented: boolean[] }).__prevented = [];
    window.addEventListener('keydown', (e) => {
      if (e.ctrlKey && e.key !== 'Control')
        (window as unknown as { __prevented: boolean[] }).__prevented.push(e.defaultPrevented);
    });
  });
  const z0 = await state((e) => e.getSnapshot().zoom);
  await page.keyboard.press('Control+Equal');
  const z1 = await state((e) => e.getSnapshot().zoom);
  expect(z1 / z0).toBeCloseTo(1.25, 3);
  await page.keyboard.press('Control+Minus');
  await page.keyboard.press('Control+Minus');
  expect((await state((e) => e.getSnapshot().zoom)) / z0).toBeCloseTo(1 / 1.25, 3);
  // The browser's own zoom never got the keys: every Ctrl key-down was taken by the editor.
  expect(await page.evaluate(() => (window as unknown as { __prevented: boolean[] }).__prevented)).toEqual([
    true,
    true,
    true,
  ]);
  expect(await page.evaluate(() => window.visualViewport?.scale ?? 1)).toBe(1);
  await page.getByTestId('zoom-fit').click();
});

test('? and F1 open the shortcut sheet; Escape closes it; keys do not reach the editor while it is open', async () => {
  await page.getByTestId('canvas-host').focus();
  await page.keyboard.press('Shift+Slash');
  const sheet = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(sheet).toBeVisible();
  await expect(sheet).toContainText('Shift+click');
  await expect(sheet).toContainText('Ctrl+=');
  await expect(sheet).toContainText('Ctrl+-');
  await page.screenshot({ path: test.info().outputPath('shortcut-sheet.png') });
  await page.keyboard.press('e');
  expect(await state((e) => e.getSnapshot().tool)).toBe('brush');
  await page.keyboard.press('Escape');
  await expect(sheet).toBeHidden();
  await page.keyboard.press('F1');
  await expect(sheet).toBeVisible();
  await page.getByTestId('shortcut-sheet-close').click();
  await expect(sheet).toBeHidden();
});

test('Shift+click draws a straight stroke from the last point', async () => {
  await page.getByTestId('mask-clear').click();
  await page.getByTestId('tool-brush').click();
  await state((e) => e.masking.setBrush({ size: 6, hardness: 1 }));
  const a = await sceneToPage(page, 100, 100);
  const b = await sceneToPage(page, 300, 200);
  await page.mouse.click(a.x, a.y);
  const dot = await state((e) => e.mask.mask.area());
  await page.keyboard.down('Shift');
  await page.mouse.click(b.x, b.y);
  await page.keyboard.up('Shift');
  const covered = (x: number, y: number) =>
    state(
      new Function('e', `return e.mask.mask.data[${y} * e.mask.width + ${x}]`) as (e: AnyEditor) => number,
    );
  // Points along the segment are painted; one off it is not.
  for (const t of [0.25, 0.5, 0.75])
    expect(await covered(Math.round(100 + 200 * t), Math.round(100 + 100 * t))).toBeGreaterThan(200);
  expect(await covered(200, 200)).toBe(0);
  expect(await state((e) => e.mask.mask.area())).toBeGreaterThan(dot * 20);
  await page.getByTestId('mask-clear').click();
});

test('stage switches have accessible names: "Enable <stage>"', async () => {
  const labels = await state((e) => e.getSnapshot().stageInfos.map((i: { label: string }) => i.label));
  expect(labels.length).toBeGreaterThan(1);
  for (const label of labels as string[])
    await expect(page.getByRole('switch', { name: `Enable ${label}` })).toHaveCount(1);
  await expect(page.getByRole('switch', { name: 'Enable Colour correction' })).toHaveCount(1);
});

/** Texts (not disabled) whose contrast with what is behind them is under 4.5:1, as "text (class): ratio". */
function contrastFailures(): Promise<string[]> {
  return page.evaluate(() => {
    const parse = (c: string) => {
      const m = /rgba?\(([^)]+)\)/.exec(c);
      if (!m) return [0, 0, 0, 0];
      const p = m[1]
        .split(/[ ,/]+/)
        .filter(Boolean)
        .map(Number);
      return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
    };
    const lum = ([r, g, b]: number[]) => {
      const f = (v: number) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    // The first opaque background going up (colours with alpha are blended over it).
    const background = (el: Element | null): number[] => {
      const layers: number[][] = [];
      for (let e = el; e; e = e.parentElement) {
        const c = parse(getComputedStyle(e).backgroundColor);
        if (c[3] > 0) layers.push(c);
        if (c[3] >= 1) break;
      }
      let out = [22, 24, 28];
      for (const c of layers.reverse()) out = out.map((v, i) => v * (1 - c[3]) + c[i] * c[3]);
      return out;
    };
    const out: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement!;
      if (!n.textContent?.trim()) continue;
      if (el.closest('[disabled], :disabled, [aria-disabled="true"], option')) continue;
      const r = el.getBoundingClientRect();
      const st = getComputedStyle(el);
      if (r.width === 0 || r.height === 0 || st.visibility === 'hidden') continue;
      let opacity = 1;
      for (let e: Element | null = el; e; e = e.parentElement) opacity *= Number(getComputedStyle(e).opacity);
      if (opacity === 0) continue;
      const bg = background(el);
      const fg = parse(st.color);
      const a = fg[3] * opacity;
      const mixed = fg.slice(0, 3).map((v, i) => v * a + bg[i] * (1 - a));
      const [l1, l2] = [lum(mixed), lum(bg)].sort((x, y) => y - x);
      const ratio = (l1 + 0.05) / (l2 + 0.05);
      if (ratio < 4.5)
        out.push(`${n.textContent.trim().slice(0, 40)} (${el.className}): ${ratio.toFixed(2)}`);
    }
    return out;
  });
}

test('every enabled text on the page meets 4.5:1 contrast against what is behind it', async () => {
  expect(await contrastFailures()).toEqual([]);
  // The dialogs too: the shortcut sheet and export.
  await page.getByTestId('canvas-host').focus();
  await page.keyboard.press('F1');
  await expect(page.getByTestId('shortcut-sheet')).toBeVisible();
  expect(await contrastFailures()).toEqual([]);
  await page.keyboard.press('Escape');
  await page.getByTestId('export-options').click();
  await expect(page.getByTestId('export-dialog')).toBeVisible();
  expect(await contrastFailures()).toEqual([]);
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('export-dialog')).toBeHidden();
});
