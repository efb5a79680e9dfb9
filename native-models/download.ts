/**
 * Resumable HTTP(S) transfer of one file into a `.partial` file, with Node's own http/https: redirects
 * (Hugging Face sends a CDN address), `Range` resumption, an idle timeout, cancellation and throttled
 * progress. It knows nothing about hashes: the store checks the finished file.
 */
import { createWriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { StudioError } from '../app/common/errors';

export interface TransferProgress {
  /** Bytes in the destination file so far, resumed bytes included. */
  received: number;
  /** Expected size, or 0 while unknown. */
  total: number;
}

export interface FetchToFileOptions {
  /** http: or https: URL. */
  url: string;
  /** The destination (`<file>.partial`). When it exists the transfer resumes after its last byte. */
  dest: string;
  /** What the transfer is called in messages (the model id). */
  label: string;
  /** The size the finished file must have; a server announcing another size fails at once. */
  expectedBytes?: number;
  signal?: AbortSignal;
  /** At most one call per `progressIntervalMs`, plus one when the transfer completes. */
  onProgress?: (p: TransferProgress) => void;
  /** Redirects followed before giving up (default 5). */
  maxRedirects?: number;
  /** Fails when the connection brings no data for this long (default 60 000 ms). */
  idleTimeoutMs?: number;
  /** Default 100 ms (10 events a second). */
  progressIntervalMs?: number;
}

export interface FetchResult {
  /** Size of the finished destination file. */
  bytes: number;
  /** Bytes that were already in the destination and kept (0 when the transfer started from zero). */
  resumedFrom: number;
  /** The address the bytes finally came from (after redirects). */
  finalUrl: string;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * Downloads `url` into `dest`, resuming a partial `dest` with `Range: bytes=N-`. Handles 206 (appends),
 * 200 (server ignored the range: restarts from zero), and 416 (the partial is already complete, or is
 * discarded and the transfer restarted once).
 * @throws StudioError MODEL_DOWNLOAD on network failure, HTTP errors, too many redirects or a connection
 *   that ends early (the partial file is kept for a later resume); MODEL_INTEGRITY when the server
 *   announces a size other than `expectedBytes` (the partial file is removed); CANCELLED when `signal`
 *   fires (the partial file is kept); IO when the destination cannot be written.
 */
export async function fetchToFile(o: FetchToFileOptions): Promise<FetchResult> {
  const gate = new ProgressGate(o.onProgress, o.progressIntervalMs ?? 100);
  let total = o.expectedBytes ?? 0;
  try {
    if (o.signal?.aborted) throw abortError();
    let offset = await sizeOf(o.dest);
    if (o.expectedBytes !== undefined && offset > o.expectedBytes) {
      await rm(o.dest, { force: true });
      offset = 0;
    }
    if (o.expectedBytes !== undefined && offset === o.expectedBytes && offset > 0) {
      gate.final({ received: offset, total });
      return { bytes: offset, resumedFrom: offset, finalUrl: o.url };
    }
    for (let restarts = 0; ; restarts++) {
      const { res, url } = await openFollowingRedirects(o, offset);
      const status = res.statusCode ?? 0;
      if (status === 416) {
        res.resume();
        const announced = parseContentRange(res.headers['content-range'])?.total;
        if (
          offset > 0 &&
          announced === offset &&
          (o.expectedBytes === undefined || offset === o.expectedBytes)
        ) {
          gate.final({ received: offset, total: offset });
          return { bytes: offset, resumedFrom: offset, finalUrl: url };
        }
        if (restarts > 0) throw new Error(`the server refused the byte range (HTTP 416)`);
        await rm(o.dest, { force: true });
        offset = 0;
        continue;
      }
      let start: number;
      let announcedTotal: number | undefined;
      if (status === 206) {
        const range = parseContentRange(res.headers['content-range']);
        if (!range || range.start !== offset) {
          res.destroy();
          if (restarts > 0) throw new Error('the server sent a byte range other than the one asked for');
          await rm(o.dest, { force: true });
          offset = 0;
          continue;
        }
        start = offset;
        announcedTotal = range.total;
      } else if (status === 200) {
        start = 0; // no range, or the server ignored it: start again from zero
        announcedTotal = contentLength(res);
      } else {
        res.resume();
        throw new Error(
          `the server answered HTTP ${status}${res.statusMessage ? ` ${res.statusMessage}` : ''}`,
        );
      }
      if (
        o.expectedBytes !== undefined &&
        announcedTotal !== undefined &&
        announcedTotal !== o.expectedBytes
      ) {
        res.destroy();
        await rm(o.dest, { force: true });
        throw new StudioError(
          'MODEL_INTEGRITY',
          `The server offers ${announcedTotal} bytes for ${o.label} but ${o.expectedBytes} are expected ` +
            `(${url}). Nothing was installed.`,
        );
      }
      total = o.expectedBytes ?? announcedTotal ?? 0;
      const bodyLength = contentLength(res);
      const got = await writeBody(res, o.dest, start === 0 ? 'w' : 'a', start, total, gate, o.signal);
      if (bodyLength !== undefined && got < bodyLength) throw new Error('the connection ended early');
      const bytes = start + got;
      gate.final({ received: bytes, total: total || bytes });
      return { bytes, resumedFrom: start, finalUrl: url };
    }
  } catch (e) {
    throw await explain(e, o, total);
  }
}

/** Sends a GET (with `Range` when `offset` > 0) and follows redirects; resolves with the final response. */
async function openFollowingRedirects(
  o: FetchToFileOptions,
  offset: number,
): Promise<{ res: IncomingMessage; url: string }> {
  const max = o.maxRedirects ?? 5;
  let url = o.url;
  for (let hop = 0; ; hop++) {
    const res = await requestOnce(url, offset, o);
    if (!REDIRECTS.has(res.statusCode ?? 0)) return { res, url };
    res.resume();
    const location = res.headers.location;
    if (!location) throw new Error(`the server sent HTTP ${res.statusCode} without a Location`);
    if (hop >= max) throw new Error(`more than ${max} redirects`);
    url = new URL(location, url).toString();
  }
}

function requestOnce(url: string, offset: number, o: FetchToFileOptions): Promise<IncomingMessage> {
  const target = new URL(url);
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    return Promise.reject(new Error(`unsupported protocol ${target.protocol} in ${url}`));
  }
  const headers: Record<string, string> = {
    'user-agent': 'inpaint-studio (model store)',
    'accept-encoding': 'identity',
  };
  if (offset > 0) headers.range = `bytes=${offset}-`;
  const lib = target.protocol === 'https:' ? https : http;
  if (o.signal?.aborted) return Promise.reject(abortError());
  return new Promise((resolve, reject) => {
    const req = lib.request(target, { method: 'GET', headers });
    const onAbort = (): void => {
      req.destroy(abortError());
    };
    o.signal?.addEventListener('abort', onAbort, { once: true });
    let response: IncomingMessage | undefined;
    req.setTimeout(o.idleTimeoutMs ?? 60_000, () => {
      const e = new Error(`no data for ${describeMs(o.idleTimeoutMs ?? 60_000)}`);
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
 * arrived is flushed to the file before it rejects, so a later resume loses nothing.
 */
function writeBody(
  res: IncomingMessage,
  dest: string,
  flags: 'w' | 'a',
  start: number,
  total: number,
  gate: ProgressGate,
  signal: AbortSignal | undefined,
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

/** Turns whatever went wrong into the StudioError the caller documents. */
async function explain(e: unknown, o: FetchToFileOptions, total: number): Promise<StudioError> {
  const kept = await sizeOf(o.dest);
  const of = total > 0 ? ` of ${total}` : '';
  if (o.signal?.aborted || (e instanceof StudioError && e.code === 'CANCELLED')) {
    return new StudioError(
      'CANCELLED',
      `Download of ${o.label} was cancelled after ${kept}${of} bytes; they are kept and the next download ` +
        'resumes from there.',
      { cause: e },
    );
  }
  if (e instanceof StudioError) return e;
  const reason = e instanceof Error ? e.message : String(e);
  if (e instanceof Error && (e as { writing?: boolean }).writing) {
    return new StudioError('IO', `Could not write the download of ${o.label} to ${o.dest}: ${reason}`, {
      cause: e,
    });
  }
  let host = o.url;
  try {
    host = new URL(o.url).host;
  } catch {
    // keep the raw text
  }
  const resume =
    kept > 0
      ? `The ${kept}${of} bytes received are kept; run the download again to resume it.`
      : 'Run the download again to retry.';
  return new StudioError(
    'MODEL_DOWNLOAD',
    `Download of ${o.label} from ${host} failed: ${reason}. ${resume}`,
    {
      cause: e,
    },
  );
}

function describeMs(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}

function abortError(): Error {
  const e = new Error('The operation was cancelled.');
  e.name = 'AbortError';
  return e;
}

async function sizeOf(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch {
    return 0;
  }
}

function contentLength(res: IncomingMessage): number | undefined {
  const v = res.headers['content-length'];
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/** Parses a Content-Range value: `bytes 100-199/1000` gives start and total; `bytes *\/1000` (416) gives the total only. */
export function parseContentRange(v: string | undefined): { start?: number; total?: number } | undefined {
  if (!v) return undefined;
  const m = /^bytes\s+(?:(\d+)-(\d+)|\*)\/(\d+|\*)$/i.exec(v.trim());
  if (!m) return undefined;
  return {
    start: m[1] !== undefined ? Number(m[1]) : undefined,
    total: m[3] !== '*' ? Number(m[3]) : undefined,
  };
}

/** Passes on at most one progress event per interval (dropping the rest) and always the final one. */
class ProgressGate {
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
