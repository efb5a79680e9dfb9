import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StudioError } from '../app/common/errors';
import type { ModelEntry } from './manifest';
import { ModelStore } from './store';
import { acquireModelLock, lockPath } from './storeLock';
import { makePayload, serveBytes, startTestServer, type TestServer } from '../app/testing/httpServer';

const here = path.dirname(fileURLToPath(import.meta.url));
const payload = makePayload(400 * 1024);

let dir: string;
let server: TestServer | undefined;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'inpaint-lock-'));
});

afterEach(async () => {
  await server?.close();
  server = undefined;
  await rm(dir, { recursive: true, force: true });
});

function entry(url: string): ModelEntry {
  return {
    id: 'alpha',
    purpose: 'inpaint',
    label: 'alpha',
    url,
    bytes: payload.data.length,
    sha256: payload.sha256,
    licence: 'MIT',
    homepage: 'http://127.0.0.1/',
    inputs: [],
    outputs: [],
  };
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

const deadPid = (): number => spawnSync(process.execPath, ['-e', '']).pid!;

interface ChildRun {
  ready: Promise<void>;
  go(): void;
  done: Promise<{ status: number | null; lines: string[] }>;
}

/** Starts app/testing/storeChild.ts in its own Node process (through tsx). */
function child(arg: object): ChildRun {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const p = spawn(
    process.execPath,
    ['--import', tsx, path.join(here, '../app/testing/storeChild.ts'), JSON.stringify(arg)],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  let out = '';
  let onReady!: () => void;
  const ready = new Promise<void>((r) => (onReady = r));
  p.stdout.on('data', (b: Buffer) => {
    out += b.toString();
    if (out.startsWith('ready\n')) onReady();
  });
  const done = new Promise<{ status: number | null; lines: string[] }>((resolve) =>
    p.on('close', (status) => resolve({ status, lines: out.trim().split('\n').slice(1) })),
  );
  return { ready, go: () => p.stdin.end('go\n'), done };
}

describe('two processes downloading one model', () => {
  it('take turns: both end with the valid installed model, and it is fetched once', async () => {
    // Slow enough (about a second) that the two transfers would overlap.
    server = await startTestServer(serveBytes(payload.data, { chunk: 8 * 1024, delayMs: 20 }));
    const arg = { dir, manifest: [entry(server.url('/alpha.onnx'))], id: 'alpha' };
    const runs = [child(arg), child(arg)];
    await Promise.all(runs.map((r) => r.ready));
    for (const r of runs) r.go();
    const results = await Promise.all(runs.map((r) => r.done));

    for (const r of results) {
      expect(r.status).toBe(0);
      expect(JSON.parse(r.lines.at(-1)!)).toEqual({
        ok: true,
        path: path.join(dir, 'alpha', 'alpha.onnx'),
        sha256: payload.sha256,
      });
    }
    // One waited for the other, said so, and found the model installed.
    const waited = results.flatMap((r) => r.lines.filter((l) => l.startsWith('waiting: ')));
    expect(waited).toHaveLength(1);
    expect(waited[0]).toMatch(/another download of alpha is in progress \(process \d+/);
    expect(server.requests).toHaveLength(1);

    const store = new ModelStore({ dir, manifest: arg.manifest });
    expect((await store.verify()).map((v) => v.status)).toEqual(['ok']);
    expect((await readdir(dir)).sort()).toEqual(['alpha']);
    expect((await readdir(path.join(dir, 'alpha'))).sort()).toEqual(['alpha.onnx', 'model.json']);
  }, 60_000);
});

describe('acquireModelLock', () => {
  it('waits for a live holder, says who it is, and gives up after waitMs naming it', async () => {
    const release = await acquireModelLock(dir, 'alpha', 'download of alpha');
    const said: string[] = [];
    const err = await failure(
      acquireModelLock(dir, 'alpha', 'import of alpha', {
        waitMs: 300,
        pollMs: 20,
        onWaiting: (m) => said.push(m),
      }),
    );
    expect(err.code).toBe('IO');
    expect(err.message).toMatch(
      new RegExp(`^Model alpha: another download of alpha is in progress \\(process ${process.pid}, since `),
    );
    expect(said).toHaveLength(1);
    await release();
    await expect(readdir(dir)).resolves.toEqual([]);
    // Free again.
    await (
      await acquireModelLock(dir, 'alpha', 'x', { waitMs: 0 })
    )();
  });

  it('the waiter gets the lock once the holder releases it', async () => {
    const release = await acquireModelLock(dir, 'alpha', 'download of alpha');
    const order: string[] = [];
    const second = acquireModelLock(dir, 'alpha', 'download of alpha', { pollMs: 10 }).then((r) => {
      order.push('second');
      return r;
    });
    await new Promise((r) => setTimeout(r, 50));
    order.push('first releases');
    await release();
    await (
      await second
    )();
    expect(order).toEqual(['first releases', 'second']);
  });

  it('breaks the lock of a dead process, and one that was not refreshed', async () => {
    const file = lockPath(dir, 'alpha');
    const holder = {
      pid: deadPid(),
      host: hostname(),
      since: '2026-01-01T00:00:00.000Z',
      what: 'x',
      token: 'a',
    };
    await writeFile(file, JSON.stringify(holder));
    const r1 = await acquireModelLock(dir, 'alpha', 'mine', { waitMs: 0 });
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ pid: process.pid, what: 'mine' });
    await r1();

    // A live pid (this test's parent) but not refreshed for longer than staleMs.
    await writeFile(file, JSON.stringify({ ...holder, pid: process.ppid }));
    const old = new Date(Date.now() - 60_000);
    await utimes(file, old, old);
    const r2 = await acquireModelLock(dir, 'alpha', 'mine', { waitMs: 0, staleMs: 30_000 });
    await r2();
    await expect(readdir(dir)).resolves.toEqual([]);
  });

  it('a holder refreshes its lock, so a waiter does not take it for stale', async () => {
    const release = await acquireModelLock(dir, 'alpha', 'download of alpha', { staleMs: 1000 });
    const err = await failure(
      acquireModelLock(dir, 'alpha', 'x', { waitMs: 2500, staleMs: 1000, pollMs: 20 }),
    );
    expect(err.code).toBe('IO');
    await release();
  });

  it('stops waiting when cancelled', async () => {
    const release = await acquireModelLock(dir, 'alpha', 'download of alpha');
    const ac = new AbortController();
    const waiting = acquireModelLock(dir, 'alpha', 'x', { signal: ac.signal, pollMs: 10 });
    ac.abort();
    expect((await failure(waiting)).code).toBe('CANCELLED');
    await release();
  });
});
