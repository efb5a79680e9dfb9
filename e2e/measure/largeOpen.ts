/**
 * How the editor opens a large photo (issue 15 §7), in Chromium against the in-process browser host.
 * Not a test. Writes a 5184×3456 (17.9 MP) JPEG, opens it with the page's file input, and reports the
 * long tasks (> 50 ms) from the click until the picture is on screen, the longest frame gap, and a
 * brush stroke begun as soon as the image opens: when its first dab reached the mask after mouse-down.
 *   npm run build:renderer && npx tsx e2e/measure/largeOpen.ts
 */
import os from 'node:os';
import path from 'node:path';
import { mkdtempSync } from 'node:fs';
import sharp from 'sharp';
import { chromium } from '@playwright/test';
import { startHarness } from '../harness';

const W = 5184,
  H = 3456;

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'large-open-'));
  const file = path.join(dir, 'large.jpg');
  const px = Buffer.alloc(W * H * 3);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const i = (y * W + x) * 3;
      px[i] = (x * 255) / W;
      px[i + 1] = (y * 255) / H;
      px[i + 2] = ((x ^ y) & 255) / 2;
    }
  await sharp(px, { raw: { width: W, height: H, channels: 3 } })
    .jpeg({ quality: 90 })
    .toFile(file);
  const h = await startHarness();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu'],
  });
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.addInitScript(() => {
    const m = { longtasks: [] as number[][], frames: [] as number[] };
    (window as unknown as { __m: typeof m }).__m = m;
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) m.longtasks.push([Math.round(e.startTime), Math.round(e.duration)]);
    }).observe({ type: 'longtask' });
    const tick = (t: number) => {
      m.frames.push(t);
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  await page.goto(h.host.url);
  await page.getByTestId('statusbar').getByText('Engine').waitFor();
  const cdp = process.env.PROFILE ? await page.context().newCDPSession(page) : null;
  if (cdp) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 1000 });
    await cdp.send('Profiler.start');
  }
  const t0 = await page.evaluate(() => performance.now());
  await page.getByTestId('open-input').setInputFiles(file);
  await page.waitForFunction(
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    () => (window as any).inpaintStudio.editor.getSnapshot().doc !== null,
    null,
    { timeout: 120_000, polling: 10 },
  );
  const tDoc = await page.evaluate(() => performance.now());
  await page.waitForFunction(
    () => document.querySelector<HTMLElement>('[data-testid="canvas-host"]')?.dataset.display === 'ready',
    null,
    { timeout: 120_000, polling: 10 },
  );
  const tShown = await page.evaluate(() => performance.now());
  // A stroke at once.
  const box = (await page.getByTestId('canvas-host').boundingBox())!;
  const cx = box.x + box.width / 2,
    cy = box.y + box.height / 2;
  await page.mouse.move(cx, cy);
  const tDown = await page.evaluate(() => performance.now());
  await page.mouse.down();
  for (let i = 1; i <= 10; i++) await page.mouse.move(cx + i * 5, cy);
  await page.mouse.up();
  await page.waitForFunction(
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    () => (window as any).inpaintStudio.editor.mask.mask.area() > 0,
    null,
    { timeout: 120_000, polling: 10 },
  );
  const tMask = await page.evaluate(() => performance.now());
  await page.waitForTimeout(3000);
  if (cdp) {
    const { profile } = await cdp.send('Profiler.stop');
    const self = new Map<string, number>();
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const dt = profile.timeDeltas ?? [];
    (profile.samples ?? []).forEach((id, i) => {
      const n = byId.get(id)!;
      const f = n.callFrame;
      const key = `${f.functionName || '(anon)'} ${f.url.split('/').pop()}:${f.lineNumber}:${f.columnNumber}`;
      self.set(key, (self.get(key) ?? 0) + (dt[i] ?? 0) / 1000);
    });
    const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, 25);
    for (const [k, v] of top) console.log(`${Math.round(v)} ms  ${k}`);
  }
  const m = await page.evaluate(
    () => (window as unknown as { __m: { longtasks: number[][]; frames: number[] } }).__m,
  );
  const frames = m.frames.filter((t) => t >= t0);
  let gap = 0;
  for (let i = 1; i < frames.length; i++) gap = Math.max(gap, frames[i] - frames[i - 1]);
  console.log(
    JSON.stringify(
      {
        openMs: Math.round(tDoc - t0),
        onScreenMs: Math.round(tShown - t0),
        strokeToMaskMs: Math.round(tMask - tDown),
        longestFrameGapMs: Math.round(gap),
        longTasks: m.longtasks.filter(([s]) => s >= t0).map(([s, d]) => `${Math.round(s - t0)}+${d}`),
      },
      null,
      1,
    ),
  );
  await browser.close();
  await h.close();
}
void main();
