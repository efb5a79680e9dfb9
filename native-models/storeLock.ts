/**
 * A per-model lock that works across processes: `<store>/.lock-<id>`, created with O_EXCL and holding
 * the holder's pid, host, start time and what it is doing. Two processes (the CLI and the editor, two
 * CLI runs) installing into one store take turns: the second waits, bounded, and then sees the model
 * installed. The holder refreshes the file's mtime while it works; a lock whose holder died (same host,
 * pid gone) or that was not refreshed for `staleMs` is stale and is broken, under a second O_EXCL file
 * (`.lock-<id>.break`) so that two waiters never both break it and delete each other's new lock.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { link, mkdir, open, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { StudioError } from '../app/common/errors';
import { processAlive } from '../app/image/atomicWrite';

export interface LockHolder {
  pid: number;
  host: string;
  /** ISO 8601. */
  since: string;
  /** What the holder is doing, e.g. `downloading`. */
  what: string;
  token: string;
}

export interface LockOptions {
  /** Longest wait for another holder (default 30 minutes). */
  waitMs?: number;
  /** A lock not refreshed for this long is stale (default 2 minutes); the holder refreshes it every staleMs / 4. */
  staleMs?: number;
  /** How often a waiter looks again (default 200 ms). */
  pollMs?: number;
  signal?: AbortSignal;
  /** Called once when the lock is held by someone else and the wait begins; says who holds it. */
  onWaiting?: (message: string) => void;
}

export const LOCK_WAIT_MS = 30 * 60 * 1000;
export const LOCK_STALE_MS = 2 * 60 * 1000;
/** A breaker file older than this was left by a process that died while breaking a lock. */
const BREAK_STALE_MS = 10_000;

export function lockPath(dir: string, id: string): string {
  return path.join(dir, `.lock-${id}`);
}

/**
 * Takes the lock on model `id` in store folder `dir`, waiting while another live holder has it.
 * Returns the function that releases it (it removes the file only while it is still this holder's).
 * @throws StudioError IO when the store cannot be written or the wait passes `waitMs` (the message
 *   names the holder); CANCELLED when `signal` fires while waiting.
 */
export async function acquireModelLock(
  dir: string,
  id: string,
  what: string,
  o: LockOptions = {},
): Promise<() => Promise<void>> {
  const waitMs = o.waitMs ?? LOCK_WAIT_MS;
  const staleMs = o.staleMs ?? LOCK_STALE_MS;
  const pollMs = o.pollMs ?? 200;
  const file = lockPath(dir, id);
  await mkdir(dir, { recursive: true });
  const me: LockHolder = {
    pid: process.pid,
    host: hostname(),
    since: new Date().toISOString(),
    what,
    token: randomBytes(8).toString('hex'),
  };
  const started = Date.now();
  let told = false;
  for (;;) {
    if (o.signal?.aborted) throw cancelled(id);
    if (await tryCreate(file, me)) return holding(file, me, staleMs);
    const seen = await readHolder(file);
    if (seen && (await isStale(file, seen.holder, staleMs))) {
      await breakStale(file, seen.holder, staleMs);
      continue;
    }
    if (Date.now() - started >= waitMs) {
      throw new StudioError(
        'IO',
        `Model ${id}: ${describe(seen?.holder)} and did not finish within ${Math.round(waitMs / 1000)} s. ` +
          `Try again when it is done (or, if no such process runs, delete ${file}).`,
      );
    }
    if (!told && seen) {
      told = true;
      o.onWaiting?.(`Model ${id}: ${describe(seen.holder)}; waiting for it to finish.`);
    }
    await sleep(pollMs, o.signal);
  }
}

function describe(h: LockHolder | null | undefined): string {
  if (!h) return 'another process holds the lock';
  const where = h.host === hostname() ? '' : ` on ${h.host}`;
  return `another ${h.what} is in progress (process ${h.pid}${where}, since ${h.since})`;
}

/**
 * Creates the lock with its holder already in it: the holder is written to a private file that is then
 * hard-linked to the lock's name (link fails if the name exists), so a waiter never reads an empty lock.
 */
async function tryCreate(file: string, me: LockHolder): Promise<boolean> {
  const draft = `${file}.${me.pid}.${me.token}.draft`;
  await writeFile(draft, JSON.stringify(me), { flag: 'wx' });
  try {
    await link(draft, file);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    await rm(draft, { force: true });
  }
}

async function readHolder(file: string): Promise<{ holder: LockHolder | null } | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return null; // released meanwhile
  }
  try {
    const h = JSON.parse(text) as LockHolder;
    return typeof h.pid === 'number' && typeof h.token === 'string' ? { holder: h } : { holder: null };
  } catch {
    return { holder: null }; // being written, or damaged: judged by age alone
  }
}

async function isStale(file: string, h: LockHolder | null, staleMs: number): Promise<boolean> {
  if (h && h.host === hostname() && !processAlive(h.pid)) return true;
  try {
    return Date.now() - (await stat(file)).mtimeMs > staleMs;
  } catch {
    return false;
  }
}

/** Removes the stale lock `seen`, unless another waiter is doing so or it was replaced meanwhile. */
async function breakStale(file: string, seen: LockHolder | null, staleMs: number): Promise<void> {
  const breaker = `${file}.break`;
  let handle;
  try {
    handle = await open(breaker, 'wx');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    const age = await stat(breaker).then(
      (s) => Date.now() - s.mtimeMs,
      () => 0,
    );
    if (age > BREAK_STALE_MS) await rm(breaker, { force: true });
    return;
  }
  await handle.close();
  try {
    // Under the breaker nobody else deletes the lock, so if it is still the one judged stale, it goes.
    const now = await readHolder(file);
    if (!now || now.holder?.token !== seen?.token) return;
    if (await isStale(file, now.holder, staleMs)) await rm(file, { force: true });
  } finally {
    await rm(breaker, { force: true });
  }
}

function holding(file: string, me: LockHolder, staleMs: number): () => Promise<void> {
  const beat = setInterval(
    () => {
      const t = new Date();
      utimes(file, t, t).catch(() => undefined);
    },
    Math.max(50, Math.floor(staleMs / 4)),
  );
  beat.unref();
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    clearInterval(beat);
    const now = await readHolder(file);
    if (now?.holder?.token === me.token) await rm(file, { force: true });
  };
}

function cancelled(id: string): StudioError {
  return new StudioError('CANCELLED', `Waiting for another process working on model ${id} was cancelled.`);
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(done, ms);
    function done(): void {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }
    function onAbort(): void {
      clearTimeout(t);
      reject(new StudioError('CANCELLED', 'The operation was cancelled.'));
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
