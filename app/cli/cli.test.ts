// The CLI as a user drives it: exit codes, messages that name the problem, and no output left behind.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  writeFileSync,
  copyFileSync,
  statSync,
  rmSync,
} from 'node:fs';
import { hostname } from 'node:os';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ensureGeneratedModel } from '../../native-models/generated/index';
import { lockPath } from '../../native-models/storeLock';
import { serveRanges, startTestServer } from '../testing/httpServer';
import { makeVgg19Source } from '../testing/vgg19Source';
import { loadImage } from '../image/load';
import { saveMask } from '../image/mask';
import { saveImage } from '../image/save';
import { createImage, createMask, type RgbImage } from '../image/types';
import { cli } from '../testing/cli';

let dir: string;
let imagePath: string;
let maskPath: string;
let image: RgbImage;

function textured(w: number, h: number): RgbImage {
  const img = createImage(w, h);
  const n = w * h;
  for (let i = 0; i < n; i++) {
    const x = i % w,
      y = Math.floor(i / w);
    img.data[i] = 0.5 + 0.3 * Math.sin(x / 5);
    img.data[n + i] = 0.4 + 0.2 * Math.cos(y / 7);
    img.data[2 * n + i] = (x + y) / (w + h);
  }
  return img;
}

const models = () => ['--models-dir', path.join(dir, 'models')];

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'cli-test-'));
  image = textured(160, 120);
  imagePath = path.join(dir, 'photo.png');
  await saveImage(imagePath, image);
  const mask = createMask(160, 120);
  for (let y = 40; y < 80; y++) for (let x = 60; x < 110; x++) mask.data[y * 160 + x] = 1;
  maskPath = path.join(dir, 'mask.png');
  await saveMask(maskPath, mask);
});

afterEach(() => vi.restoreAllMocks());

describe('inpaint-studio run', () => {
  it('fills with the generated LaMa-signature model; pixels outside the mask are the original', async () => {
    const out = path.join(dir, 'out.png');
    const r = await cli(
      'run',
      '--image',
      imagePath,
      '--mask',
      maskPath,
      '--out',
      out,
      '--model',
      'generated-lama-fixed-rgb',
      '--json',
      ...models(),
    );
    expect(r.code).toBe(0);
    const lines = r.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const summary = lines.at(-1);
    expect(summary).toMatchObject({
      type: 'summary',
      ok: true,
      stages: [{ stage: 'lama', info: { engine: 'model', provider: 'cpu' } }],
    });
    expect(typeof summary.stages[0].ms).toBe('number');
    expect(lines.some((l) => l.type === 'progress')).toBe(true);
    const written = (await loadImage(out)).image;
    const src = (await loadImage(imagePath)).image;
    const n = 160 * 120;
    let diffOutside = 0,
      diffInside = 0;
    for (let c = 0; c < 3; c++)
      for (let i = 0; i < n; i++) {
        const x = i % 160,
          y = Math.floor(i / 160);
        const inside = y >= 40 && y < 80 && x >= 60 && x < 110;
        const d = Math.abs(written.data[c * n + i] - src.data[c * n + i]);
        if (inside) diffInside += d;
        else diffOutside = Math.max(diffOutside, d);
      }
    expect(diffOutside).toBe(0);
    expect(diffInside).toBeGreaterThan(0);
  });

  it('uses the embedded fill when no model is installed, and says so', async () => {
    const out = path.join(dir, 'embedded.png');
    const r = await cli('run', '--image', imagePath, '--mask', maskPath, '--out', out, ...models());
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/embedded .* fill: no LaMa model is installed/);
    expect(existsSync(out)).toBe(true);
  });

  it('exit 2 and no output for an undecodable image, naming the file', async () => {
    const bad = path.join(dir, 'bad.png');
    writeFileSync(bad, 'not an image');
    const out = path.join(dir, 'bad-out.png');
    const r = await cli('run', '--image', bad, '--mask', maskPath, '--out', out, ...models());
    expect(r.code).toBe(2);
    expect(r.err).toContain('bad.png');
    expect(existsSync(out)).toBe(false);
  });

  it('exit 2 and no output for a mask of the wrong size, naming both sizes', async () => {
    const small = path.join(dir, 'small-mask.png');
    await saveMask(small, createMask(50, 40));
    const out = path.join(dir, 'size-out.png');
    const r = await cli('run', '--image', imagePath, '--mask', small, '--out', out, ...models());
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/50x40.*160x120/);
    expect(existsSync(out)).toBe(false);
  });

  it('exit 2 for a bad parameter, naming it', async () => {
    const r = await cli(
      'run',
      '--image',
      imagePath,
      '--mask',
      maskPath,
      '--out',
      path.join(dir, 'p.png'),
      '--set',
      'lama.feather=abc',
      ...models(),
    );
    expect(r.code).toBe(2);
    expect(r.err).toContain('Expected an integer between 0 and 64 for lama.feather but received "abc"');
  });

  it('exit 3 and no output for a missing model', async () => {
    const out = path.join(dir, 'missing-out.png');
    const r = await cli(
      'run',
      '--image',
      imagePath,
      '--mask',
      maskPath,
      '--out',
      out,
      '--model',
      'lama-fp32',
      ...models(),
    );
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/lama-fp32.*not installed/);
    expect(existsSync(out)).toBe(false);
  });

  it('says on stderr when another process holds the model and the import waits for it', async () => {
    const storeDir = path.join(dir, 'models-locked');
    mkdirSync(storeDir, { recursive: true });
    const gen = await ensureGeneratedModel('generated-lama-fixed-rgb');
    // A live holder (this process) is importing the same id; it lets go a moment later.
    const lock = lockPath(storeDir, 'locked-lama');
    const holder = {
      pid: process.pid,
      host: hostname(),
      since: new Date().toISOString(),
      what: 'importing',
      token: 't',
    };
    writeFileSync(lock, JSON.stringify(holder));
    const letGo = setTimeout(() => rmSync(lock, { force: true }), 800);
    try {
      const r = await cli('models', 'import', 'locked-lama', gen, '--models-dir', storeDir);
      expect(r.code).toBe(0);
      expect(r.err).toMatch(/locked-lama.*waiting for it to finish/);
    } finally {
      clearTimeout(letGo);
    }
  });

  it('exit 3 and no output for a corrupted model file', async () => {
    const storeDir = path.join(dir, 'models-corrupt');
    const gen = await ensureGeneratedModel('generated-lama-fixed-rgb');
    const imp = await cli('models', 'import', 'my-lama', gen, '--models-dir', storeDir);
    expect(imp.code).toBe(0);
    // Damage the installed file in place, keeping its size.
    const installed = path.join(
      storeDir,
      'my-lama',
      readdirSync(path.join(storeDir, 'my-lama')).find((f) => f.endsWith('.onnx'))!,
    );
    const size = statSync(installed).size;
    writeFileSync(installed, Buffer.alloc(size, 7));
    const out = path.join(dir, 'corrupt-out.png');
    const r = await cli(
      'run',
      '--image',
      imagePath,
      '--mask',
      maskPath,
      '--out',
      out,
      '--model',
      'my-lama',
      '--models-dir',
      storeDir,
    );
    expect(r.code).toBe(3);
    expect(existsSync(out)).toBe(false);
    const v = await cli('models', 'verify', '--models-dir', storeDir);
    expect(v.code).toBe(3);
    expect(v.out).toMatch(/mismatch\s+my-lama/);
  });

  it('refuses to overwrite the original', async () => {
    const copy = path.join(dir, 'keep.png');
    copyFileSync(imagePath, copy);
    const before = statSync(copy).mtimeMs;
    const r = await cli('run', '--image', copy, '--mask', maskPath, '--out', copy, ...models());
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/Refusing to overwrite the original/);
    expect(statSync(copy).mtimeMs).toBe(before);
  });

  it('batch: a folder of images, one bad file reported and skipped, the rest written', async () => {
    const inDir = path.join(dir, 'batch-in');
    const outDir = path.join(dir, 'batch-out');
    mkdirSync(inDir);
    copyFileSync(imagePath, path.join(inDir, 'a.png'));
    copyFileSync(imagePath, path.join(inDir, 'c.png'));
    writeFileSync(path.join(inDir, 'b.png'), 'broken');
    const r = await cli(
      'run',
      '--image',
      inDir,
      '--mask',
      maskPath,
      '--out',
      outDir,
      '--json',
      '--model',
      'generated-lama-fixed-rgb',
      ...models(),
    );
    expect(r.code).toBe(2);
    expect(readdirSync(outDir).sort()).toEqual(['a.png', 'c.png']);
    const errors = r.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .filter((l) => l.type === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0].image).toContain('b.png');
  });
});

describe('inpaint-studio models and stages', () => {
  it('an interrupted download exits non-zero, installs nothing and can be resumed', async () => {
    const total = 208_044_816;
    const server = await startTestServer((_req, res) => {
      res.writeHead(200, { 'content-length': total });
      res.write(Buffer.alloc(64 * 1024, 1), () => setTimeout(() => res.socket?.destroy(), 20));
    });
    try {
      const storeDir = path.join(dir, 'models-dl');
      const r = await cli(
        'models',
        'download',
        'lama-fp32',
        '--url',
        server.url('/lama_fp32.onnx'),
        '--models-dir',
        storeDir,
      );
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/resume/i);
      const list = await cli('models', 'list', '--json', '--models-dir', storeDir);
      const entry = JSON.parse(list.out).find((m: { id: string }) => m.id === 'lama-fp32');
      expect(entry.installed).toBe(false);
      expect(entry.partialBytes).toBeGreaterThan(0);
    } finally {
      await server.close();
    }
  });

  it('vgg19-conv: refused unpinned (exit 3, no request), then fetched by Range requests on trust on first use', async () => {
    const source = makeVgg19Source({ classifier: 'real' });
    const server = await startTestServer(serveRanges(source.file));
    try {
      const storeDir = path.join(dir, 'models-vgg');
      const url = server.url('/model.safetensors');
      const refused = await cli('models', 'download', 'vgg19-conv', '--url', url, '--models-dir', storeDir);
      expect(refused.code).toBe(3);
      expect(refused.err).toMatch(/pins no content SHA-256.*--trust-on-first-use/s);
      expect(server.requests).toHaveLength(0);

      const r = await cli(
        'models',
        'download',
        'vgg19-conv',
        '--url',
        url,
        '--trust-on-first-use',
        '--models-dir',
        storeDir,
      );
      expect(r.code, r.err).toBe(0);
      expect(r.out).toContain(`content SHA-256 ${source.digest.contentSha256} recorded on first use`);
      const sent = server.requests.reduce((s, q) => s + q.sent, 0);
      expect(sent).toBeLessThan(source.file.size / 10);

      const list = await cli('models', 'list', '--json', '--models-dir', storeDir);
      const row = JSON.parse(list.out).find((m: { id: string }) => m.id === 'vgg19-conv');
      expect(row).toMatchObject({
        installed: true,
        kind: 'tensors',
        trust: 'first-use',
        purpose: 'features',
      });
      const v = await cli('models', 'verify', '--models-dir', storeDir);
      expect(v.code).toBe(0);
      expect(v.out).toMatch(/ok\s+vgg19-conv/);
    } finally {
      await server.close();
    }
  });

  it('importing a corrupted model file fails with exit 3 and installs nothing', async () => {
    const bad = path.join(dir, 'garbage.onnx');
    writeFileSync(bad, Buffer.alloc(4096, 3));
    const storeDir = path.join(dir, 'models-bad');
    const r = await cli('models', 'import', 'garbage', bad, '--models-dir', storeDir);
    expect(r.code).toBe(3);
    const list = await cli('models', 'list', '--json', '--models-dir', storeDir);
    expect(JSON.parse(list.out).some((m: { id: string }) => m.id === 'garbage')).toBe(false);
  });

  it('stages lists every parameter with its range and default', async () => {
    const r = await cli('stages');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/lama\.feather\s+integer 0\.\.64 px, default 3/);
  });

  it('--help works on every command', async () => {
    for (const args of [
      ['--help'],
      ['run', '--help'],
      ['models', '--help'],
      ['models', 'download', '--help'],
      ['stages', '--help'],
    ]) {
      const r = await cli(...args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.out + r.err).toMatch(/Usage:/);
    }
  });
});
