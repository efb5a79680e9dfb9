// Tensor models end to end: VGG19's convolutions fetched by HTTP Range requests out of a 575 MB
// safetensors file of timm's layout (served virtually), imported from local files, verified and loaded.
import { mkdtemp, open, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StudioError } from '../app/common/errors';
import type { TensorModelEntry } from './manifest';
import { planRanges } from './rangeFetch';
import { readSafetensors, readSafetensorsHeader, writeSafetensors } from './safetensors';
import { sha256File } from './sha256';
import { ModelStore, type DownloadProgress } from './store';
import { trustOnFirstUseFromEnv } from './storeState';
import { extractedFileBytes } from './tensorContent';
import { serveRanges, startTestServer, type TestServer } from '../app/testing/httpServer';
import { makeVgg19Source, virtualSafetensors } from '../app/testing/vgg19Source';
import { loadVgg19Weights } from './vgg19';
import { vgg19Tensors } from './vgg19Layers';

const source = makeVgg19Source({ classifier: 'real' });
const WANTED_BYTES = source.wanted.reduce((s, t) => s + t.data.length, 0);

function vggEntry(url: string, pin: Partial<TensorModelEntry> = {}): TensorModelEntry {
  const tensors = vgg19Tensors();
  return {
    id: 'vgg19-conv',
    kind: 'tensors',
    purpose: 'features',
    label: 'VGG19 convolutions',
    url,
    file: 'vgg19-conv.safetensors',
    bytes: extractedFileBytes(tensors),
    contentLabel: "VGG19's convolution weights",
    tensors,
    contentSha256: null,
    unpinnedReason: 'not computed in this test',
    sourceSha256: null,
    sourceBytes: null,
    licence: 'BSD-3-Clause',
    homepage: 'http://127.0.0.1/',
    inputs: [],
    outputs: [],
    ...pin,
  };
}

let dir: string;
let server: TestServer | undefined;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'inpaint-tensors-'));
});

afterEach(async () => {
  await server?.close();
  server = undefined;
  await rm(dir, { recursive: true, force: true });
});

function storeWith(entry: TensorModelEntry, o: { trust?: boolean; retries?: number } = {}): ModelStore {
  return new ModelStore({
    dir: path.join(dir, 'store'),
    manifest: [entry],
    trustOnFirstUse: o.trust ?? false,
    retries: o.retries ?? 0,
    retryDelayMs: 1,
  });
}

async function failure(p: Promise<unknown>): Promise<StudioError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof StudioError) return e;
    throw e;
  }
  throw new Error('expected a StudioError');
}

const served = (s: TestServer): number => s.requests.reduce((sum, r) => sum + r.sent, 0);
const folder = (): string => path.join(dir, 'store', 'vgg19-conv');

describe('planRanges', () => {
  it('merges ranges that overlap or lie within the gap, and places each in the concatenation', () => {
    expect(
      planRanges(
        [
          { start: 100, end: 200 },
          { start: 0, end: 50 },
          { start: 60, end: 90 },
          { start: 1000, end: 1010 },
          { start: 5, end: 5 },
        ],
        9,
      ),
    ).toEqual([
      { start: 0, end: 50, at: 0 },
      { start: 60, end: 90, at: 50 },
      { start: 100, end: 200, at: 80 },
      { start: 1000, end: 1010, at: 180 },
    ]);
    expect(
      planRanges(
        [
          { start: 0, end: 50 },
          { start: 60, end: 90 },
        ],
        10,
      ),
    ).toEqual([{ start: 0, end: 90, at: 0 }]);
  });
});

describe('tensor model download by HTTP Range requests', () => {
  it('fetches only the convolution ranges of a 575 MB file, installs them and records their hash', async () => {
    server = await startTestServer(serveRanges(source.file));
    const store = storeWith(vggEntry(server.url('/model.safetensors')), { trust: true });
    const events: DownloadProgress[] = [];
    const m = await store.download('vgg19-conv', { onProgress: (p) => events.push(p) });

    expect(source.file.size).toBeGreaterThan(570_000_000);
    // A prefix (header length + header), then conv1_1…conv4_4: features.0–25 and features.5–7 lie on both
    // sides of conv5 in the name-sorted file, so two ranges.
    expect(server.requests.map((r) => r.range)).toEqual([
      'bytes=0-65535',
      expect.stringMatching(/^bytes=\d+-\d+$/),
      expect.stringMatching(/^bytes=\d+-\d+$/),
    ]);
    const total = served(server);
    expect(total).toBeLessThan(WANTED_BYTES + 200_000);
    expect(total).toBeLessThan(source.file.size / 10);
    const conv5 = source.file.ranges.get('features.28.weight')!;
    for (const r of server.requests.slice(1)) {
      const [a, b] = r.range!.slice(6).split('-').map(Number) as [number, number];
      expect(b < conv5.start || a >= conv5.end).toBe(true);
    }

    expect(m).toMatchObject({
      id: 'vgg19-conv',
      purpose: 'features',
      trust: 'first-use',
      contentSha256: source.digest.contentSha256,
    });
    expect(m.path).toBe(path.join(folder(), 'vgg19-conv.safetensors'));
    expect((await stat(m.path)).size).toBe(extractedFileBytes(vgg19Tensors()));
    expect(await readdir(folder())).toEqual(['model.json', 'vgg19-conv.safetensors']);
    const back = await readSafetensors(m.path);
    expect(back.map((t) => t.name)).toEqual(source.wanted.map((t) => t.name));
    for (let i = 0; i < back.length; i++)
      expect(Buffer.compare(back[i]!.data, source.wanted[i]!.data)).toBe(0);

    expect(events.at(-1)).toEqual({
      id: 'vgg19-conv',
      received: events.at(-1)!.total,
      total: events.at(-1)!.total,
    });
    expect(events.at(-1)!.total).toBe(served(server) - 65536);
    expect(await store.resolve('features')).toEqual({ id: 'vgg19-conv', path: m.path });
    const row = (await store.list())[0]!;
    expect(row).toMatchObject({
      kind: 'tensors',
      state: 'installed',
      trust: 'first-use',
      contentSha256: source.digest.contentSha256,
    });
    expect((await store.verify()).map((r) => [r.id, r.status])).toEqual([['vgg19-conv', 'ok']]);
  });

  it('refuses an unpinned model without trust on first use, before any request', async () => {
    server = await startTestServer(serveRanges(source.file));
    const store = storeWith(vggEntry(server.url('/model.safetensors')));
    const err = await failure(store.download('vgg19-conv'));
    expect(err.code).toBe('MODEL_INTEGRITY');
    expect(err.message).toMatch(/pins no content SHA-256/);
    expect(err.message).toMatch(/--trust-on-first-use/);
    expect(err.message).toMatch(/INPAINT_STUDIO_TRUST_UNPINNED=1/);
    expect(err.message).toMatch(/models import vgg19-conv/);
    expect(server.requests).toHaveLength(0);
    // The per-call option overrides the store's default.
    const m = await store.download('vgg19-conv', { trustOnFirstUse: true });
    expect(m.trust).toBe('first-use');
    // The opt-in through the environment.
    expect(trustOnFirstUseFromEnv({ INPAINT_STUDIO_TRUST_UNPINNED: '1' })).toBe(true);
    for (const v of [undefined, '', '0', 'yes']) {
      expect(trustOnFirstUseFromEnv({ INPAINT_STUDIO_TRUST_UNPINNED: v })).toBe(false);
    }
  });

  it('installs a pinned model without opting in, and refuses a corrupted byte naming the file', async () => {
    server = await startTestServer(serveRanges(source.file));
    const url = server.url('/model.safetensors');
    const pinned = vggEntry(url, { contentSha256: source.digest.contentSha256 });
    const store = storeWith(pinned);
    const m = await store.download('vgg19-conv');
    expect(m.trust).toBe('manifest');
    const before = (await stat(m.path)).mtimeMs;

    const target = source.file.ranges.get('features.10.weight')!.start + 1234;
    server.handle(serveRanges(source.file, { flip: [target] }));
    const err = await failure(store.download('vgg19-conv', { force: true }));
    expect(err.code).toBe('MODEL_INTEGRITY');
    expect(err.message).toContain(url);
    expect(err.message).toContain(`expected ${source.digest.contentSha256}`);
    expect(err.message).toMatch(/deleted and nothing was installed/);
    // The installed model is untouched, the bad download is gone.
    expect((await stat(m.path)).mtimeMs).toBe(before);
    expect(await readdir(folder())).toEqual(['model.json', 'vgg19-conv.safetensors']);
    expect(await store.get('vgg19-conv')).not.toBeNull();

    // A manifest that later pins other weights makes the installed model unusable.
    const repinned = storeWith(vggEntry(url, { contentSha256: 'f'.repeat(64) }));
    expect(await repinned.get('vgg19-conv')).toBeNull();
    expect((await repinned.list())[0]).toMatchObject({
      state: 'corrupt',
      problem: 'the manifest now pins other weights',
    });
  });

  it('keeps an interrupted fetch and resumes it where it stopped', async () => {
    server = await startTestServer((req, res, i) =>
      serveRanges(source.file, i === 1 ? { dropAfter: 3_000_000 } : {})(req, res, i),
    );
    const store = storeWith(vggEntry(server.url('/model.safetensors')), { trust: true });
    const err = await failure(store.download('vgg19-conv'));
    expect(err.code).toBe('MODEL_DOWNLOAD');
    expect(err.message).toMatch(/resume/);
    const partial = path.join(folder(), 'vgg19-conv.safetensors.partial');
    const kept = (await stat(partial)).size;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThanOrEqual(3_000_000);
    expect((await store.list())[0]).toMatchObject({ state: 'partial', partialBytes: kept });

    const first = server.requests[1]!.range!;
    const start = Number(/^bytes=(\d+)-/.exec(first)![1]);
    const m = await store.download('vgg19-conv');
    // The prefix again (to check the plan), then the interrupted range from where it stopped.
    expect(server.requests[2]!.range).toBe('bytes=0-65535');
    expect(server.requests[3]!.range).toBe(`bytes=${start + kept}-${first.split('-')[1]}`);
    expect(m.contentSha256).toBe(source.digest.contentSha256);
    expect(await readdir(folder())).toEqual(['model.json', 'vgg19-conv.safetensors']);
  });

  it('retries a dropped range within one call', async () => {
    server = await startTestServer((req, res, i) =>
      serveRanges(source.file, i === 1 || i === 2 ? { dropAfter: 1_000_000 } : {})(req, res, i),
    );
    const store = storeWith(vggEntry(server.url('/model.safetensors')), { trust: true, retries: 2 });
    const m = await store.download('vgg19-conv');
    expect(m.contentSha256).toBe(source.digest.contentSha256);
    expect(server.requests).toHaveLength(5);
    const starts = server.requests.slice(1, 4).map((r) => Number(/^bytes=(\d+)-/.exec(r.range!)![1]));
    expect(starts[1]! - starts[0]!).toBeGreaterThan(0);
    expect(starts[2]! - starts[1]!).toBeGreaterThan(0);
  });

  it('refuses a server that ignores Range instead of downloading the whole file', async () => {
    server = await startTestServer(serveRanges(source.file, { honourRange: false, chunk: 64 * 1024 }));
    const store = storeWith(vggEntry(server.url('/model.safetensors')), { trust: true });
    const err = await failure(store.download('vgg19-conv'));
    expect(err.code).toBe('MODEL_DOWNLOAD');
    expect(err.message).toMatch(/ignored the byte-range request/);
    expect(err.message).toMatch(/models import vgg19-conv/);
    await new Promise((r) => setTimeout(r, 50));
    expect(served(server)).toBeLessThan(16 * 1024 * 1024);
    expect(server.requests).toHaveLength(1);
    expect(await readdir(folder())).toEqual([]);
  });

  it('names a malformed header, a missing tensor and a wrong shape in the remote file', async () => {
    const bad = Buffer.alloc(40, 0x20);
    bad.writeBigUInt64LE(32n);
    bad.write('{"features.0.weight": {"dtype"', 8);
    server = await startTestServer(
      serveRanges({ size: bad.length, read: (a, b) => Buffer.from(bad.subarray(a, b)) }),
    );
    const store = storeWith(vggEntry(server.url('/model.safetensors')), { trust: true });
    const json = await failure(store.download('vgg19-conv'));
    expect(json.code).toBe('MODEL_INTEGRITY');
    expect(json.message).toMatch(
      /model\.safetensors is not a valid safetensors file: the header is not valid JSON/,
    );

    const tensors = vgg19Tensors().map((t) => ({ name: t.name, dtype: t.dtype, shape: [...t.shape] }));
    const missing = virtualSafetensors(tensors.filter((t) => t.name !== 'features.21.bias'));
    server.handle(serveRanges(missing));
    const gone = await failure(store.download('vgg19-conv'));
    expect(gone.code).toBe('MODEL_INTEGRITY');
    expect(gone.message).toMatch(
      /does not hold VGG19's convolution weights: tensor features\.21\.bias is missing/,
    );

    const wrong = virtualSafetensors(
      tensors.map((t) => (t.name === 'features.7.weight' ? { ...t, shape: [128, 64, 3, 3] } : t)),
    );
    server.handle(serveRanges(wrong));
    const shape = await failure(store.download('vgg19-conv'));
    expect(shape.message).toMatch(
      /tensor features\.7\.weight has shape \[128, 64, 3, 3\], expected \[128, 128, 3, 3\]/,
    );
    // Only the first bytes of each file were read.
    expect(server.requests.map((r) => r.range)).toEqual(['bytes=0-65535', 'bytes=0-65535', 'bytes=0-65535']);
    expect(await readdir(folder())).toEqual([]);
  });

  it('refuses a source of another size when the size is pinned', async () => {
    server = await startTestServer(serveRanges(source.file));
    const store = storeWith(vggEntry(server.url('/m'), { sourceBytes: 1234 }), { trust: true });
    const err = await failure(store.download('vgg19-conv'));
    expect(err.code).toBe('MODEL_INTEGRITY');
    expect(err.message).toMatch(/offers \d+ bytes .* but 1234 are expected/);
    expect(server.requests).toHaveLength(1);
  });

  it('follows redirects for every request, and cancels keeping what arrived', async () => {
    server = await startTestServer((req, res, i) => {
      if (req.url === '/resolve') res.writeHead(302, { location: '/cdn/model.safetensors' }).end();
      else serveRanges(source.file, { chunk: 256 * 1024 })(req, res, i);
    });
    const store = storeWith(vggEntry(server.url('/resolve')), { trust: true });
    const ac = new AbortController();
    const err = await failure(
      store.download('vgg19-conv', {
        signal: ac.signal,
        onProgress: (p) => {
          if (p.received > 2_000_000) ac.abort();
        },
      }),
    );
    expect(err.code).toBe('CANCELLED');
    const kept = (await stat(path.join(folder(), 'vgg19-conv.safetensors.partial'))).size;
    expect(kept).toBeGreaterThan(0);

    const m = await store.download('vgg19-conv');
    expect(m.contentSha256).toBe(source.digest.contentSha256);
    expect(server.requests.filter((r) => r.path === '/resolve').length).toBe(
      server.requests.filter((r) => r.path === '/cdn/model.safetensors').length,
    );
  });
});

describe('tensor model import', () => {
  it('extracts the tensors of the full source file, verified by its pinned whole-file SHA-256', async () => {
    const tiny = makeVgg19Source({ classifier: 'tiny' });
    const file = path.join(dir, 'model.safetensors');
    await tiny.file.writeTo(file);
    const sha = await sha256File(file);
    const before = (await stat(file)).mtimeMs;
    const store = storeWith(vggEntry('https://example.invalid/model.safetensors', { sourceSha256: sha }));
    const m = await store.importFile('vgg19-conv', file);
    expect(m).toMatchObject({
      trust: 'source-file',
      sourceKind: 'import',
      source: file,
      contentSha256: tiny.digest.contentSha256,
    });
    expect((await stat(file)).mtimeMs).toBe(before);
    const header = await readSafetensorsHeader(m.path);
    expect([...header.tensors.keys()]).toEqual(vgg19Tensors().map((t) => t.name));
    expect(header.tensors.has('head.fc.weight')).toBe(false);

    // Another file of the same layout is not the pinned source: refused without trust on first use.
    const other = makeVgg19Source({ classifier: 'tiny', seed: 2 });
    const otherFile = path.join(dir, 'other.safetensors');
    await other.file.writeTo(otherFile);
    const err = await failure(store.importFile('vgg19-conv', otherFile));
    expect(err.code).toBe('MODEL_INTEGRITY');
    expect(err.message).toMatch(/it is not the pinned source file/);
    expect(err.message).toMatch(/--trust-on-first-use/);
    expect((await store.get('vgg19-conv'))?.contentSha256).toBe(tiny.digest.contentSha256);
    const ok = await store.importFile('vgg19-conv', otherFile, { trustOnFirstUse: true });
    expect(ok).toMatchObject({ trust: 'first-use', contentSha256: other.digest.contentSha256 });
  });

  it('accepts an extracted file when it matches the pin, and names a wrong or missing tensor', async () => {
    const extracted = path.join(dir, 'vgg19-conv.safetensors');
    await writeSafetensors(extracted, source.wanted);
    const store = storeWith(
      vggEntry('https://example.invalid/m', { contentSha256: source.digest.contentSha256 }),
    );
    // An ONNX `validate` hook (the editor passes one for every import) does not apply to tensor models.
    const onnxCheck = (): Promise<string> => Promise.reject(new Error('not an ONNX model'));
    expect((await store.importFile('vgg19-conv', extracted, { validate: onnxCheck })).trust).toBe('manifest');

    const altered = source.wanted.map((t) =>
      t.name === 'features.12.bias' ? { ...t, data: new Uint8Array(t.data.length) } : t,
    );
    await writeSafetensors(extracted, altered);
    const differs = await failure(store.importFile('vgg19-conv', extracted));
    expect(differs.code).toBe('MODEL_INTEGRITY');
    expect(differs.message).toMatch(/does not hold the pinned VGG19's convolution weights: content SHA-256/);

    await writeSafetensors(
      extracted,
      source.wanted.filter((t) => t.name !== 'features.2.weight'),
    );
    const missing = await failure(store.importFile('vgg19-conv', extracted));
    expect(missing.message).toMatch(/tensor features\.2\.weight is missing/);

    await writeSafetensors(
      extracted,
      source.wanted.map((t) => (t.name === 'features.0.bias' ? { ...t, dtype: 'I32' as const } : t)),
    );
    const dtype = await failure(store.importFile('vgg19-conv', extracted));
    expect(dtype.message).toMatch(/tensor features\.0\.bias is I32, expected F32/);

    await writeFile(extracted, Buffer.from('not a safetensors file at all'));
    const garbage = await failure(store.importFile('vgg19-conv', extracted));
    expect(garbage.code).toBe('MODEL_INTEGRITY');
    expect(garbage.message).toMatch(/is not a valid safetensors file/);
    // The first import is still installed.
    expect((await store.get('vgg19-conv'))?.contentSha256).toBe(source.digest.contentSha256);
  });
});

describe('verify and load', () => {
  async function installed(): Promise<{ store: ModelStore; file: string }> {
    const extracted = path.join(dir, 'in.safetensors');
    await writeSafetensors(extracted, source.wanted);
    const store = storeWith(vggEntry('https://example.invalid/m'), { trust: true });
    const m = await store.importFile('vgg19-conv', extracted);
    return { store, file: m.path };
  }

  async function flip(file: string, at: number): Promise<void> {
    const fh = await open(file, 'r+');
    try {
      const b = Buffer.alloc(1);
      await fh.read(b, 0, 1, at);
      b[0] = b[0]! ^ 0x01;
      await fh.write(b, 0, 1, at);
    } finally {
      await fh.close();
    }
  }

  it('loads the weights keyed by torchvision names as float32, checked against the recorded hashes', async () => {
    const { file } = await installed();
    const w = await loadVgg19Weights(file);
    expect([...w.keys()]).toEqual(vgg19Tensors().map((t) => t.name));
    expect(w.get('features.0.weight')!.shape).toEqual([64, 3, 3, 3]);
    expect(w.get('features.25.bias')!.shape).toEqual([512]);
    const expected = new Float32Array(new Uint8Array(source.wanted[0]!.data).buffer);
    expect(w.get('features.0.weight')!.data).toEqual(expected);
    // conv5 is not in the extracted file.
    const { VGG19_CONV_LAYERS } = await import('./vgg19Layers');
    const err = await failure(loadVgg19Weights(file, { layers: VGG19_CONV_LAYERS }));
    expect(err.message).toMatch(/tensor features\.28\.weight is missing/);
  });

  it('loads the convolutions out of a full source file too', async () => {
    const tiny = makeVgg19Source({ classifier: 'tiny' });
    const file = path.join(dir, 'full.safetensors');
    await tiny.file.writeTo(file);
    const w = await loadVgg19Weights(file, { expectedContentSha256: tiny.digest.contentSha256 });
    expect(w.size).toBe(24);
    const bad = await failure(loadVgg19Weights(file, { expectedContentSha256: '0'.repeat(64) }));
    expect(bad.code).toBe('MODEL_INTEGRITY');
  });

  it('verify names the tensor whose bytes changed; loads refuse it; the file is kept', async () => {
    const { store, file } = await installed();
    const header = await readSafetensorsHeader(file);
    const t = header.tensors.get('features.19.weight')!;
    await flip(file, header.dataStart + t.begin + 100);

    const loadErr = await failure(loadVgg19Weights(file));
    expect(loadErr.code).toBe('MODEL_INTEGRITY');
    expect(loadErr.message).toMatch(/tensor features\.19\.weight changed/);

    const [r] = await store.verify();
    expect(r).toMatchObject({
      id: 'vgg19-conv',
      status: 'mismatch',
      expectedSha256: source.digest.contentSha256,
    });
    expect(r!.message).toMatch(/tensor features\.19\.weight changed/);
    expect(r!.message).toContain(file);
    expect(await store.resolve('features')).toBeNull();
    expect((await store.list())[0]).toMatchObject({ state: 'corrupt' });
    expect((await stat(file)).size).toBe(extractedFileBytes(vgg19Tensors()));
    expect((await failure(loadVgg19Weights(file))).message).toMatch(/failed its integrity check/);

    await flip(file, header.dataStart + t.begin + 100);
    expect((await store.verify()).map((x) => x.status)).toEqual(['ok']);
    expect((await loadVgg19Weights(file)).size).toBe(24);
  });

  it('verify names a damaged header', async () => {
    const { store, file } = await installed();
    const bytes = await readFile(file);
    const at = bytes.indexOf('"shape":[64,3,3,3]') + 9;
    await flip(file, at); // '6' -> '7'
    const [r] = await store.verify();
    expect(r!.status).toBe('mismatch');
    expect(r!.message).toMatch(/features\.0\.weight/);
  });
});
