/**
 * The engine's WebSocket, off the page's main thread (a dedicated worker started by socketTransport.ts).
 * A result is a full-resolution raster — 33 MB for an 8 MP photo — and receiving a message that large
 * takes Chromium's WebSocket hundreds of milliseconds on the thread that owns the socket; here that
 * thread is not the one that draws. Frames are decoded here too (app/contract/wire) and their pixel
 * buffers transferred, not copied, to the page; the page's messages are encoded and sent from here.
 *
 * Page → worker: {kind: 'open', url} | {kind: 'send', message} | {kind: 'close'}.
 * Worker → page: {kind: 'open'} | {kind: 'message', message} | {kind: 'close', reason}.
 */
import { decodeFrame, encodeFrame } from '../../app/contract/wire';
import type { FromSocketWorker, ToSocketWorker } from './socketWorkerProtocol';

interface WorkerScope {
  onmessage: ((e: MessageEvent<ToSocketWorker>) => void) | null;
  postMessage(message: FromSocketWorker, transfer?: Transferable[]): void;
}

const scope = self as unknown as WorkerScope;
let ws: WebSocket | null = null;

/** The ArrayBuffers inside a decoded message (to transfer them). */
function buffersIn(v: unknown, out: ArrayBuffer[]): ArrayBuffer[] {
  if (v instanceof ArrayBuffer) out.push(v);
  else if (Array.isArray(v)) for (const x of v) buffersIn(x, out);
  else if (v && typeof v === 'object') for (const x of Object.values(v)) buffersIn(x, out);
  return out;
}

scope.onmessage = (e) => {
  const m = e.data;
  if (m.kind === 'open' && !ws) {
    const socket = new WebSocket(m.url);
    ws = socket;
    socket.binaryType = 'arraybuffer';
    socket.addEventListener('open', () => scope.postMessage({ kind: 'open' }));
    socket.addEventListener('close', (ev) => scope.postMessage({ kind: 'close', reason: ev.reason }));
    socket.addEventListener('message', (ev: MessageEvent) => {
      if (!(ev.data instanceof ArrayBuffer)) return;
      let message: unknown;
      try {
        message = decodeFrame(ev.data);
      } catch {
        return; // A malformed frame is dropped.
      }
      // decodeFrame copies each buffer out of the frame, so they are this message's own.
      scope.postMessage({ kind: 'message', message }, buffersIn(message, []));
    });
  } else if (m.kind === 'send') {
    if (ws?.readyState === WebSocket.OPEN) ws.send(encodeFrame(m.message));
  } else if (m.kind === 'close') ws?.close();
};
