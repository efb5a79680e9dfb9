/**
 * The browser host: serves the renderer build over HTTP and EngineApi over a WebSocket, on loopback
 * only. The socket requires a random per-launch token (given to the page in the URL's fragment, which
 * browsers never send to servers) and a same-origin Origin header. The engine behind the socket is
 * either in this process (tests) or, as `npm run web` runs it, an EngineBridge to a child process that
 * is restarted when it crashes (webMain.ts).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { asStudioError } from '../common/errors';
import { parseMessage, type RequestMessage, type ResponseMessage } from '../contract/messages';
import { CONTENT_SECURITY_POLICY } from '../contract/security';
import type { EventName, EventPayload } from '../contract/schemas';
import { decodeFrame, encodeFrame } from '../contract/wire';
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

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const root = opts.staticDir ? path.resolve(opts.staticDir) : undefined;
    const headers = {
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'x-content-type-options': 'nosniff',
    };
    if (!root || req.method !== 'GET') {
      res.writeHead(404, headers).end();
      return;
    }
    const rel = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname);
    const file = path.resolve(root, `.${rel}`);
    if (!file.startsWith(root + path.sep)) {
      res.writeHead(403, headers).end();
      return;
    }
    const st = await stat(file).catch(() => null);
    if (!st?.isFile()) {
      res.writeHead(404, headers).end();
      return;
    }
    res.writeHead(200, {
      ...headers,
      'content-type': MIME[path.extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
    });
    createReadStream(file).pipe(res);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const { port } = server.address() as AddressInfo;
    const origin = req.headers.origin;
    const originOk =
      origin === undefined || origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`;
    if (url.pathname !== '/engine' || !sameToken(url.searchParams.get('token') ?? '', token) || !originOk) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      // A page that connects after the engine crashed (restarting, or given up on) learns it now, not
      // from its first call failing.
      const state = host.engineState?.();
      if (state) send(ws, { type: 'event', name: 'onEngineState', payload: state });
      ws.on('message', async (data, isBinary) => {
        let id = -1;
        try {
          if (!isBinary) throw new Error('Expected a binary frame');
          const msg = parseMessage(decodeFrame(data as Buffer));
          if (msg.type !== 'request') throw new Error(`Expected a request but received a ${msg.type}`);
          id = msg.id;
          send(ws, await host.handle(msg));
        } catch (e) {
          send(ws, { type: 'response', id, ok: false, error: asStudioError(e, 'PARAM_INVALID').toWire() });
        }
      });
    });
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
