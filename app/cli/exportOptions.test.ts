// `run --color-profile` and `--strip-location`: the flags reach the written file, and --help says so.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { hasGps } from '../image/exifEdit';
import { isSrgbProfile } from '../image/iccProfile';
import { loadImage, loadImageFromBuffer } from '../image/load';
import { saveMask } from '../image/mask';
import { p3JpegWithExif } from '../testing/metadata';
import { createMask } from '../image/types';
import { cli } from '../testing/cli';

const W = 40;
const H = 30;
let dir: string;
let imagePath: string;
let maskPath: string;
let p3: Buffer;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'cli-export-'));
  const src = await p3JpegWithExif(W, H);
  p3 = (await loadImageFromBuffer(src, 'photo.jpg')).meta.icc!;
  imagePath = path.join(dir, 'photo.jpg');
  writeFileSync(imagePath, src);
  const mask = createMask(W, H);
  for (let y = 8; y < 20; y++) for (let x = 10; x < 25; x++) mask.data[y * W + x] = 1;
  maskPath = path.join(dir, 'mask.png');
  await saveMask(maskPath, mask);
});
afterEach(() => vi.restoreAllMocks());

const models = () => ['--models-dir', path.join(dir, 'models')];
const run = (out: string, ...flags: string[]) =>
  cli(
    'run',
    '--image',
    imagePath,
    '--mask',
    maskPath,
    '--out',
    out,
    '--stages',
    'lama',
    ...flags,
    ...models(),
  );

describe('inpaint-studio run: export options', () => {
  it('keeps location and the P3 profile by default', async () => {
    const out = path.join(dir, 'kept.jpg');
    expect((await run(out)).code).toBe(0);
    const m = (await loadImage(out)).meta;
    expect(hasGps(m.exif!)).toBe(true);
    expect(m.icc!.equals(p3)).toBe(true);
  });

  it('--strip-location --color-profile srgb: no GPS, sRGB', async () => {
    const out = path.join(dir, 'stripped.png');
    const r = await run(out, '--strip-location', '--color-profile', 'srgb');
    expect(r.code).toBe(0);
    const m = (await loadImage(out)).meta;
    expect(hasGps(m.exif!)).toBe(false);
    expect(isSrgbProfile(m.icc!)).toBe(true);
  });

  it('refuses another --color-profile, naming the flag; --help lists both flags', async () => {
    const r = await run(path.join(dir, 'bad.png'), '--color-profile', 'p3');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/Expected keep or srgb for --color-profile but received "p3"/);
    const help = await cli('run', '--help');
    expect(help.out).toMatch(/--color-profile <mode>/);
    expect(help.out).toMatch(/--strip-location/);
  });
});
