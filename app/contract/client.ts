/**
 * The front end's side of EngineApi over any transport: numbered requests, responses matched by id and
 * validated, errors rebuilt as StudioError, events dispatched to listeners. No Node or DOM APIs, so the
 * renderer, the preload and tests share it.
 */
import { StudioError, fromWire } from '../common/errors';
import { isEvent, parseEvent, parseMessage, parseResult } from './messages';
import { METHODS, type EngineApi, type EventName, type EventPayload, type MethodName } from './schemas';

export interface Transport {
  send(message: unknown): void;
  /** Registers the handler for every message that arrives. */
  onMessage(handler: (message: unknown) => void): void;
}

export function createEngineClient(transport: Transport): EngineApi {
  let next = 1;
  const pending = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: unknown) => void; method: MethodName }
  >();
  const listeners = new Map<EventName, Set<(p: unknown) => void>>();

  transport.onMessage((raw) => {
    let msg;
    try {
      msg = parseMessage(raw);
    } catch {
      return; // A malformed message is dropped; the engine side logs what it sends.
    }
    if (msg.type === 'response') {
      const p = pending.get(msg.id);
      if (!p) return;
      pending.delete(msg.id);
      if (msg.ok) {
        try {
          p.resolve(parseResult(p.method, msg.result));
        } catch (e) {
          p.reject(e);
        }
      } else p.reject(fromWire(msg.error));
    } else if (msg.type === 'event' && isEvent(msg.name)) {
      let payload: unknown;
      try {
        payload = parseEvent(msg.name, msg.payload);
      } catch {
        return;
      }
      for (const l of listeners.get(msg.name) ?? []) l(payload);
    }
  });

  const api: Record<string, unknown> = {
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) {
      const set = listeners.get(event) ?? new Set();
      set.add(listener as (p: unknown) => void);
      listeners.set(event, set);
      return () => set.delete(listener as (p: unknown) => void);
    },
  };
  for (const method of Object.keys(METHODS) as MethodName[]) {
    api[method] = (params: unknown) =>
      new Promise((resolve, reject) => {
        const id = next++;
        pending.set(id, { resolve, reject, method });
        try {
          transport.send({ type: 'request', id, method, params });
        } catch (e) {
          pending.delete(id);
          reject(
            e instanceof StudioError
              ? e
              : new StudioError('ENGINE_CRASHED', `The engine cannot be reached: ${String(e)}`),
          );
        }
      });
  }
  return api as unknown as EngineApi;
}

/** Fails every pending call (the transport closed or the engine crashed). */
export type { EngineApi };
