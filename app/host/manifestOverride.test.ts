// INPAINT_STUDIO_MANIFEST: a manifest from a file or an http address, checked like the built-in one.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/httpServer';
import { loadManifest } from './manifestOverride';

const dir = mkdtempSync(path.join(os.tmpdir(), 'manifest-'));
const entry = {
  id: 'test-lama',
  purpose: 'inpaint',
  label: 'Test LaMa',
  convention: 'lama-fixed-rgb',
  url: 'models/test-lama.onnx',
  bytes: 10,
  sha256: 'a'.repeat(64),
};
let server: TestServer | undefined;
afterAll(() => server?.close());

describe('manifest override', () => {
  it('reads a manifest from an http address and resolves relative URLs against it', async () => {
    server = await startTestServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify([entry]));
    });
    const m = await loadManifest(server.url('/catalogue/manifest.json'));
    expect(m).toEqual([
      expect.objectContaining({
        id: 'test-lama',
        url: server.url('/catalogue/models/test-lama.onnx'),
        licence: 'unknown',
        inputs: [],
      }),
    ]);
  });

  it('refuses a bad entry, a duplicate and a URL that is not http(s), naming the problem', async () => {
    const write = (name: string, v: unknown) => {
      const f = path.join(dir, name);
      writeFileSync(f, typeof v === 'string' ? v : JSON.stringify(v));
      return f;
    };
    await expect(loadManifest(write('a.json', [{ ...entry, sha256: 'nope' }]))).rejects.toThrow(
      /0\.sha256: expected 64 lower-case hex digits/,
    );
    await expect(loadManifest(write('b.json', [entry, entry]))).rejects.toThrow(/lists test-lama twice/);
    await expect(loadManifest(write('c.json', [entry]))).rejects.toThrow(/url must be http\(s\)/);
    await expect(loadManifest(write('d.json', '{'))).rejects.toThrow(/is not JSON/);
    await expect(loadManifest(path.join(dir, 'missing.json'))).rejects.toMatchObject({
      code: 'PARAM_INVALID',
    });
    const ok = await loadManifest(write('e.json', [{ ...entry, url: 'https://example.com/m.onnx' }]));
    expect(ok[0].url).toBe('https://example.com/m.onnx');
  });
});
