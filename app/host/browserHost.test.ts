// The browser host end to end in Node: loopback, token, validation, and a run through the generated model.
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createEngineClient } from '../contract/client';
import { decodeFrame, encodeFrame } from '../contract/wire';
import type { EngineApi } from '../contract/schemas';
import { loadImage } from '../image/load';
import { saveImage } from '../image/save';
import { createImage } from '../image/types';
import { startBrowserHost, type BrowserHost } from './browserHost';
import { EngineBridge, type EngineChild } from './engineBridge';
import { RestartPolicy } from './restartPolicy';
import { createEngineServices } from './services';

let hostInfo: BrowserHost;
let dir: string;
let imagePath: string;

function connect(url: string, origin?: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, origin ? { origin } : {});
    ws.binaryType = 'arraybuffer';
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}

function client(ws: WebSocket): EngineApi {
  return createEngineClient({
    send: (m) => ws.send(new Uint8Array(encodeFrame(m))),
    onMessage: (h) => ws.on('message', (d) => h(decodeFrame(d as ArrayBuffer))),
  });
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'browser-host-'));
  const img = createImage(96, 64);
  for (let i = 0; i < img.data.length; i++) img.data[i] = ((i * 7) % 97) / 97;
  imagePath = path.join(dir, 'photo.png');
  await saveImage(imagePath, img);
  hostInfo = await startBrowserHost({
    services: createEngineServices({ modelsDir: path.join(dir, 'models'), providers: ['cpu'] }),
  });
});
afterAll(() => hostInfo.close());

describe('browser host', () => {
  it('listens on loopback only and refuses a socket without the token or from another origin', async () => {
    expect(hostInfo.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]{48}$/);
    await expect(connect(hostInfo.socketUrl.replace(/token=\w+/, 'token=nope'))).rejects.toThrow(/401/);
    await expect(connect(hostInfo.socketUrl, 'http://evil.example')).rejects.toThrow(/401/);
  });

  it('rejects a malformed message and a bad payload with PARAM_INVALID', async () => {
    const ws = await connect(hostInfo.socketUrl);
    const reply = (frame: Uint8Array) =>
      new Promise<{ ok: boolean; error?: { code: string; message: string } }>((resolve) => {
        ws.once('message', (d) => resolve(decodeFrame(d as ArrayBuffer) as never));
        ws.send(frame);
      });
    const bad = await reply(new Uint8Array([1, 2, 3]));
    expect(bad).toMatchObject({ ok: false, error: { code: 'PARAM_INVALID' } });
    const badParams = await reply(
      new Uint8Array(encodeFrame({ type: 'request', id: 1, method: 'openImage', params: { path: 5 } })),
    );
    expect(badParams.error?.message).toMatch(/Invalid parameters for openImage: path/);
    const unknown = await reply(
      new Uint8Array(encodeFrame({ type: 'request', id: 2, method: 'rm', params: {} })),
    );
    expect(unknown.error?.message).toMatch(/Unknown method "rm"/);
    ws.close();
  });

  it('opens, runs with progress, cancels, and exports with pixels outside the mask unchanged', async () => {
    const ws = await connect(hostInfo.socketUrl);
    const api = client(ws);
    const stages = await api.listStages({});
    expect(stages.find((s) => s.name === 'lama')?.params.some((p) => p.name === 'feather')).toBe(true);
    const opened = await api.openImage({ path: imagePath });
    expect(opened).toMatchObject({ width: 96, height: 64 });
    expect(opened.preview.rgba.byteLength).toBe(96 * 64 * 4);
    const mask = new Uint8Array(96 * 64);
    for (let y = 20; y < 40; y++) for (let x = 30; x < 60; x++) mask[y * 96 + x] = 1;
    const events: string[] = [];
    const off = api.on('onProgress', (e) => events.push(`${e.kind}:${e.stage}`));
    const r = await api.run({
      jobId: 'j1',
      imageId: opened.imageId,
      mask: { width: 96, height: 64, data: mask.buffer },
      stages: [{ name: 'lama', params: { feather: 0 } }],
      modelId: 'generated-lama-fixed-rgb',
    });
    off();
    expect(events[0]).toBe('stage-start:lama');
    expect(events.at(-1)).toBe('stage-end:lama');
    expect(r.stages[0].info).toMatchObject({ engine: 'model' });
    // Refuses to overwrite the original without confirmation.
    await expect(api.exportImage({ resultId: r.resultId, path: imagePath })).rejects.toMatchObject({
      code: 'IMAGE_WRITE',
    });
    const out = path.join(dir, 'photo-inpainted.png');
    await api.exportImage({ resultId: r.resultId, path: out });
    const a = (await loadImage(imagePath)).image,
      b = (await loadImage(out)).image;
    for (let i = 0; i < 96 * 64; i++)
      if (!mask[i]) for (let c = 0; c < 3; c++) expect(b.data[c * 6144 + i]).toBe(a.data[c * 6144 + i]);
    const enc = await api.encodeResult({ resultId: r.resultId, format: 'png' });
    expect(enc.name).toBe('photo-inpainted.png');
    expect(new Uint8Array(enc.bytes).subarray(1, 4)).toEqual(new Uint8Array([0x50, 0x4e, 0x47]));
    // Cancel: a job cancelled at once rejects with CANCELLED and the session stays usable.
    const running = api.run({
      jobId: 'j2',
      imageId: opened.imageId,
      mask: { width: 96, height: 64, data: mask.buffer },
      stages: [{ name: 'lama', params: { engine: 'embedded' } }],
    });
    await api.cancel({ jobId: 'j2' });
    await expect(running).rejects.toMatchObject({ code: 'CANCELLED' });
    await expect(api.engineInfo({})).resolves.toMatchObject({ version: expect.any(String) });
    expect(existsSync(out) && readFileSync(out).length > 0).toBe(true);
    ws.close();
  });

  it('tells a page that connects after the engine was given up on, before its first call fails', async () => {
    // An engine process that dies as soon as it starts: the bridge restarts it once, then gives up.
    let forks = 0;
    let bridge: EngineBridge | undefined;
    const host = await startBrowserHost({
      engine: (emit) => {
        bridge = new EngineBridge({
          emit,
          policy: new RestartPolicy(1, 60_000, 0),
          schedule: (fn) => setTimeout(fn, 0),
          fork: () => {
            forks++;
            const exit: ((code: number | null) => void)[] = [];
            setTimeout(() => exit.forEach((l) => l(139)), 1);
            return {
              postMessage: () => {},
              on: ((event: string, l: (code: number | null) => void) => {
                if (event === 'exit') exit.push(l);
              }) as EngineChild['on'],
              kill: () => {},
            };
          },
        });
        return bridge;
      },
    });
    try {
      await expect.poll(() => bridge!.engineState().state).toBe('failed');
      expect(forks).toBe(2);
      // Listening from the start: the event is the first frame the page receives.
      const ws = new WebSocket(host.socketUrl);
      ws.binaryType = 'arraybuffer';
      const first = await new Promise<unknown>((resolve, reject) => {
        ws.once('message', (d) => resolve(decodeFrame(d as ArrayBuffer)));
        ws.once('error', reject);
      });
      expect(first).toMatchObject({
        type: 'event',
        name: 'onEngineState',
        payload: { state: 'failed', reason: 'exit code 139' },
      });
      ws.close();
    } finally {
      bridge?.dispose();
      await host.close();
    }
  });

  it('an in-process engine has no process state to tell: a page hears nothing until it asks', async () => {
    const ws = await connect(hostInfo.socketUrl);
    const got: unknown[] = [];
    ws.on('message', (d) => got.push(decodeFrame(d as ArrayBuffer)));
    await new Promise((r) => setTimeout(r, 50));
    expect(got).toEqual([]);
    ws.close();
  });
});
