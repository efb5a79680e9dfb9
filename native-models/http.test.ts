import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StudioError } from '../app/common/errors';
import { fetchToFile } from './download';
import { fetchTensorRanges } from './rangeFetch';
import { makePayload, serveBytes, startTestServer, type TestServer } from '../app/testing/httpServer';

let dir: string;
let server: TestServer | undefined;
const payload = makePayload(200 * 1024);

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'inpaint-http-'));
});

afterEach(async () => {
  vi.restoreAllMocks();
  await server?.close();
  server = undefined;
  await rm(dir, { recursive: true, force: true });
});

/** The Range header of each fetch call, in order. */
function rangesOf(spy: { mock: { calls: unknown[][] } }): (string | null)[] {
  return spy.mock.calls.map((c) => new Headers((c[1] as RequestInit | undefined)?.headers).get('range'));
}

describe('transfers go through Node fetch', () => {
  it('resumes a partial file with a Range request sent by fetch, following a redirect by hand', async () => {
    server = await startTestServer((req, res, i) => {
      if (req.url === '/moved') res.writeHead(302, { location: '/file' }).end();
      else serveBytes(payload.data)(req, res, i);
    });
    const spy = vi.spyOn(globalThis, 'fetch');
    const dest = path.join(dir, 'f.partial');
    await writeFile(dest, payload.data.subarray(0, 70_000));
    const r = await fetchToFile({
      url: server.url('/moved'),
      dest,
      label: 'f',
      expectedBytes: payload.data.length,
    });
    expect(r).toMatchObject({
      bytes: payload.data.length,
      resumedFrom: 70_000,
      finalUrl: server.url('/file'),
    });
    expect(Buffer.compare(await readFile(dest), payload.data)).toBe(0);
    // Two fetch calls (the redirect, then the file), each asking for the rest of the file.
    expect(spy).toHaveBeenCalledTimes(2);
    expect(rangesOf(spy)).toEqual(['bytes=70000-', 'bytes=70000-']);
    expect((spy.mock.calls[0]![1] as RequestInit).redirect).toBe('manual');
  });

  it('fails with "no data" when the server never answers the request', async () => {
    server = await startTestServer(() => {
      /* never answers */
    });
    const dest = path.join(dir, 'f.partial');
    const err = await fetchToFile({ url: server.url('/x'), dest, label: 'f', idleTimeoutMs: 200 }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StudioError);
    expect((err as StudioError).code).toBe('MODEL_DOWNLOAD');
    expect((err as StudioError).message).toMatch(/no data for 200 ms/);
  });

  it('names the refused connection', async () => {
    server = await startTestServer(serveBytes(payload.data));
    const url = server.url('/x');
    await server.close();
    server = undefined;
    const err = await fetchToFile({ url, dest: path.join(dir, 'f.partial'), label: 'f' }).catch(
      (e: unknown) => e,
    );
    expect((err as StudioError).code).toBe('MODEL_DOWNLOAD');
    expect((err as StudioError).message).toMatch(/ECONNREFUSED/);
  });

  it('asks for byte ranges with fetch in the tensor fetch too', async () => {
    server = await startTestServer((_req, res) => res.writeHead(404).end());
    const spy = vi.spyOn(globalThis, 'fetch');
    const err = await fetchTensorRanges({
      url: server.url('/w.safetensors'),
      partial: path.join(dir, 'w.partial'),
      label: 'w',
      required: [],
      what: 'nothing',
      prefixBytes: 1024,
    }).catch((e: unknown) => e);
    expect((err as StudioError).message).toMatch(/HTTP 404/);
    expect(rangesOf(spy)).toEqual(['bytes=0-1023']);
  });
});
