// The bundled utility-process entry runs outside Electron too: a parent-port shim over Node's IPC
// stands in for Electron's, so the bundle (import.meta, native externals) is proven to load and serve.
import { execFile, fork } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { SESSION_FILE, readSessionFile, type DiskSessionRecord } from '../app/host/sessionFile';

/** Bundles main/ into `outDir` as `npm run build:main` does: scripts/buildMain.ts in its own process. */
async function buildMain(outDir: string): Promise<void> {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  await promisify(execFile)(process.execPath, ['--import', tsx, 'scripts/buildMain.ts', outDir]);
}

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

  it('keeps the session it is sent in $INPAINT_STUDIO_SESSION_DIR, and starts past a damaged one', async () => {
    if (!existsSync(path.join(dir, 'engine.cjs'))) await buildMain(dir);
    const shim = path.join(dir, 'parentPortShim.cjs');
    writeFileSync(
      shim,
      "process.parentPort = { on: (e, cb) => process.on('message', (data) => cb({ data })), postMessage: (m) => process.send(m) };\n",
    );
    const sessionDir = path.join(dir, 'session');
    const start = () => {
      const child = fork(path.join(dir, 'engine.cjs'), [], {
        execArgv: ['--require', shim],
        serialization: 'advanced',
        env: {
          ...process.env,
          INPAINT_STUDIO_MODELS: path.join(dir, 'models'),
          INPAINT_STUDIO_SESSION_DIR: sessionDir,
        },
        cwd: process.cwd(),
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      });
      children.push(child);
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      const ask = (id: number, method: string, params: unknown) =>
        new Promise<Record<string, unknown>>((resolve, reject) => {
          child.once('exit', (code) =>
            reject(new Error(`the engine process exited with code ${code}: ${stderr}`)),
          );
          const on = (m: Record<string, unknown>) => {
            if (m.id === id) {
              child.off('message', on);
              resolve(m);
            }
          };
          child.on('message', on);
          child.send({ type: 'request', id, method, params });
        });
      return { child, ask, stderr: () => stderr };
    };
    const image = path.join(dir, 'brick.png');
    copyFileSync('fixtures/images/brick.png', image);
    const imageBytes = readFileSync(image);
    const e1 = start();
    const opened = await e1.ask(1, 'openImage', { path: image });
    expect(opened).toMatchObject({ ok: true });
    const { imageId, width, height } = opened.result as { imageId: string; width: number; height: number };
    const mask = new Uint8Array(width * height).map((_, i) => (i * 40) & 255);
    const saved = await e1.ask(2, 'saveSession', {
      imageId,
      mask: { width, height, data: mask.buffer },
      state: '{"stage":"lama","dilate":12}',
    });
    expect(saved).toMatchObject({ ok: true, result: { saved: true } });
    // The file follows the answer within moments (written in the background, atomically); then the
    // engine dies without warning, and what it was sent is on disk.
    const file = path.join(sessionDir, SESSION_FILE);
    let rec: DiskSessionRecord | null = null;
    for (let i = 0; i < 400 && !rec; i++) {
      rec = await readSessionFile(file);
      if (!rec) await new Promise((r) => setTimeout(r, 25));
    }
    e1.child.kill('SIGKILL');
    rec = await readSessionFile(file);
    expect(rec?.imageId).toBe(imageId);
    expect(rec?.state).toBe('{"stage":"lama","dilate":12}');
    expect(new Uint8Array(rec!.mask!.data)).toEqual(mask);
    // The user's image is never written.
    expect(readFileSync(image)).toEqual(imageBytes);

    // A damaged file: the engine says so, keeps it aside and serves with no session.
    writeFileSync(file, 'ISSESS1\n garbage');
    const e2 = start();
    expect(await e2.ask(1, 'loadSession', {})).toMatchObject({ ok: true, result: { session: null } });
    expect(e2.stderr()).toContain(file);
    expect(readFileSync(`${file}.corrupt`, 'utf8')).toBe('ISSESS1\n garbage');
  }, 60_000);
});
