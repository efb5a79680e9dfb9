// The CLI never overwrites an original or a mask, checks --out before anything runs, and refuses bad
// stage lists and rectangles with exit 2 and a message that names the problem.
import {
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { saveMask } from '../image/mask';
import { saveImage } from '../image/save';
import { createImage, createMask } from '../image/types';
import { cli } from '../testing/cli';

let dir: string;
let imagePath: string;
let maskPath: string;

const models = () => ['--models-dir', path.join(dir, 'models')];

/** JSON lines of a --json run that show a stage started or reported progress. */
const stageLines = (out: string) =>
  out
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { type: string })
    .filter((l) => l.type === 'stage-start' || l.type === 'progress' || l.type === 'summary');

/** A fresh folder holding a copy of the photo and the mask. */
function sandbox(name: string): { at: string; image: string; mask: string } {
  const at = path.join(dir, name);
  mkdirSync(at);
  copyFileSync(imagePath, path.join(at, 'photo.png'));
  copyFileSync(maskPath, path.join(at, 'mask.png'));
  return { at, image: path.join(at, 'photo.png'), mask: path.join(at, 'mask.png') };
}

const run = (image: string, mask: string, out: string, ...rest: string[]) =>
  cli('run', '--image', image, '--mask', mask, '--out', out, '--json', ...rest, ...models());

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'cli-safety-'));
  const image = createImage(64, 48);
  const n = 64 * 48;
  for (let i = 0; i < n; i++) {
    const x = i % 64,
      y = Math.floor(i / 64);
    image.data[i] = 0.5 + 0.3 * Math.sin(x / 5);
    image.data[n + i] = 0.4 + 0.2 * Math.cos(y / 7);
    image.data[2 * n + i] = (x + y) / 112;
  }
  imagePath = path.join(dir, 'photo.png');
  await saveImage(imagePath, image);
  const mask = createMask(64, 48);
  for (let y = 16; y < 32; y++) for (let x = 24; x < 40; x++) mask.data[y * 64 + x] = 1;
  maskPath = path.join(dir, 'mask.png');
  await saveMask(maskPath, mask);
});

afterEach(() => vi.restoreAllMocks());

describe('run never overwrites the original', () => {
  it('refuses --out that is the target of the --image symlink (exit 2, both files named)', async () => {
    const s = sandbox('symlink');
    const link = path.join(s.at, 'link.png');
    symlinkSync(s.image, link);
    const before = readFileSync(s.image);
    const r = await run(link, s.mask, s.image);
    expect(r.code).toBe(2);
    expect(r.err).toContain(link);
    expect(r.err).toContain(s.image);
    expect(stageLines(r.out)).toEqual([]);
    expect(readFileSync(s.image).equals(before)).toBe(true);
  });

  it('refuses --out that is a hard link of --image', async () => {
    const s = sandbox('hardlink');
    const hard = path.join(s.at, 'hard.png');
    linkSync(s.image, hard);
    const before = readFileSync(s.image);
    const r = await run(hard, s.mask, s.image);
    expect(r.code).toBe(2);
    expect(r.err).toContain(hard);
    expect(readFileSync(s.image).equals(before)).toBe(true);
  });

  it('refuses --out equal to the image path (exit 2)', async () => {
    const s = sandbox('same-path');
    const r = await run(s.image, s.mask, path.join(s.at, '.', 'photo.png'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/Refusing to overwrite the original/);
  });
});

describe('run never overwrites a mask', () => {
  it('refuses --out equal to --mask, or a link to it', async () => {
    const s = sandbox('out-mask');
    const before = readFileSync(s.mask);
    const r = await run(s.image, s.mask, s.mask);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/mask/);
    expect(r.err).toContain(s.mask);
    const link = path.join(s.at, 'mask-link.png');
    symlinkSync(s.mask, link);
    const r2 = await run(s.image, link, s.mask);
    expect(r2.code).toBe(2);
    expect(stageLines(r.out + r2.out)).toEqual([]);
    expect(readFileSync(s.mask).equals(before)).toBe(true);
  });

  it('batch: refuses --out equal to the mask folder (or a link to it), and to the image folder', async () => {
    const at = path.join(dir, 'batch-masks');
    const images = path.join(at, 'images');
    const masks = path.join(at, 'masks');
    mkdirSync(images, { recursive: true });
    mkdirSync(masks);
    copyFileSync(imagePath, path.join(images, 'a.png'));
    copyFileSync(maskPath, path.join(masks, 'a.png'));
    const maskBefore = readFileSync(path.join(masks, 'a.png'));
    const imageBefore = readFileSync(path.join(images, 'a.png'));
    symlinkSync(masks, path.join(at, 'masks-link'));

    for (const out of [masks, path.join(at, 'masks-link'), images]) {
      const r = await run(images, masks, out);
      expect(r.code, out).toBe(2);
      expect(r.err, out).toContain(out);
      expect(stageLines(r.out), out).toEqual([]);
    }
    expect(readFileSync(path.join(masks, 'a.png')).equals(maskBefore)).toBe(true);
    expect(readFileSync(path.join(images, 'a.png')).equals(imageBefore)).toBe(true);
    expect(readdirSync(masks)).toEqual(['a.png']);
  });
});

describe('run checks --out before anything runs', () => {
  const refused = async (out: string, what: RegExp, image = imagePath) => {
    const r = await run(image, maskPath, out, '--model', 'generated-lama-fixed-rgb');
    expect(r.code, r.err).toBe(2);
    expect(r.err).toMatch(what);
    expect(r.err).toContain(out);
    // Nothing ran: no stage started, no progress, no summary.
    expect(stageLines(r.out)).toEqual([]);
    return r;
  };

  it('a missing parent folder', async () => {
    const out = path.join(dir, 'no-such-folder', 'out.png');
    await refused(out, /does not exist/);
    expect(existsSync(path.dirname(out))).toBe(false);
  });

  it('an unknown extension, and a new path without an extension', async () => {
    await refused(path.join(dir, 'out.gif'), /\.gif/);
    await refused(path.join(dir, 'out-without-extension'), /no extension/);
    expect(existsSync(path.join(dir, 'out.gif'))).toBe(false);
  });

  it('a single image with --out naming an existing folder', async () => {
    const folder = path.join(dir, 'an-existing-folder');
    mkdirSync(folder);
    await refused(folder, /folder/);
    expect(readdirSync(folder)).toEqual([]);
  });

  it('a batch with --out naming an existing file', async () => {
    const images = path.join(dir, 'batch-file-out');
    mkdirSync(images);
    copyFileSync(imagePath, path.join(images, 'a.png'));
    const file = path.join(dir, 'existing-file.png');
    writeFileSync(file, 'keep me');
    await refused(file, /is a file/, images);
    expect(readFileSync(file, 'utf8')).toBe('keep me');
  });
});

describe('run refuses bad stage lists and rectangles (exit 2, named)', () => {
  it('--stages lama,lama', async () => {
    const out = path.join(dir, 'dup.png');
    const r = await run(imagePath, maskPath, out, '--stages', 'lama,lama');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/lama.*twice/);
    expect(stageLines(r.out)).toEqual([]);
    expect(existsSync(out)).toBe(false);
  });

  it('texture.exemplar outside the image is PARAM_INVALID naming it, not an internal error', async () => {
    const out = path.join(dir, 'exemplar.png');
    const r = await run(
      imagePath,
      maskPath,
      out,
      '--stages',
      'lama,texture',
      '--set',
      'texture.exemplar=500,500,10,10',
    );
    expect(r.code).toBe(2);
    const err = r.out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l))
      .find((l) => l.type === 'error');
    expect(err).toMatchObject({ code: 'PARAM_INVALID' });
    expect(err.message).toMatch(/texture\.exemplar/);
    expect(err.message).toMatch(/64x48/);
    expect(existsSync(out)).toBe(false);
  });
});

describe('models import', () => {
  it('a missing file is exit 2 naming it, not a raw ENOENT', async () => {
    const missing = path.join(dir, 'missing.onnx');
    const r = await cli('models', 'import', 'my-model', missing, ...models());
    expect(r.code).toBe(2);
    expect(r.err).toContain(missing);
    expect(r.err).not.toMatch(/ENOENT/);
  });
});
