/**
 * EngineApi over the browser host's WebSocket: binary frames (app/contract/wire) carrying the contract's
 * messages; the shared client validates every response and event where it arrives. The socket lives in
 * a dedicated worker (socketWorker.ts) so that receiving a result — tens of megabytes for a large photo —
 * and decoding frames do not hold up the page's frames; without Worker it lives on the page.
 */
import { StudioError } from '../../app/common/errors';
import { createEngineClient, type Transport } from '../../app/contract/client';
import type { EngineApi } from '../../app/contract/schemas';
import { checkMessageSize, decodeFrame, encodeFrame } from '../../app/contract/wire';
import type { FromSocketWorker, ToSocketWorker } from './socketWorkerProtocol';
import { engineSocketUrl, tokenFromHash } from './token';

/** The socket as the transport sees it: decoded messages in, messages out. */
interface SocketLink {
  send(message: unknown): void;
  close(): void;
}

interface LinkEvents {
  open(): void;
  message(message: unknown): void;
  close(reason: string): void;
}

/** The socket in a dedicated worker; messages arrive decoded, their pixel buffers transferred. */
function workerLink(url: string, on: LinkEvents): SocketLink {
  const worker = new Worker(new URL('./socketWorker.ts', import.meta.url), { type: 'module' });
  const post = (m: ToSocketWorker) => worker.postMessage(m);
  let closed = false;
  const closeOnce = (reason: string) => {
    if (closed) return;
    closed = true;
    worker.terminate();
    on.close(reason);
  };
  worker.addEventListener('message', (e: MessageEvent<FromSocketWorker>) => {
    const m = e.data;
    if (m.kind === 'open') on.open();
    else if (m.kind === 'message') on.message(m.message);
    else if (m.kind === 'close') closeOnce(m.reason);
  });
  // The worker's script failed to load or threw: as good as a closed socket.
  worker.addEventListener('error', (e) => closeOnce(e.message || 'the socket worker failed'));
  post({ kind: 'open', url });
  return {
    send: (message) => post({ kind: 'send', message }),
    close: () => post({ kind: 'close' }),
  };
}

/** The socket on the page (where there is no Worker). */
function pageLink(url: string, on: LinkEvents): SocketLink {
  const ws = new WebSocket(url);
  ws.binaryType = 'arraybuffer';
  ws.addEventListener('open', () => on.open());
  ws.addEventListener('close', (e) => on.close(e.reason));
  ws.addEventListener('message', (e: MessageEvent) => {
    if (!(e.data instanceof ArrayBuffer)) return;
    let message: unknown;
    try {
      message = decodeFrame(e.data);
    } catch {
      return; // A malformed frame is dropped.
    }
    on.message(message);
  });
  return { send: (message) => ws.send(encodeFrame(message)), close: () => ws.close() };
}

export interface EngineConnection {
  api: EngineApi;
  /** Registers what to do when the socket closes (the engine stopped or the page lost it). */
  onClose(handler: (reason: string) => void): void;
  close(): void;
}

/**
 * Opens the socket to the engine that served this page.
 * @throws StudioError ENGINE_CRASHED when the page has no token or the socket cannot open.
 */
export function connectEngine(loc: Pick<Location, 'hash' | 'host'> = location): Promise<EngineConnection> {
  const token = tokenFromHash(loc.hash);
  if (!token)
    return Promise.reject(
      new StudioError(
        'ENGINE_CRASHED',
        'This page has no engine token. Open the address that `npm run web` printed (it ends in #token=…).',
      ),
    );
  return new Promise((resolve, reject) => {
    const closeHandlers: ((reason: string) => void)[] = [];
    const handlers = new Set<(message: unknown) => void>();
    let opened = false;
    let open = false;
    const transport: Transport = {
      send(message) {
        if (!open)
          throw new StudioError('ENGINE_CRASHED', 'The connection to the engine is closed; reload the page.');
        // A message over the host's limit would close the socket (and lose the page's work): refuse it here.
        checkMessageSize(message as { method?: unknown; params?: unknown });
        link.send(message);
      },
      onMessage(handler) {
        handlers.add(handler);
      },
    };
    const api = createEngineClient(transport);
    const events: LinkEvents = {
      open() {
        opened = open = true;
        resolve({
          api,
          onClose: (h) => closeHandlers.push(h),
          close: () => link.close(),
        });
      },
      message(message) {
        for (const h of handlers) h(message);
      },
      close(reason) {
        open = false;
        if (!opened) {
          reject(
            new StudioError(
              'ENGINE_CRASHED',
              'The engine refused the connection (a stale token?). Open the address `npm run web` printed.',
            ),
          );
          return;
        }
        const text = `The engine connection closed${reason ? `: ${reason}` : ''}. Restart \`npm run web\` and reload.`;
        for (const h of closeHandlers) h(text);
      },
    };
    const url = engineSocketUrl(loc.host, token);
    const link = typeof Worker === 'function' ? workerLink(url, events) : pageLink(url, events);
  });
}
