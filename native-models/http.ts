/**
 * HTTP(S) primitives shared by the whole-file download (download.ts) and the byte-range fetch
 * (rangeFetch.ts), on Node's own `fetch`: a GET that follows redirects by hand (so the hop count is
 * ours and every hop carries the Range header), an idle timeout that covers the wait for the headers
 * and every gap between body chunks, cancellation, a body writer that writes every byte it received
 * before it fails, and throttled progress.
 */
import { open } from 'node:fs/promises';
import { StudioError } from '../app/common/errors';

export interface TransferProgress {
  /** Bytes in the destination so far, resumed bytes included. */
  received: number;
  /** Expected size, or 0 while unknown. */
  total: number;
}

export interface RequestOptions {
  signal?: AbortSignal;
  /** Redirects followed before giving up (default 5). */
  maxRedirects?: number;
  /** Fails when the connection brings no data for this long (default 60 000 ms). */
  idleTimeoutMs?: number;
}

/** A response whose body is still to be read, with the idle timer that watches it. */
export interface Opened {
  res: Response;
  /** The address that answered (after redirects). */
  url: string;
  idle: IdleTimer;
  /** Fires on the caller's cancellation or the idle timeout. */
  signal: AbortSignal;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * Aborts its signal with "no data for <t>" when `arm` is not called again within `ms`; `stop` ends it.
 */
export class IdleTimer {
  private readonly controller = new AbortController();
  private timer: ReturnType<typeof setTimeout> | undefined;
  readonly signal = this.controller.signal;
  constructor(private readonly ms: number) {
    this.arm();
  }
  arm(): void {
    clearTimeout(this.timer);
    if (this.signal.aborted) return;
    this.timer = setTimeout(
      () => this.controller.abort(new Error(`no data for ${describeMs(this.ms)}`)),
      this.ms,
    );
  }
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/**
 * Sends a GET (with `Range: <range>` when given) and follows redirects; resolves with the final
 * response, whose body the caller must read (writeBody, readBody) or `discard`.
 * @throws Error on network failure (the message names the cause), a redirect without Location or more
 *   than `maxRedirects` redirects, or no answer within the idle timeout; the signal's reason when
 *   `signal` fires.
 */
export async function openFollowingRedirects(
  startUrl: string,
  range: string | undefined,
  o: RequestOptions,
): Promise<Opened> {
  const max = o.maxRedirects ?? 5;
  let url = startUrl;
  for (let hop = 0; ; hop++) {
    const opened = await requestOnce(url, range, o);
    const { res } = opened;
    if (!REDIRECTS.has(res.status)) return opened;
    await discard(opened);
    const location = res.headers.get('location');
    if (!location) throw new Error(`the server sent HTTP ${res.status} without a Location`);
    if (hop >= max) throw new Error(`more than ${max} redirects`);
    url = new URL(location, url).toString();
  }
}

async function requestOnce(url: string, range: string | undefined, o: RequestOptions): Promise<Opened> {
  const target = new URL(url);
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    throw new Error(`unsupported protocol ${target.protocol} in ${url}`);
  }
  if (o.signal?.aborted) throw abortError();
  const headers: Record<string, string> = {
    'user-agent': 'inpaint-studio (model store)',
    'accept-encoding': 'identity',
  };
  if (range) headers.range = range;
  const idle = new IdleTimer(o.idleTimeoutMs ?? 60_000);
  const signal = o.signal ? AbortSignal.any([o.signal, idle.signal]) : idle.signal;
  try {
    const res = await fetch(target, { method: 'GET', headers, redirect: 'manual', signal });
    idle.arm();
    return { res, url, idle, signal };
  } catch (e) {
    idle.stop();
    throw networkError(e, signal);
  }
}

/** Drops a response's body (an answer that will not be used). */
export async function discard(o: Opened): Promise<void> {
  o.idle.stop();
  await o.res.body?.cancel().catch(() => undefined);
}

/**
 * Reads the body chunk by chunk, re-arming the idle timer on each; `take` consumes a chunk (and may
 * throw to stop the transfer). Ends the idle timer and releases the connection however it ends.
 */
async function eachChunk(o: Opened, take: (chunk: Uint8Array) => Promise<void> | void): Promise<void> {
  const reader = o.res.body?.getReader();
  if (!reader) {
    o.idle.stop();
    return;
  }
  try {
    for (;;) {
      let step: ReadableStreamReadResult<Uint8Array>;
      try {
        step = await reader.read();
      } catch (e) {
        throw networkError(e, o.signal);
      }
      if (step.done) return;
      o.idle.arm();
      await take(step.value);
    }
  } catch (e) {
    await reader.cancel().catch(() => undefined);
    throw e;
  } finally {
    o.idle.stop();
    reader.releaseLock();
  }
}

/**
 * Writes the response body to `dest` and resolves with the number of body bytes written. Every byte that
 * arrived is written to the file before it rejects, so a later resume loses nothing. A write failure is
 * rejected with the file system's error marked `writing: true`.
 * @param start bytes already in the destination (for progress).
 * @param limit stop with an error (marked `overLimit: true`) when the body brings more than this many
 *   bytes; the bytes past the limit are not written.
 */
export async function writeBody(
  o: Opened,
  dest: string,
  flags: 'w' | 'a',
  start: number,
  total: number,
  gate: ProgressGate,
  limit = Infinity,
): Promise<number> {
  let fh;
  try {
    fh = await open(dest, flags);
  } catch (e) {
    await discard(o);
    throw Object.assign(e as Error, { writing: true });
  }
  let received = 0;
  try {
    await eachChunk(o, async (chunk) => {
      if (received + chunk.length > limit) {
        throw Object.assign(new Error(`the server sent more than the ${limit} bytes asked for`), {
          overLimit: true,
        });
      }
      try {
        await fh.write(chunk);
      } catch (e) {
        throw Object.assign(e as Error, { writing: true });
      }
      received += chunk.length;
      gate.push({ received: start + received, total });
    });
  } finally {
    await fh.close();
  }
  return received;
}

/** Reads a whole (small) response body into memory; fails past `limit` bytes. */
export async function readBody(o: Opened, limit: number): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  await eachChunk(o, (chunk) => {
    size += chunk.length;
    if (size > limit) throw new Error(`the server sent more than the ${limit} bytes asked for`);
    chunks.push(chunk);
  });
  return Buffer.concat(chunks);
}

/**
 * The error to report for a failed fetch or body read: the abort reason when a signal fired (the idle
 * timer's "no data for ..." or the caller's cancellation), else fetch's bare "fetch failed" /
 * "terminated" with its cause spelt out.
 */
function networkError(e: unknown, signal: AbortSignal | undefined): unknown {
  if (signal?.aborted) return signal.reason;
  if (!(e instanceof TypeError)) return e;
  const cause = (e as { cause?: unknown }).cause;
  const detail = cause instanceof Error ? cause.message : undefined;
  if (e.message === 'terminated') {
    return new Error(`the connection closed before the transfer finished${detail ? ` (${detail})` : ''}`, {
      cause: e,
    });
  }
  return new Error(detail ? `${e.message}: ${detail}` : e.message, { cause: e });
}

export function describeMs(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}

export function abortError(): Error {
  const e = new Error('The operation was cancelled.');
  e.name = 'AbortError';
  return e;
}

/** The host of `url` for messages, or the text itself when it is not a URL. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** A response header, undefined when absent. */
export function header(res: Response, name: string): string | undefined {
  return res.headers.get(name) ?? undefined;
}

export function contentLength(res: Response): number | undefined {
  const v = header(res, 'content-length');
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/**
 * Parses a Content-Range value: `bytes 100-199/1000` gives start 100, end 199 (inclusive) and total
 * 1000; `bytes *\/1000` (416) gives the total only; `/*` leaves the total undefined.
 */
export function parseByteRange(
  v: string | undefined,
): { start?: number; end?: number; total?: number } | undefined {
  if (!v) return undefined;
  const m = /^bytes\s+(?:(\d+)-(\d+)|\*)\/(\d+|\*)$/i.exec(v.trim());
  if (!m) return undefined;
  return {
    start: m[1] !== undefined ? Number(m[1]) : undefined,
    end: m[2] !== undefined ? Number(m[2]) : undefined,
    total: m[3] !== '*' ? Number(m[3]) : undefined,
  };
}

/** Passes on at most one progress event per interval (dropping the rest) and always the final one. */
export class ProgressGate {
  private last = -Infinity;
  constructor(
    private readonly send: ((p: TransferProgress) => void) | undefined,
    private readonly intervalMs: number,
  ) {}
  push(p: TransferProgress): void {
    if (!this.send) return;
    const now = performance.now();
    if (now - this.last < this.intervalMs) return;
    this.last = now;
    this.send(p);
  }
  final(p: TransferProgress): void {
    this.send?.(p);
  }
}

/** The error of a cancelled download, `kept` saying how many bytes stay for the resume. */
export function cancelledDownload(label: string, kept: string, cause: unknown): StudioError {
  return new StudioError(
    'CANCELLED',
    `Download of ${label} was cancelled after ${kept} bytes; they are kept and the next download resumes from there.`,
    { cause },
  );
}
