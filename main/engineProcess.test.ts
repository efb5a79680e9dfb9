// The bundled utility-process entry runs outside Electron too: a parent-port shim over Node's IPC
// stands in for Electron's, so the bundle (import.meta, native externals) is proven to load and serve.
import { fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildMain } from '../scripts/buildMain';

// Inside the repo, so the bundle's external packages resolve from node_modules as in the app.
mkdirSync('.cache', { recursive: true });
const dir = mkdtempSync(path.resolve('.cache', 'engine-bundle-'));
const children: ReturnType<typeof fork>[] = [];
afterAll(() => {
  children.forEach((c) => c.kill());
  rmSync(dir, { recursive: true, force: true });
});

describe('engine utility process bundle', () => {
  it('answers requests over its parent port', async () => {
    await buildMain(dir);
    const shim = path.join(dir, 'parentPortShim.cjs');
    writeFileSync(
      shim,
      "process.parentPort = { on: (e, cb) => process.on('message', (data) => cb({ data })), postMessage: (m) => process.send(m) };\n",
    );
    const child = fork(path.join(dir, 'engine.cjs'), [], {
      execArgv: ['--require', shim],
      serialization: 'advanced',
      env: { ...process.env, INPAINT_STUDIO_MODELS: path.join(dir, 'models') },
      cwd: process.cwd(),
    });
    children.push(child);
    const ask = (id: number, method: string, params: unknown) =>
      new Promise<Record<string, unknown>>((resolve, reject) => {
        child.once('exit', (code) => reject(new Error(`the engine process exited with code ${code}`)));
        const on = (m: Record<string, unknown>) => {
          if (m.id === id) {
            child.off('message', on);
            resolve(m);
          }
        };
        child.on('message', on);
        child.send({ type: 'request', id, method, params });
      });
    const info = await ask(1, 'engineInfo', {});
    expect(info).toMatchObject({ ok: true, result: { modelsDir: path.join(dir, 'models') } });
    const stages = await ask(2, 'listStages', {});
    expect((stages.result as { name: string }[]).map((s) => s.name)).toContain('lama');
    const bad = await ask(3, 'openImage', { path: path.join(dir, 'missing.png') });
    expect(bad).toMatchObject({ ok: false, error: { code: 'IMAGE_DECODE' } });
  });
});
