// The browser host's engine in a real child process: it answers, and when it is killed the bridge
// restarts it, re-opens the image under its old id, and the next run works.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeImage } from '../image/save';
import { createImage } from '../image/types';
import { forkEngineChild, type ForkedEngine } from './childEngine';
import { EngineBridge } from './engineBridge';

const dir = mkdtempSync(path.join(os.tmpdir(), 'child-engine-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function until(check: () => boolean, ms = 30_000): Promise<void> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (check()) resolve();
      else if (Date.now() - t0 > ms) reject(new Error('timed out'));
      else setTimeout(tick, 20);
    };
    tick();
  });
}

describe('engine child process', () => {
  it('serves requests, and after SIGKILL is restarted with the image re-opened', async () => {
    const forked: ForkedEngine[] = [];
    const states: { state: string; reason?: string }[] = [];
    const bridge = new EngineBridge({
      fork: () => {
        const c = forkEngineChild({ modelsDir: path.join(dir, 'models'), providers: ['cpu'] });
        forked.push(c);
        return c;
      },
      emit: (name, payload) => name === 'onEngineState' && states.push(payload as never),
    });
    try {
      const img = createImage(48, 32);
      img.data.fill(0.5);
      const png = await encodeImage(img, { format: 'png' });
      const bytes = png.buffer.slice(png.byteOffset, png.byteOffset + png.byteLength);
      const opened = (await bridge.request('openImageData', { name: 'a.png', bytes })) as {
        imageId: string;
      };
      const mask = new Uint8Array(48 * 32);
      for (let y = 10; y < 20; y++) for (let x = 10; x < 30; x++) mask[y * 48 + x] = 1;
      process.kill(forked[0].pid!, 'SIGKILL');
      await until(() => states.some((s) => s.state === 'ready'));
      expect(states[0]).toMatchObject({ state: 'restarting', reason: 'killed by SIGKILL' });
      expect(forked).toHaveLength(2);
      const r = (await bridge.request('run', {
        jobId: 'after-restart',
        imageId: opened.imageId,
        mask: { width: 48, height: 32, data: mask.buffer },
        stages: [{ name: 'lama', params: { engine: 'embedded' } }],
      })) as { image: { width: number } };
      expect(r.image.width).toBe(48);
    } finally {
      bridge.dispose();
    }
    await until(() => forked.every((c) => !isAlive(c.pid!)));
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
