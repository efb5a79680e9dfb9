/**
 * HTTP(S) primitives shared by the whole-file download (download.ts) and the byte-range fetch
 * (rangeFetch.ts), on Node's own http/https: a GET that follows redirects with an idle timeout and
 * cancellation, a body writer that flushes every byte it received before it fails, and throttled
 * progress.
 */
import { createWriteStream } from 'node:fs';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
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

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * Sends a GET (with `Range: <range>` when given) and follows redirects; resolves with the final
 * response, whose body the caller must consume or destroy.
 * @throws Error on network failure, a redirect without Location or more than `maxRedirects` redirects;
 *   an AbortError when `signal` fires.
 */
export async function openFollowingRedirects(
  startUrl: string,
  range: string | undefined,
  o: RequestOptions,
): Promise<{ res: IncomingMessage; url: string }> {
  const max = o.maxRedirects ?? 5;
  let url = startUrl;
  for (let hop = 0; ; hop++) {
    const res = await requestOnce(url, range, o);
    if (!REDIRECTS.has(res.statusCode ?? 0)) return { res, url };
    res.resume();
    const location = res.headers.location;
    if (!location) throw new Error(`the server sent HTTP ${res.statusCode} without a Location`);
    if (hop >= max) throw new Error(`more than ${max} redirects`);
    url = new URL(location, url).toString();
  }
}

function requestOnce(url: string, range: string | undefined, o: RequestOptions): Promise<IncomingMessage> {
  const target = new URL(url);
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    return Promise.reject(new Error(`unsupported protocol ${target.protocol} in ${url}`));
  }
  const headers: Record<string, string> = {
    'user-agent': 'inpaint-studio (model store)',
    'accept-encoding': 'identity',
  };
  if (range) headers.range = range;
  const lib = target.protocol === 'https:' ? https : http;
  if (o.signal?.aborted) return Promise.reject(abortError());
  const idleMs = o.idleTimeoutMs ?? 60_000;
  return new Promise((resolve, reject) => {
    const req = lib.request(target, { method: 'GET', headers });
    const onAbort = (): void => {
      req.destroy(abortError());
    };
    o.signal?.addEventListener('abort', onAbort, { once: true });
    let response: IncomingMessage | undefined;
    req.setTimeout(idleMs, () => {
      const e = new Error(`no data for ${describeMs(idleMs)}`);
      // Once the body is flowing, fail the response with this reason (its own would be a bare "aborted").
      if (response) response.destroy(e);
      else req.destroy(e);
    });
    req.on('response', (res) => {
      response = res;
      o.signal?.removeEventListener('abort', onAbort);
      resolve(res);
    });
    req.on('error', (e) => {
      o.signal?.removeEventListener('abort', onAbort);
      reject(e);
    });
    req.end();
  });
}

/**
 * Writes the response body to `dest` and resolves with the number of body bytes written. Every byte that
 * arrived is flushed to the file before it rejects, so a later resume loses nothing. A write failure is
 * rejected with the file system's error marked `writing: true`.
 * @param start bytes already in the destination (for progress).
 * @param limit stop with an error (marked `overLimit: true`) when the body brings more than this many
 *   bytes; the bytes past the limit are not written.
 */
export function writeBody(
  res: IncomingMessage,
  dest: string,
  flags: 'w' | 'a',
  start: number,
  total: number,
  gate: ProgressGate,
  signal: AbortSignal | undefined,
  limit = Infinity,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = createWriteStream(dest, { flags });
    let received = 0;
    let ended = false;
    let failure: unknown;
    const fail = (e: unknown): void => {
      if (failure !== undefined || ended) return;
      failure = e;
      res.destroy();
      if (!ws.destroyed) ws.end();
    };
    const onAbort = (): void => fail(abortError());
    if (signal?.aborted) onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    res.on('data', (chunk: Buffer) => {
      if (failure !== undefined) return;
      if (received + chunk.length > limit) {
        fail(
          Object.assign(new Error(`the server sent more than the ${limit} bytes asked for`), {
            overLimit: true,
          }),
        );
        return;
      }
      received += chunk.length;
      if (!ws.write(chunk)) res.pause();
      gate.push({ received: start + received, total });
    });
    ws.on('drain', () => {
      if (failure === undefined) res.resume();
    });
    res.on('end', () => {
      if (failure !== undefined) return;
      ended = true;
      ws.end();
    });
    res.on('error', fail);
    res.on('close', () => {
      if (!ended) fail(new Error('the connection closed before the transfer finished'));
    });
    ws.on('error', (e) => {
      if (failure === undefined) failure = Object.assign(e, { writing: true });
      res.destroy();
    });
    ws.on('close', () => {
      signal?.removeEventListener('abort', onAbort);
      if (failure !== undefined) reject(failure);
      else resolve(received);
    });
  });
}

/** Reads a whole (small) response body into memory; fails past `limit` bytes. */
export function readBody(
  res: IncomingMessage,
  limit: number,
  signal: AbortSignal | undefined,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (e: unknown, value?: Buffer): void => {
      if (done) return;
      done = true;
      signal?.removeEventListener('abort', onAbort);
      if (e !== undefined) {
        res.destroy();
        reject(e);
      } else resolve(value!);
    };
    const onAbort = (): void => finish(abortError());
    if (signal?.aborted) onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) finish(new Error(`the server sent more than the ${limit} bytes asked for`));
      else chunks.push(chunk);
    });
    res.on('end', () => finish(undefined, Buffer.concat(chunks)));
    res.on('error', (e) => finish(e));
    res.on('close', () => finish(new Error('the connection closed before the transfer finished')));
  });
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

export function contentLength(res: IncomingMessage): number | undefined {
  const v = res.headers['content-length'];
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
