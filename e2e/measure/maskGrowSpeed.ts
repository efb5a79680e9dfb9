/**
 * How long Grow and Shrink take in the editor on an 8 MP image, in Chromium against the browser host as
 * `npm run web` runs it (the engine in a child process): from the call to the second animation frame
 * after it (the mask overlay repainted). Not a test.
 *   npm run build:renderer && npx tsx e2e/measure/maskGrowSpeed.ts
 * Three masks: a brushed blob (about 5 % of the image), a large rectangle with a stroke erased through
 * it, and small dabs scattered over the whole image (the worst case: the work box is the whole image).
 */
import path from 'node:path';
import { chromium } from '@playwright/test';
import { saveImage } from '../../app/image/save';
import { createImage } from '../../app/image/types';
import { startWebHost } from '../webHost';

const W = 3456;
const H = 2304;
const REPEATS = 5;

/** Runs in the page: paints each mask, then times growMask and the repaint after it. */
const PAGE_CODE = `async (W, H, REPEATS) => {
  const editor = window.inpaintStudio.editor;
  const frame = () => new Promise((r) => requestAnimationFrame(() => r(null)));
  const scenes = {
    blob: () => {
      for (let t = 0; t < 400; t++)
        editor.mask.dab(800 + t * 4, 1000 + Math.sin(t / 30) * 300, 90, 0.8, 'paint');
    },
    large: () => {
      editor.mask.rect({ x0: 300, y0: 200, x1: 3000, y1: 2100 }, 'paint');
      for (let t = 0; t < 50; t++) editor.mask.dab(1000 + t * 20, 1000, 60, 1, 'erase');
    },
    scattered: () => {
      for (let t = 0; t < 40; t++) editor.mask.dab((t * 977) % W, (t * 613) % H, 30, 1, 'paint');
    },
  };
  const out = [];
  for (const [name, paint] of Object.entries(scenes)) {
    for (const px of [8, -8, 64]) {
      const times = [];
      for (let r = 0; r < REPEATS; r++) {
        editor.masking.clear();
        paint();
        await frame();
        await frame();
        const t0 = performance.now();
        await editor.masking.grow(px);
        await frame();
        await frame();
        times.push(performance.now() - t0);
      }
      times.sort((a, b) => a - b);
      out.push(name.padEnd(9) + String(px).padStart(4) + ' px: median ' + times[REPEATS >> 1].toFixed(0) +
        ' ms (min ' + times[0].toFixed(0) + ', max ' + times[REPEATS - 1].toFixed(0) + ')');
    }
  }
  return out;
}`;

async function main(): Promise<void> {
  const h = await startWebHost();
  const file = path.join(h.dir, 'eight-mp.png');
  const img = createImage(W, H);
  const n = W * H;
  for (let i = 0; i < n; i++) {
    const x = i % W;
    const y = (i - x) / W;
    img.data[i] = x / W;
    img.data[n + i] = y / H;
    img.data[2 * n + i] = ((x ^ y) & 255) / 255;
  }
  await saveImage(file, img);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(h.url);
    await page.getByText('Engine', { exact: false }).first().waitFor();
    await page.getByTestId('open-input').setInputFiles(file);
    await page.getByTestId('status-image').waitFor();
    // Passed as text: tsx's transform would add helpers the page does not have to a function.
    const rows = (await page.evaluate(`(${PAGE_CODE})(${W}, ${H}, ${REPEATS})`)) as string[];
    console.log(`Grow/shrink on ${W}x${H} in Chromium (call to the second frame after it):`);
    for (const r of rows) console.log(`  ${r}`);
  } finally {
    await browser.close();
    await h.close();
  }
}

await main();
