/**
 * The engine's side of a process boundary: requests arrive on a port (Electron's parent port, or Node's
 * IPC channel to a child process), EngineHost answers them, and responses and events go back on it.
 * Shared by Electron's utility-process entry (main/engineProcess.ts) and the browser host's engine
 * child (app/host/engineChild.ts).
 */
import { asStudioError } from '../common/errors';
import { parseMessage } from '../contract/messages';
import { EngineHost, type EngineHostOptions } from './engineHost';
import type { EngineServices } from './services';

export interface EnginePort {
  /** Registers the handler for every message that arrives (already unwrapped). */
  onMessage(handler: (message: unknown) => void): void;
  postMessage(message: unknown): void;
}

/** Serves EngineApi on `port` until the process ends. */
export function serveEngineOnPort(
  port: EnginePort,
  services: EngineServices,
  opts: EngineHostOptions = {},
): EngineHost {
  const host = new EngineHost(
    services,
    (name, payload) => port.postMessage({ type: 'event', name, payload }),
    opts,
  );
  const reply = async (raw: unknown) => {
    let id = -1;
    try {
      const msg = parseMessage(raw);
      if (msg.type !== 'request') return;
      id = msg.id;
      port.postMessage(await host.handle(msg));
    } catch (err) {
      port.postMessage({
        type: 'response',
        id,
        ok: false,
        error: asStudioError(err, 'PARAM_INVALID').toWire(),
      });
    }
  };
  // Every request is answered on its own. A port that cannot take even the error answer (closed under
  // us) leaves nobody to tell but the log: the engine goes on rather than dying of an unhandled rejection.
  port.onMessage((raw) => {
    reply(raw).catch((err: unknown) => console.error('The engine could not answer a request:', err));
  });
  return host;
}
