// `inpaint-studio run --stages auto` and `--stages lama,auto` on an image + mask pair, as a user runs them.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadImage } from '../../image/load';
import { saveMask } from '../../image/mask';
import { saveImage } from '../../image/save';
import type { Mask, RgbImage } from '../../image/types';
import { blandFill, chelseaCase } from '../../testing/flawedFills';
import { cli } from '../../testing/cli';

let dir: string;
let imagePath: string;
let maskPath: string;
let mask: Mask;

function diffOutside(a: RgbImage, b: RgbImage, m: Mask): number {
  const n = a.width * a.height;
  let d = 0;
  for (let c = 0; c < 3; c++)
    for (let i = 0; i < n; i++)
      if (!m.data[i]) d = Math.max(d, Math.abs(a.data[c * n + i] - b.data[c * n + i]));
  return d;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'auto-cli-'));
  const c = await chelseaCase();
  mask = c.mask;
  imagePath = path.join(dir, 'filled.png');
  await saveImage(imagePath, blandFill(c.truth, c.mask));
  maskPath = path.join(dir, 'mask.png');
  await saveMask(maskPath, c.mask);
});

afterEach(() => vi.restoreAllMocks());

const summaryOf = (out: string) =>
  out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
    .at(-1);

describe('inpaint-studio run --stages auto', () => {
  it('corrects the pixels already in the hole; says per hole what it applied; nothing outside changes', async () => {
    const out = path.join(dir, 'auto.png');
    const models = ['--models-dir', path.join(dir, 'models')];
    const r = await cli(
      'run',
      '--image',
      imagePath,
      '--mask',
      maskPath,
      '--out',
      out,
      '--stages',
      'auto',
      '--json',
      ...models,
    );
    expect(r.code, r.err).toBe(0);
    const summary = summaryOf(r.out);
    expect(summary).toMatchObject({ type: 'summary', ok: true, stages: [{ stage: 'auto' }] });
    const info = summary.stages[0].info;
    expect(info.holes[0]).toMatchObject({ applied: expect.stringMatching(/color/), verdict: 'improved' });
    // The CLI says it in the editor's words (app/contract/stageInfoText.ts).
    expect(summary.stages[0].text.summary).toMatch(/^1 hole: colour/);
    expect(summary.stages[0].text.holes[0].text).toMatch(/^colour differs from the surroundings \(ΔE/);
    const src = (await loadImage(imagePath)).image;
    const written = (await loadImage(out)).image;
    expect(diffOutside(written, src, mask)).toBe(0);
    expect(written.data).not.toEqual(src.data);
  }, 120000);

  it('--stages lama,auto fills first, then corrects; the stage listing names auto', async () => {
    const out = path.join(dir, 'lama-auto.png');
    const models = ['--models-dir', path.join(dir, 'models')];
    const r = await cli(
      'run',
      '--image',
      imagePath,
      '--mask',
      maskPath,
      '--out',
      out,
      '--stages',
      'lama,auto',
      '--json',
      ...models,
    );
    expect(r.code, r.err).toBe(0);
    const summary = summaryOf(r.out);
    expect(summary.stages.map((s: { stage: string }) => s.stage)).toEqual(['lama', 'auto']);
    expect(summary.stages[1].info.holes).toHaveLength(1);
    const help = await cli('run', '--help');
    expect(help.out.replace(/\s+/g, ' ')).toMatch(/available: lama, blockmatch, texture, color, auto\)/);
    const stages = await cli('stages');
    expect(stages.out).toMatch(/^auto — Auto-correct$/m);
    expect(stages.out).toMatch(/auto\.margin/);
  }, 120000);
});
