// The engine's side of a process boundary: a request whose answer cannot be posted does not kill the engine.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { serveEngineOnPort } from './portServer';
import { createEngineServices } from './services';

const dir = mkdtempSync(path.join(os.tmpdir(), 'port-server-'));
const services = createEngineServices({ modelsDir: path.join(dir, 'models'), providers: ['cpu'] });
afterAll(async () => {
  await services.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('serveEngineOnPort', () => {
  it('logs, instead of an unhandled rejection, when the port refuses even the error answer', async () => {
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      let handler: ((m: unknown) => void) | undefined;
      const posted: unknown[] = [];
      serveEngineOnPort(
        {
          onMessage: (h) => (handler = h),
          postMessage: (m) => {
            posted.push(m);
            throw new Error('port closed');
          },
        },
        services,
      );
      handler!({ type: 'request', id: 7, method: 'listModels', params: {} });
      // The answer, then the error answer: both refused.
      await vi.waitFor(() => expect(posted).toHaveLength(2));
      await new Promise((r) => setTimeout(r, 20));
      expect(rejections).toEqual([]);
      expect(posted[1]).toMatchObject({ type: 'response', id: 7, ok: false });
      expect(logged).toHaveBeenCalledWith('The engine could not answer a request:', expect.any(Error));
    } finally {
      process.off('unhandledRejection', onRejection);
      logged.mockRestore();
    }
  });
});
