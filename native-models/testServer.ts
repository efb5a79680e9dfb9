/**
 * Test helper: a loopback-only HTTP server (127.0.0.1, random port) whose behaviour each test scripts,
 * and that records every request's path and Range header. Used by the download and store tests only.
 */
import { createHash, randomBytes } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  path: string;
  range?: string;
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
    requests.push({ path: req.url ?? '', range: req.headers.range });
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
