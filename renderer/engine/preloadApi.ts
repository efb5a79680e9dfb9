/**
 * EngineApi (and the shell's dialogs) over Electron's preload, window.studio. The preload resolves every
 * call with main's envelope — {ok: true, result} or {ok: false, error: {code, message}} — because an
 * Error's code does not survive contextBridge; here each envelope becomes the result (validated against
 * app/contract, as the socket client validates) or a rejected StudioError, and each event is validated
 * before a listener sees it.
 */
import { StudioError, fromWire, type WireError } from '../../app/common/errors';
import { isEvent, parseEvent, parseResult } from '../../app/contract/messages';
import {
  METHODS,
  SHELL_METHODS,
  type EventName,
  type MethodName,
  type ShellMethodName,
  type StudioApi,
} from '../../app/contract/schemas';

/** window.studio as the preload exposes it. */
export interface PreloadStudio {
  [method: string]: unknown;
  on(event: string, listener: (payload: unknown) => void): () => void;
}

type Envelope = { ok: true; result: unknown } | { ok: false; error: WireError };

function unwrap(method: string, envelope: unknown): unknown {
  const e = envelope as Envelope | null;
  if (!e || typeof e !== 'object' || typeof e.ok !== 'boolean')
    throw new StudioError('INTERNAL', `Malformed answer from the app to ${method}`);
  if (!e.ok) throw fromWire(e.error);
  if (method in METHODS) return parseResult(method as MethodName, e.result);
  const r = SHELL_METHODS[method as ShellMethodName].result.safeParse(e.result);
  if (!r.success) throw new StudioError('INTERNAL', `Invalid result from ${method}`);
  return r.data;
}

/** The typed, validating StudioApi over the preload's window.studio. */
export function studioFromPreload(preload: PreloadStudio): StudioApi {
  const api: Record<string, unknown> = {
    on(event: EventName, listener: (payload: unknown) => void) {
      return preload.on(event, (raw) => {
        if (!isEvent(event)) return;
        let payload: unknown;
        try {
          payload = parseEvent(event, raw);
        } catch {
          return; // An event that does not match the contract is dropped.
        }
        listener(payload);
      });
    },
  };
  for (const method of [...Object.keys(METHODS), ...Object.keys(SHELL_METHODS)]) {
    const call = preload[method];
    api[method] = async (params: unknown) => {
      if (typeof call !== 'function')
        throw new StudioError('INTERNAL', `The app does not offer ${method}; update it`);
      return unwrap(method, await (call as (p: unknown) => Promise<unknown>)(params));
    };
  }
  return api as unknown as StudioApi;
}
