/**
 * The browser host: serves the renderer build over HTTP and EngineApi over a WebSocket, on loopback
 * only. The socket requires a random per-launch token (given to the page in the URL's fragment, which
 * browsers never send to servers) and a same-origin Origin header; every request, HTTP or socket, must
 * name the host by a loopback name and its port (Host header: no DNS rebinding). The socket serves the
 * data methods only: the methods that take a file path (PATH_METHODS) are refused, so a page can read
 * and write nothing on the disk but through the user's file picker and downloads. No request of any
 * kind ends the process: a malformed one gets a 4xx answer or a closed socket. The engine behind the
 * socket is either in this process (tests) or, as `npm run web` runs it, an EngineBridge to a child
 * process that is restarted when it crashes (webMain.ts).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { StudioError, asStudioError } from '../common/errors';
import { parseMessage, type RequestMessage, type ResponseMessage } from '../contract/messages';
import { CONTENT_SECURITY_POLICY } from '../contract/security';
import { PATH_METHODS, type EventName, type EventPayload, type PathMethodName } from '../contract/schemas';
import { MAX_MESSAGE_BYTES, decodeFrame, encodeFrame } from '../contract/wire';
import { EngineHost } from './engineHost';
import type { EngineServices } from './services';

/** What answers the socket's requests: an EngineHost (in process) or an EngineBridge (a child process). */
export interface EngineEndpoint {
  /** Answers one request; never throws. */
  handle(req: RequestMessage): Promise<ResponseMessage>;
  /** The engine process's state, sent to each page as it connects (an EngineBridge has one). */
  engineState?(): EventPayload<'onEngineState'>;
}

export type EmitEvent = <E extends EventName>(name: E, payload: EventPayload<E>) => void;

export interface BrowserHostOptions {
  /** Runs the engine in this process on these services... */
  services?: EngineServices;
  /** ...or asks for an endpoint, given the function that sends an event to every connected page. */
  engine?: (emit: EmitEvent) => EngineEndpoint;
  /** Folder with the built renderer (index.html); when absent, only the socket is served. */
  staticDir?: string;
  /** 0 = any free port. */
  port?: number;
  /** The largest socket message accepted, in bytes (default MAX_FRAME_BYTES). */
  maxFrameBytes?: number;
}

/**
 * The largest socket message (the contract's MAX_MESSAGE_BYTES): the largest image the engine opens
 * (MAX_PIXELS in app/image/load.ts, checked by a test) as RGBA bytes, and room for the frame's JSON header. Image files and models (a few
 * hundred MB) fit; a larger frame closes the socket (1009) before it is buffered whole.
 */
export const MAX_FRAME_BYTES = MAX_MESSAGE_BYTES;

/** What a page uses instead of each path method. */
const DATA_METHOD: Record<PathMethodName, string> = {
  openImage: 'openImageData (the file picker or a drop)',
  exportImage: 'encodeResult (the page downloads the file)',
  importModel: 'importModelData (the file picker)',
};

/** @throws StudioError PATH_REFUSED for a method that takes a file path. */
function refusePathMethod(method: string): void {
  if ((PATH_METHODS as readonly string[]).includes(method))
    throw new StudioError(
      'PATH_REFUSED',
      `The browser host does not accept file paths: ${method} is refused; use ` +
        `${DATA_METHOD[method as PathMethodName]}.`,
    );
}

/** Whether a Host header names this server by a loopback name and its port. */
function isLoopbackHost(host: string | undefined, port: number): boolean {
  if (!host) return false;
  const h = host.toLowerCase();
  return h === `127.0.0.1:${port}` || h === `localhost:${port}` || h === `[::1]:${port}`;
}

/** Whether an Origin header is one of this server's own origins (or absent: not a browser page). */
function isOwnOrigin(origin: string | undefined, port: number): boolean {
  if (origin === undefined) return true;
  const o = origin.toLowerCase();
  return o === `http://127.0.0.1:${port}` || o === `http://localhost:${port}` || o === `http://[::1]:${port}`;
}

/** Answers a raw socket (before or instead of a WebSocket upgrade) and closes it. */
function refuseUpgrade(socket: Duplex, status: string): void {
  if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  else socket.destroy();
}

export interface BrowserHost {
  /** http://127.0.0.1:PORT/#token=... — what the user opens. */
  url: string;
  /** ws://127.0.0.1:PORT/engine?token=... */
  socketUrl: string;
  token: string;
  /** Sends an event to every connected page. */
  emit: EmitEvent;
  close(): Promise<void>;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export async function startBrowserHost(opts: BrowserHostOptions): Promise<BrowserHost> {
  const token = randomBytes(24).toString('hex');
  const sockets = new Set<WebSocket>();
  const send = (ws: WebSocket, msg: unknown) => {
    if (ws.readyState === ws.OPEN) ws.send(new Uint8Array(encodeFrame(msg)));
  };
  const emit: EmitEvent = (name, payload) => {
    for (const ws of sockets) send(ws, { type: 'event', name, payload });
  };
  let host: EngineEndpoint;
  if (opts.engine) host = opts.engine(emit);
  else if (opts.services) host = new EngineHost(opts.services, emit);
  else throw new Error('startBrowserHost needs services or an engine');

  const root = opts.staticDir ? path.resolve(opts.staticDir) : undefined;
  const headers = {
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
  };
  const answer = (res: http.ServerResponse, status: number) => {
    if (!res.headersSent) res.writeHead(status, headers);
    res.end();
  };

  /** Serves one file of the renderer build; every failure is an answer, never a throw. */
  const serveStatic = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const { port } = server.address() as AddressInfo;
    if (!isLoopbackHost(req.headers.host, port)) return answer(res, 421);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...headers, allow: 'GET, HEAD' }).end();
      return;
    }
    if (!root) return answer(res, 404);
    // Origin-form only ("/path?query"): an absolute or odd request target is malformed here.
    const target = req.url ?? '';
    if (!target.startsWith('/')) return answer(res, 400);
    let rel: string;
    try {
      const { pathname } = new URL(target, 'http://127.0.0.1');
      rel = decodeURIComponent(pathname === '/' ? '/index.html' : pathname);
    } catch {
      return answer(res, 400); // bad percent-encoding ("/%", "/%ff")
    }
    if (rel.includes('\0')) return answer(res, 400);
    const file = path.resolve(root, `.${rel}`);
    if (!file.startsWith(root + path.sep)) return answer(res, 403);
    const st = await stat(file).catch(() => null);
    if (!st?.isFile()) return answer(res, 404);
    // A link inside the build must not lead out of it either.
    const [realRoot, realFile] = await Promise.all([realpath(root), realpath(file)]);
    if (!realFile.startsWith(realRoot + path.sep)) return answer(res, 403);
    res.writeHead(200, {
      ...headers,
      'content-type': MIME[path.extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const stream = createReadStream(realFile);
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  };

  const server = http.createServer((req, res) => {
    serveStatic(req, res).catch(() => {
      if (!res.headersSent) answer(res, 500);
      else res.destroy();
    });
  });
  // A request Node cannot parse (bad request line, huge headers) is answered by Node itself (400, 431).

  /** A page's socket, once its upgrade was accepted. */
  const connected = (ws: WebSocket) => {
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
    // A bad frame (a protocol error, one over maxPayload): ws closes the socket; nothing else to do.
    ws.on('error', () => ws.terminate());
    // A page that connects after the engine crashed (restarting, or given up on) learns it now, not
    // from its first call failing.
    const state = host.engineState?.();
    if (state) send(ws, { type: 'event', name: 'onEngineState', payload: state });
    // Every frame is answered on its own; `reply` catches every error itself (it answers it, or ends the socket).
    const reply = async (data: RawData, isBinary: boolean) => {
      let id = -1;
      try {
        if (!isBinary) throw new Error('Expected a binary frame');
        const msg = parseMessage(decodeFrame(data as Buffer));
        if (msg.type !== 'request') throw new Error(`Expected a request but received a ${msg.type}`);
        id = msg.id;
        refusePathMethod(msg.method);
        send(ws, await host.handle(msg));
      } catch (e) {
        try {
          send(ws, { type: 'response', id, ok: false, error: asStudioError(e, 'PARAM_INVALID').toWire() });
        } catch {
          ws.terminate();
        }
      }
    };
    ws.on('message', (data, isBinary) => void reply(data, isBinary));
  };

  const wss = new WebSocketServer({ noServer: true, maxPayload: opts.maxFrameBytes ?? MAX_FRAME_BYTES });
  // ws reports errors on the server (e.g. a failed handshake) here; without a listener they would throw.
  wss.on('error', () => {});
  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    try {
      const { port } = server.address() as AddressInfo;
      if (!isLoopbackHost(req.headers.host, port)) return refuseUpgrade(socket, '421 Misdirected Request');
      const target = req.url ?? '';
      if (!target.startsWith('/')) return refuseUpgrade(socket, '400 Bad Request');
      const url = new URL(target, 'http://127.0.0.1');
      if (
        url.pathname !== '/engine' ||
        !sameToken(url.searchParams.get('token') ?? '', token) ||
        !isOwnOrigin(req.headers.origin, port)
      )
        return refuseUpgrade(socket, '401 Unauthorized');
      wss.handleUpgrade(req, socket, head, (ws) => connected(ws));
    } catch {
      refuseUpgrade(socket, '400 Bad Request');
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/#token=${token}`,
    socketUrl: `ws://127.0.0.1:${port}/engine?token=${token}`,
    token,
    emit,
    close: async () => {
      for (const ws of sockets) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
