/**
 * EngineApi over the browser host's WebSocket: binary frames (app/contract/wire) carrying the contract's
 * messages; the shared client validates every response and event where it arrives.
 */
import { StudioError } from '../../app/common/errors';
import { createEngineClient, type Transport } from '../../app/contract/client';
import type { EngineApi } from '../../app/contract/schemas';
import { decodeFrame, encodeFrame } from '../../app/contract/wire';
import { engineSocketUrl, tokenFromHash } from './token';

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
    const ws = new WebSocket(engineSocketUrl(loc.host, token));
    ws.binaryType = 'arraybuffer';
    const closeHandlers: ((reason: string) => void)[] = [];
    let opened = false;
    const transport: Transport = {
      send(message) {
        if (ws.readyState !== WebSocket.OPEN)
          throw new StudioError('ENGINE_CRASHED', 'The connection to the engine is closed; reload the page.');
        ws.send(encodeFrame(message));
      },
      onMessage(handler) {
        ws.addEventListener('message', (e: MessageEvent) => {
          if (!(e.data instanceof ArrayBuffer)) return;
          let message: unknown;
          try {
            message = decodeFrame(e.data);
          } catch {
            return; // A malformed frame is dropped.
          }
          handler(message);
        });
      },
    };
    const api = createEngineClient(transport);
    ws.addEventListener('open', () => {
      opened = true;
      resolve({
        api,
        onClose: (h) => closeHandlers.push(h),
        close: () => ws.close(),
      });
    });
    ws.addEventListener('close', (e) => {
      if (!opened) {
        reject(
          new StudioError(
            'ENGINE_CRASHED',
            'The engine refused the connection (a stale token?). Open the address `npm run web` printed.',
          ),
        );
        return;
      }
      const reason = `The engine connection closed${e.reason ? `: ${e.reason}` : ''}. Restart \`npm run web\` and reload.`;
      for (const h of closeHandlers) h(reason);
    });
  });
}
