import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StudioError } from '../app/common/errors';
import { fetchToFile, parseContentRange } from './download';
import type { ModelEntry } from './manifest';
import { ModelStore, type DownloadProgress } from './store';
import {
  dropAfter,
  makePayload,
  serveBytes,
  serveOverlong,
  stallAfter,
  startTestServer,
  type Payload,
  type TestServer,
} from '../app/testing/httpServer';
import { codeOf } from '../app/testing/errors';

const SIZE = 300 * 1024;

function entry(id: string, url: string, p: Payload): ModelEntry {
  return {
    id,
    purpose: 'inpaint',
    label: id,
    url,
    bytes: p.data.length,
    sha256: p.sha256,
    licence: 'MIT',
    homepage: 'http://127.0.0.1/',
    inputs: [],
    outputs: [],
  };
}

let dir: string;
let server: TestServer | undefined;
const alpha = makePayload(SIZE);
const beta = makePayload(SIZE / 2);

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'inpaint-dl-'));
});

afterEach(async () => {
  await server?.close();
  server = undefined;
  await rm(dir, { recursive: true, force: true });
});

/** A store whose manifest points `alpha` at /alpha.onnx and `beta` at /beta.onnx on the test server. */
function storeFor(s: TestServer): ModelStore {
  return new ModelStore({
    dir,
    manifest: [entry('alpha', s.url('/alpha.onnx'), alpha), entry('beta', s.url('/beta.onnx'), beta)],
    defaults: { inpaint: 'alpha' },
  });
}

describe('ModelStore.download over HTTP', () => {
  it('downloads, verifies and installs, with throttled progress and a final event', async () => {
    server = await startTestServer(serveBytes(alpha.data, { chunk: 8 * 1024, delayMs: 8 }));
    const store = storeFor(server);
    const events: DownloadProgress[] = [];
    const t0 = performance.now();
    const m = await store.download('alpha', { onProgress: (p) => events.push(p) });
    const elapsed = performance.now() - t0;

    expect(m.id).toBe('alpha');
    expect(m.path).toBe(path.join(dir, 'alpha', 'alpha.onnx'));
    expect(m.sha256).toBe(alpha.sha256);
    expect(Buffer.compare(await readFile(m.path), alpha.data)).toBe(0);
    expect(await readdir(path.join(dir, 'alpha'))).toEqual(['alpha.onnx', 'model.json']);
    const record = JSON.parse(await readFile(path.join(dir, 'alpha', 'model.json'), 'utf8'));
    expect(record).toMatchObject({
      id: 'alpha',
      sha256: alpha.sha256,
      bytes: SIZE,
      source: server.url('/alpha.onnx'),
    });

    expect(events.length).toBeGreaterThanOrEqual(2);
    expect(events.length).toBeLessThanOrEqual(Math.ceil(elapsed / 100) + 2);
    expect(events.at(-1)).toEqual({ id: 'alpha', received: SIZE, total: SIZE });
    for (let i = 1; i < events.length; i++)
      expect(events[i]!.received).toBeGreaterThanOrEqual(events[i - 1]!.received);
    expect(await store.resolve('inpaint')).toEqual({ id: 'alpha', path: m.path });

    // Installed already: no second request.
    const before = server.requests.length;
    await store.download('alpha');
    expect(server.requests.length).toBe(before);
  });

  it('keeps the partial file when the connection drops, and resumes it with a Range request', async () => {
    server = await startTestServer(dropAfter(alpha.data, 100 * 1024));
    const store = storeFor(server);
    const err = await store.download('alpha').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StudioError);
    expect((err as StudioError).code).toBe('MODEL_DOWNLOAD');
    expect((err as StudioError).message).toMatch(/resume/);
    const partial = path.join(dir, 'alpha', 'alpha.onnx.partial');
    const kept = (await stat(partial)).size;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(SIZE);
    expect((await store.list())[0]).toMatchObject({ id: 'alpha', state: 'partial', partialBytes: kept });

    server.handle(serveBytes(alpha.data));
    const m = await store.download('alpha');
    expect(server.requests[1]!.range).toBe(`bytes=${kept}-`);
    expect(Buffer.compare(await readFile(m.path), alpha.data)).toBe(0);
    await expect(stat(partial)).rejects.toThrow();
  });

  it('starts again from zero when the server ignores Range and answers 200', async () => {
    server = await startTestServer(serveBytes(alpha.data, { honourRange: false }));
    const store = storeFor(server);
    await writeFile(
      path.join(await ensureDir('alpha'), 'alpha.onnx.partial'),
      alpha.data.subarray(0, 50_000),
    );
    const m = await store.download('alpha');
    expect(server.requests[0]!.range).toBe('bytes=50000-');
    expect(Buffer.compare(await readFile(m.path), alpha.data)).toBe(0);
  });

  it('rejects a corrupted transfer, installs nothing and leaves other installed models alone', async () => {
    server = await startTestServer(serveBytes(beta.data));
    const store = storeFor(server);
    const b = await store.download('beta');
    const bBefore = await stat(b.path);

    server.handle(serveBytes(alpha.data, { corrupt: true }));
    const err = await store.download('alpha').catch((e: unknown) => e);
    expect((err as StudioError).code).toBe('MODEL_INTEGRITY');
    expect((err as StudioError).message).toContain('alpha');
    expect((err as StudioError).message).toContain(alpha.sha256);
    expect(await readdir(path.join(dir, 'alpha'))).toEqual([]);
    expect(await store.get('alpha')).toBeNull();

    // A forced re-download of an installed model that arrives corrupted leaves the installed file in place.
    server.handle(serveBytes(beta.data, { corrupt: true }));
    expect(await codeOf(store.download('beta', { force: true }))).toBe('MODEL_INTEGRITY');
    const bAfter = await stat(b.path);
    expect(bAfter.mtimeMs).toBe(bBefore.mtimeMs);
    expect(await readdir(path.join(dir, 'beta'))).toEqual(['beta.onnx', 'model.json']);
    const verified = await store.verify();
    expect(verified.map((r) => [r.id, r.status])).toEqual([['beta', 'ok']]);
  });

  it('fails at once when the server announces another size, and removes the partial file', async () => {
    server = await startTestServer(serveBytes(beta.data));
    const store = storeFor(server);
    expect(await codeOf(store.download('alpha'))).toBe('MODEL_INTEGRITY');
    expect(await readdir(path.join(dir, 'alpha'))).toEqual([]);
  });

  it('stops a chunked body at the expected size, keeping no oversized partial', async () => {
    // No Content-Length, and the server sends 8 MiB more than the manifest's size.
    server = await startTestServer(serveOverlong(alpha.data, 8 << 20));
    const store = storeFor(server);
    const events: DownloadProgress[] = [];
    const err = await store.download('alpha', { onProgress: (p) => events.push(p) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StudioError);
    expect((err as StudioError).code).toBe('MODEL_INTEGRITY');
    expect((err as StudioError).message).toContain(`${SIZE} bytes`);
    expect(Math.max(...events.map((e) => e.received))).toBeLessThanOrEqual(SIZE);
    expect(await readdir(path.join(dir, 'alpha'))).toEqual([]);
    expect(await store.get('alpha')).toBeNull();
  });

  it('follows relative and absolute redirects, and gives up after five', async () => {
    server = await startTestServer((req, res) => {
      if (req.url === '/a') res.writeHead(302, { location: '/b' }).end();
      else if (req.url === '/b') res.writeHead(301, { location: server!.url('/alpha.onnx') }).end();
      else if (req.url === '/loop') res.writeHead(307, { location: '/loop' }).end();
      else serveBytes(alpha.data)(req, res, 0);
    });
    const store = storeFor(server);
    const m = await store.download('alpha', { urlOverride: server.url('/a') });
    expect(Buffer.compare(await readFile(m.path), alpha.data)).toBe(0);
    expect(server.requests.map((r) => r.path)).toEqual(['/a', '/b', '/alpha.onnx']);

    const err = await store.download('beta', { urlOverride: server.url('/loop') }).catch((e: unknown) => e);
    expect((err as StudioError).code).toBe('MODEL_DOWNLOAD');
    expect((err as StudioError).message).toMatch(/redirects/);
    expect(server.requests.filter((r) => r.path === '/loop')).toHaveLength(6);
  });

  it('cancels on abort and keeps the partial file', async () => {
    server = await startTestServer(stallAfter(alpha.data, 64 * 1024));
    const store = storeFor(server);
    const ac = new AbortController();
    const err = await store
      .download('alpha', { signal: ac.signal, onProgress: () => ac.abort() })
      .catch((e: unknown) => e);
    expect((err as StudioError).code).toBe('CANCELLED');
    const kept = (await stat(path.join(dir, 'alpha', 'alpha.onnx.partial'))).size;
    expect(kept).toBeGreaterThan(0);
    expect(await store.get('alpha')).toBeNull();
  });

  it('gives up on a connection that stops sending, keeping what arrived', async () => {
    server = await startTestServer(stallAfter(alpha.data, 32 * 1024));
    const store = new ModelStore({ dir, manifest: storeFor(server).manifest, idleTimeoutMs: 300 });
    const err = await store.download('alpha').catch((e: unknown) => e);
    expect((err as StudioError).code).toBe('MODEL_DOWNLOAD');
    expect((err as StudioError).message).toMatch(/no data/);
    expect((await stat(path.join(dir, 'alpha', 'alpha.onnx.partial'))).size).toBeGreaterThan(0);
  });

  it('reports HTTP errors and refused connections as MODEL_DOWNLOAD', async () => {
    server = await startTestServer((_req, res) => res.writeHead(404).end());
    const store = storeFor(server);
    const err = await store.download('alpha').catch((e: unknown) => e);
    expect((err as StudioError).code).toBe('MODEL_DOWNLOAD');
    expect((err as StudioError).message).toMatch(/HTTP 404/);

    const closedUrl = server.url('/alpha.onnx');
    await server.close();
    server = undefined;
    expect(await codeOf(store.download('alpha', { urlOverride: closedUrl }))).toBe('MODEL_DOWNLOAD');
  });

  it('refuses ids that are not in the manifest', async () => {
    server = await startTestServer(serveBytes(alpha.data));
    const err = await storeFor(server)
      .download('gamma')
      .catch((e: unknown) => e);
    expect((err as StudioError).code).toBe('MODEL_MISSING');
    expect((err as StudioError).message).toContain('alpha, beta');
    expect(server.requests).toHaveLength(0);
  });
});

describe('fetchToFile', () => {
  it('treats 416 with the partial size as complete, and restarts once when the partial is bad', async () => {
    server = await startTestServer(serveBytes(alpha.data));
    const dest = path.join(dir, 'x.partial');
    await writeFile(dest, alpha.data);
    const r = await fetchToFile({ url: server.url('/x'), dest, label: 'x' });
    expect(r).toMatchObject({ bytes: SIZE, resumedFrom: SIZE });
    expect(server.requests[0]!.range).toBe(`bytes=${SIZE}-`);

    // A partial longer than the remote file: 416 with another total, so it starts again from zero.
    await writeFile(dest, Buffer.concat([alpha.data, Buffer.alloc(10)]));
    const again = await fetchToFile({ url: server.url('/x'), dest, label: 'x' });
    expect(again).toMatchObject({ bytes: SIZE, resumedFrom: 0 });
    expect(Buffer.compare(await readFile(dest), alpha.data)).toBe(0);
  });

  it('skips the network when the partial already has the expected size', async () => {
    server = await startTestServer(serveBytes(alpha.data));
    const dest = path.join(dir, 'x.partial');
    await writeFile(dest, alpha.data);
    const r = await fetchToFile({ url: server.url('/x'), dest, label: 'x', expectedBytes: SIZE });
    expect(r.bytes).toBe(SIZE);
    expect(server.requests).toHaveLength(0);
  });

  it('fails on a body longer than expectedBytes and deletes what it wrote', async () => {
    server = await startTestServer(serveOverlong(alpha.data, 8 << 20));
    const dest = path.join(dir, 'x.partial');
    const sizes: number[] = [];
    const err = await fetchToFile({
      url: server.url('/x'),
      dest,
      label: 'x',
      expectedBytes: SIZE,
      progressIntervalMs: 0,
      onProgress: (p) => sizes.push(p.received),
    }).catch((e: unknown) => e);
    expect((err as StudioError).code).toBe('MODEL_INTEGRITY');
    expect(Math.max(...sizes)).toBeLessThanOrEqual(SIZE);
    await expect(stat(dest)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('parses Content-Range', () => {
    expect(parseContentRange('bytes 100-199/1000')).toEqual({ start: 100, total: 1000 });
    expect(parseContentRange('bytes */1000')).toEqual({ start: undefined, total: 1000 });
    expect(parseContentRange('bytes 0-9/*')).toEqual({ start: 0, total: undefined });
    expect(parseContentRange('nonsense')).toBeUndefined();
    expect(parseContentRange(undefined)).toBeUndefined();
  });
});

async function ensureDir(id: string): Promise<string> {
  const folder = path.join(dir, id);
  await mkdir(folder, { recursive: true });
  return folder;
}
