// The browser host end to end in Node: loopback, token, validation, and a run through the generated model.
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createEngineClient } from '../contract/client';
import { decodeFrame, encodeFrame } from '../contract/wire';
import type { EngineApi } from '../contract/schemas';
import { MAX_PIXELS, loadImage, loadImageFromBuffer } from '../image/load';
import { saveImage } from '../image/save';
import { createImage } from '../image/types';
import { MAX_FRAME_BYTES, startBrowserHost, type BrowserHost } from './browserHost';
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
  // A renderer build with a link that leads out of it, and a secret beside it.
  const site = path.join(dir, 'site');
  mkdirSync(site);
  writeFileSync(path.join(site, 'index.html'), '<!doctype html><title>studio</title>');
  writeFileSync(path.join(dir, 'secret.txt'), 'secret');
  symlinkSync(path.join(dir, 'secret.txt'), path.join(site, 'leak.txt'));
  hostInfo = await startBrowserHost({
    services: createEngineServices({ modelsDir: path.join(dir, 'models'), providers: ['cpu'] }),
    staticDir: site,
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
      new Uint8Array(encodeFrame({ type: 'request', id: 1, method: 'run', params: { jobId: 5 } })),
    );
    expect(badParams.error?.message).toMatch(/Invalid parameters for run: jobId/);
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
    const fileBytes = readFileSync(imagePath);
    const opened = await api.openImageData({
      name: 'photo.png',
      bytes: fileBytes.buffer.slice(fileBytes.byteOffset, fileBytes.byteOffset + fileBytes.byteLength),
    });
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
    const enc = await api.encodeResult({ resultId: r.resultId, format: 'png' });
    expect(enc.name).toBe('photo-inpainted.png');
    expect(new Uint8Array(enc.bytes).subarray(1, 4)).toEqual(new Uint8Array([0x50, 0x4e, 0x47]));
    const a = (await loadImage(imagePath)).image,
      b = (await loadImageFromBuffer(Buffer.from(enc.bytes), enc.name)).image;
    for (let i = 0; i < 96 * 64; i++)
      if (!mask[i]) for (let c = 0; c < 3; c++) expect(b.data[c * 6144 + i]).toBe(a.data[c * 6144 + i]);
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

/** Sends raw bytes to the host and resolves with everything it answers before closing (or a pause). */
function raw(port: number, bytes: string | Buffer, waitMs = 2000): Promise<string> {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    const got: Buffer[] = [];
    const done = () => {
      sock.destroy();
      resolve(Buffer.concat(got).toString('latin1'));
    };
    const timer = setTimeout(done, waitMs);
    sock.on('data', (d) => got.push(d));
    sock.on('error', () => {});
    sock.on('close', () => {
      clearTimeout(timer);
      done();
    });
    sock.write(bytes);
  });
}

function statusOf(answer: string): number {
  return Number(/^HTTP\/1\.[01] (\d{3})/.exec(answer)?.[1] ?? 0);
}

function portOf(h: BrowserHost): number {
  return Number(new URL(h.url).port);
}

function get(port: number, target: string, headers: Record<string, string> = {}): Promise<number> {
  const lines = Object.entries({ Host: `127.0.0.1:${port}`, Connection: 'close', ...headers })
    .filter(([, v]) => v !== '')
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  return raw(port, `GET ${target} HTTP/1.1\r\n${lines}\r\n`).then(statusOf);
}

/** A client's WebSocket frame: FIN, the opcode, masked payload. */
function wsFrame(opcode: number, payload: Buffer): Buffer {
  const mask = Buffer.from([1, 2, 3, 4]);
  const head =
    payload.length < 126
      ? Buffer.from([0x80 | opcode, 0x80 | payload.length])
      : Buffer.from([0x80 | opcode, 0x80 | 126, payload.length >> 8, payload.length & 255]);
  const body = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]));
  return Buffer.concat([head, mask, body]);
}

describe('browser host: hostile requests', () => {
  it('answers bad URLs, hosts, methods and headers with 4xx and keeps serving', async () => {
    const port = portOf(hostInfo);
    // The crash of issue 14: a URIError from decodeURIComponent ended the process.
    expect(await get(port, '/%')).toBe(400);
    expect(await get(port, '/%ff')).toBe(400);
    expect(await get(port, '/a%00b.html')).toBe(400);
    // Out of the build: by "..", by encoded dots and slashes, by a link.
    // The URL parser folds a plain ".." (404: no such file in the build); an encoded slash is caught after decoding.
    expect(await get(port, '/../secret.txt')).toBe(404);
    expect(await get(port, '/..%2fsecret.txt')).toBe(403);
    expect(await get(port, '/%2e%2e/secret.txt')).not.toBe(200);
    expect(await get(port, '/leak.txt')).toBe(403);
    // DNS rebinding: another name for this address, no name, the wrong port.
    expect(await get(port, '/', { Host: `evil.example:${port}` })).toBe(421);
    expect(await get(port, '/', { Host: '' })).toBe(400); // HTTP/1.1 requires one (Node answers)
    expect(statusOf(await raw(port, 'GET / HTTP/1.0\r\n\r\n'))).toBe(421);
    expect(await get(port, '/', { Host: `127.0.0.1:${port + 1}` })).toBe(421);
    expect(await get(port, '/', { Host: `localhost:${port}` })).toBe(200);
    expect(await get(port, '/', { Host: `[::1]:${port}` })).toBe(200);
    // An absolute or malformed request target, an unknown method, a method not served, huge headers.
    expect(await get(port, 'http://[bad/')).toBe(400);
    expect(statusOf(await raw(port, `FOO / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`))).toBe(400);
    expect(
      statusOf(await raw(port, `DELETE / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`)),
    ).toBe(405);
    expect(await get(port, '/', { 'X-Big': 'x'.repeat(100_000) })).toBe(431);
    expect(statusOf(await raw(port, 'not http at all\r\n\r\n'))).toBe(400);
    // Still serving, the socket too.
    expect(await get(port, '/')).toBe(200);
    const ws = await connect(hostInfo.socketUrl);
    await expect(client(ws).engineInfo({})).resolves.toMatchObject({ version: expect.any(String) });
    ws.close();
  });

  it('refuses upgrades without the token, from another host or with a broken handshake', async () => {
    const port = portOf(hostInfo);
    const upgrade = (target: string, host: string, extra = '') =>
      raw(
        port,
        `GET ${target} HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n${extra}\r\n`,
      ).then(statusOf);
    const tokenPath = `/engine?token=${hostInfo.token}`;
    expect(await upgrade('/engine', `127.0.0.1:${port}`)).toBe(401);
    expect(await upgrade('/engine?token=%ff', `127.0.0.1:${port}`)).toBe(401);
    expect(await upgrade(tokenPath, `evil.example:${port}`)).toBe(421);
    expect(await upgrade(tokenPath, `127.0.0.1:${port}`, 'Origin: http://evil.example\r\n')).toBe(401);
    expect(await upgrade('http://[bad/', `127.0.0.1:${port}`)).toBe(400);
    // The handshake itself is wrong: ws answers 400.
    expect(
      statusOf(
        await raw(
          port,
          `GET ${tokenPath} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
            'Sec-WebSocket-Version: 99\r\n\r\n',
        ),
      ),
    ).toBe(400);
    expect(await upgrade(tokenPath, `localhost:${port}`, `Origin: http://localhost:${port}\r\n`)).toBe(101);
    expect(await get(port, '/')).toBe(200);
  });

  it('survives bad frames on an open socket: a reserved opcode, an unmasked frame, text, garbage', async () => {
    const port = portOf(hostInfo);
    const handshake =
      `GET /engine?token=${hostInfo.token} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\n` +
      'Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n';
    const frames = [
      wsFrame(3, Buffer.from('x')), // reserved opcode
      Buffer.from([0x82, 0x03, 1, 2, 3]), // a client frame without a mask
      Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), // garbage, a huge length
      wsFrame(1, Buffer.from('{"type":"request"}')), // text: answered with an error, the socket stays
    ];
    for (const f of frames) {
      const answer = await raw(port, Buffer.concat([Buffer.from(handshake), f]), 500);
      expect(statusOf(answer)).toBe(101);
    }
    const ws = await connect(hostInfo.socketUrl);
    await expect(client(ws).listStages({})).resolves.toBeInstanceOf(Array);
    ws.close();
  });

  it('sizes a message to the largest image the engine opens, and closes the socket on a larger one', async () => {
    // RGBA of MAX_PIXELS (100 MP) and a header, not 1 GiB.
    expect(MAX_FRAME_BYTES).toBe(MAX_PIXELS * 4 + 1024 * 1024);
    const small = await startBrowserHost({
      services: createEngineServices({ modelsDir: path.join(dir, 'models'), providers: ['cpu'] }),
      maxFrameBytes: 4096,
    });
    try {
      const ws = await connect(small.socketUrl);
      const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
      ws.send(
        new Uint8Array(
          encodeFrame({
            type: 'request',
            id: 1,
            method: 'openImageData',
            params: { name: 'a.png', bytes: new ArrayBuffer(8192) },
          }),
        ),
      );
      expect(await closed).toBe(1009);
      const again = await connect(small.socketUrl);
      await expect(client(again).engineInfo({})).resolves.toMatchObject({ version: expect.any(String) });
      again.close();
    } finally {
      await small.close();
    }
  });
});

describe('browser host: no file paths', () => {
  it('refuses every path method with PATH_REFUSED, naming the data method to use, and touches no file', async () => {
    const ws = await connect(hostInfo.socketUrl);
    const api = client(ws);
    const target = path.join(dir, 'bashrc');
    writeFileSync(target, 'export PS1=x\n');
    await expect(api.openImage({ path: imagePath })).rejects.toMatchObject({
      code: 'PATH_REFUSED',
      message: expect.stringMatching(/does not accept file paths: openImage is refused; use openImageData/),
    });
    await expect(
      api.exportImage({ resultId: 'r', path: target, overwriteOriginal: true }),
    ).rejects.toMatchObject({ code: 'PATH_REFUSED', message: expect.stringMatching(/use encodeResult/) });
    await expect(api.importModel({ id: 'custom-x', path: imagePath })).rejects.toMatchObject({
      code: 'PATH_REFUSED',
      message: expect.stringMatching(/use importModelData/),
    });
    expect(readFileSync(target, 'utf8')).toBe('export PS1=x\n');
    ws.close();
  });
});
