// `inpaint-studio run --sample-mask <file>` (issue 15 §4): white = the fill may sample there.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadImage } from '../image/load';
import { saveMask } from '../image/mask';
import { saveImage } from '../image/save';
import { createImage, createMask } from '../image/types';
import { cli } from '../testing/cli';

let dir: string;
const W = 160,
  H = 120;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'cli-sample-mask-'));
  // A grey wall with a white object right left of the hole.
  const img = createImage(W, H);
  const n = W * H;
  const hole = createMask(W, H);
  const area = createMask(W, H);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      const object = x >= 64 && x < 88 && y >= 36 && y < 84;
      img.data[i] = img.data[n + i] = img.data[2 * n + i] = object ? 1 : 0.35 + 0.03 * Math.sin(x);
      if (x >= 88 && x < 112 && y >= 40 && y < 80) hole.data[i] = 1;
      area.data[i] = x >= 60 && x < 92 && y >= 32 && y < 88 ? 0 : 1;
    }
  await saveImage(path.join(dir, 'wall.png'), img);
  await saveMask(path.join(dir, 'hole.png'), hole);
  await saveMask(path.join(dir, 'area.png'), area);
  await saveMask(path.join(dir, 'small.png'), createMask(80, 60));
});

afterEach(() => vi.restoreAllMocks());

/** The brightest hole pixel of a written result (mean of R, G, B). */
async function brightestInHole(file: string): Promise<number> {
  const { image } = await loadImage(file);
  const n = W * H;
  let max = 0;
  for (let y = 40; y < 80; y++)
    for (let x = 88; x < 112; x++) {
      const i = y * W + x;
      max = Math.max(max, (image.data[i] + image.data[n + i] + image.data[2 * n + i]) / 3);
    }
  return max;
}

describe('inpaint-studio run --sample-mask', () => {
  const base = () => ['run', '--image', path.join(dir, 'wall.png'), '--mask', path.join(dir, 'hole.png')];
  const fill = ['--stages', 'lama', '--set', 'lama.engine=embedded', '--set', 'lama.fallback=pushpull'];

  it('keeps a brushed-out object out of the fill', async () => {
    const free = path.join(dir, 'free.png');
    const kept = path.join(dir, 'kept.png');
    expect((await cli(...base(), '--out', free, ...fill)).code).toBe(0);
    const r = await cli(
      ...base(),
      '--out',
      kept,
      ...fill,
      '--sample-mask',
      path.join(dir, 'area.png'),
      '--json',
    );
    expect(r.code).toBe(0);
    expect(await brightestInHole(free)).toBeGreaterThan(0.6);
    expect(await brightestInHole(kept)).toBeLessThan(0.5);
    const summary = JSON.parse(r.out.trim().split('\n').at(-1)!);
    expect(summary.stages[0].info.samplingExcluded).toBeGreaterThan(0);
  });

  it('refuses a sample mask of another size, naming the flag and both sizes', async () => {
    const r = await cli(
      ...base(),
      '--out',
      path.join(dir, 'x.png'),
      ...fill,
      '--sample-mask',
      path.join(dir, 'small.png'),
    );
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/--sample-mask/);
    expect(r.err).toMatch(/80x60/);
    expect(r.err).toMatch(/160x120/);
  });

  it('lists the flag in run --help', async () => {
    const r = await cli('run', '--help');
    const help = (r.out + r.err).replace(/\s+/g, ' ');
    expect(help).toMatch(
      /--sample-mask <path> sampling area, the image's size: white = the fill and the corrections may sample/,
    );
  });
});
