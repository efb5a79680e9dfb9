/**
 * Test helper: a loopback-only HTTP server (127.0.0.1, random port) whose behaviour each test scripts,
 * and that records every request's path, Range header and the body bytes it sent. Used by the download,
 * store and CLI tests only.
 */
import { createHash, randomBytes } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  path: string;
  range?: string;
  /** Body bytes the handler wrote for this request (so far). */
  sent: number;
}

export type Handler = (req: IncomingMessage, res: ServerResponse, index: number) => void;

export interface TestServer {
  /** `http://127.0.0.1:<port><path>`. */
  url(path: string): string;
  readonly requests: SeenRequest[];
  /** Replaces the behaviour for the following requests. */
  handle(h: Handler): void;
  close(): Promise<void>;
}

export async function startTestServer(initial: Handler): Promise<TestServer> {
  let handler = initial;
  const requests: SeenRequest[] = [];
  const server = http.createServer((req, res) => {
    const index = requests.length;
    const seen: SeenRequest = { path: req.url ?? '', range: req.headers.range, sent: 0 };
    requests.push(seen);
    countBody(res, seen);
    handler(req, res, index);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: (p) => `http://127.0.0.1:${port}${p}`,
    requests,
    handle(h) {
      handler = h;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Counts what the handler writes into `seen.sent`. */
function countBody(res: ServerResponse, seen: SeenRequest): void {
  const size = (chunk: unknown): number =>
    typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk instanceof Uint8Array ? chunk.length : 0;
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  res.write = ((chunk: unknown, ...rest: unknown[]) => {
    seen.sent += size(chunk);
    return write(chunk, ...rest);
  }) as ServerResponse['write'];
  res.end = ((chunk?: unknown, ...rest: unknown[]) => {
    if (typeof chunk !== 'function') seen.sent += size(chunk);
    return end(chunk, ...rest);
  }) as ServerResponse['end'];
}

export interface Payload {
  data: Buffer;
  sha256: string;
}

/** Random bytes and their SHA-256. */
export function makePayload(bytes: number): Payload {
  const data = randomBytes(bytes);
  return { data, sha256: createHash('sha256').update(data).digest('hex') };
}

export interface ServeOptions {
  /** Answer Range requests with 206 (default true); false sends the whole file with 200. */
  honourRange?: boolean;
  /** Flip some bytes in what is sent. */
  corrupt?: boolean;
  /** Send in chunks of this size with `delayMs` between them. */
  chunk?: number;
  delayMs?: number;
}

/** Serves `data` like a static file server (200, 206 with Content-Range, 416 past the end). */
export function serveBytes(data: Buffer, o: ServeOptions = {}): Handler {
  return (req, res) => {
    let body = data;
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (m && o.honourRange !== false) {
      const start = Number(m[1]);
      if (start >= data.length) {
        res.writeHead(416, { 'content-range': `bytes */${data.length}` });
        res.end();
        return;
      }
      body = data.subarray(start);
      res.writeHead(206, {
        'content-length': body.length,
        'content-range': `bytes ${start}-${data.length - 1}/${data.length}`,
      });
    } else {
      res.writeHead(200, { 'content-length': data.length });
    }
    if (o.corrupt) {
      body = Buffer.from(body);
      for (let i = 0; i < body.length; i += 4099) body[i] = body[i]! ^ 0xff;
    }
    sendChunked(res, body, o.chunk ?? body.length, o.delayMs ?? 0);
  };
}

function sendChunked(res: ServerResponse, body: Buffer, chunk: number, delayMs: number): void {
  let at = 0;
  const next = (): void => {
    if (res.destroyed) return;
    if (at >= body.length) {
      res.end();
      return;
    }
    const piece = body.subarray(at, at + chunk);
    at += piece.length;
    res.write(piece, () => (delayMs > 0 ? setTimeout(next, delayMs) : setImmediate(next)));
  };
  next();
}

/**
 * A chunked body (no Content-Length) that brings `data` and then keeps going: `extra` more bytes of
 * filler, sent in `chunk`-sized pieces until they are all out or the client hangs up. A server that does
 * not stop at the file's size.
 */
export function serveOverlong(data: Buffer, extra: number, chunk = 16 * 1024): Handler {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    const body = Buffer.concat([data, Buffer.alloc(extra, 0x5a)]);
    sendChunked(res, body, chunk, 0);
  };
}

/** Sends headers for the whole file and the first `bytes` of it, then drops the connection. */
export function dropAfter(data: Buffer, bytes: number): Handler {
  return (_req, res) => {
    res.writeHead(200, { 'content-length': data.length });
    res.write(data.subarray(0, bytes), () => setTimeout(() => res.socket?.destroy(), 30));
  };
}

/** Sends headers and the first `bytes`, then nothing more (the connection stays open). */
export function stallAfter(data: Buffer, bytes: number): Handler {
  return (_req, res) => {
    res.writeHead(200, { 'content-length': data.length });
    res.write(data.subarray(0, bytes));
  };
}

/** A file the server serves without holding it: `read` makes any byte range on demand. */
export interface VirtualFile {
  size: number;
  /** Bytes [start, end). */
  read(start: number, end: number): Buffer;
}

export interface RangeServeOptions {
  /** Answer Range requests with 206 (default true); false sends the whole file with 200. */
  honourRange?: boolean;
  /** Send in chunks of this size (default 256 KiB), each after the previous one was flushed. */
  chunk?: number;
  /** Drop the connection after sending this many body bytes. */
  dropAfter?: number;
  /** Flip the byte at these absolute file offsets in what is sent. */
  flip?: readonly number[];
}

/**
 * Serves a VirtualFile like a static file server: 200 for the whole file, 206 with Content-Range for
 * `bytes=a-b`, `bytes=a-` and `bytes=-n`, 416 past the end.
 */
export function serveRanges(file: VirtualFile, o: RangeServeOptions = {}): Handler {
  return (req, res) => {
    let start = 0;
    let end = file.size;
    const m = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
    if (m && (m[1] || m[2]) && o.honourRange !== false) {
      if (m[1]) {
        start = Number(m[1]);
        end = m[2] ? Math.min(Number(m[2]) + 1, file.size) : file.size;
      } else {
        start = Math.max(0, file.size - Number(m[2]));
      }
      if (start >= file.size || end <= start) {
        res.writeHead(416, { 'content-range': `bytes */${file.size}` });
        res.end();
        return;
      }
      res.writeHead(206, {
        'content-length': end - start,
        'content-range': `bytes ${start}-${end - 1}/${file.size}`,
      });
    } else {
      res.writeHead(200, { 'content-length': file.size });
    }
    const chunk = o.chunk ?? 256 * 1024;
    const stopAt = o.dropAfter === undefined ? end : Math.min(end, start + o.dropAfter);
    let at = start;
    const next = (): void => {
      if (res.destroyed) return;
      if (at >= stopAt) {
        if (stopAt < end) setTimeout(() => res.socket?.destroy(), 20);
        else res.end();
        return;
      }
      const to = Math.min(at + chunk, stopAt);
      const piece = file.read(at, to);
      for (const f of o.flip ?? []) if (f >= at && f < to) piece[f - at] = piece[f - at]! ^ 0xff;
      at = to;
      res.write(piece, () => setImmediate(next));
    };
    next();
  };
}

/** A VirtualFile over bytes held in memory. */
export function memoryFile(data: Buffer): VirtualFile {
  return { size: data.length, read: (a, b) => Buffer.from(data.subarray(a, b)) };
}
