/**
 * Main's link to the engine's utility process: forwards requests, matches responses, forwards events,
 * and survives crashes. When the process dies, pending calls fail with ENGINE_CRASHED, the process is
 * restarted per the RestartPolicy, and the images the renderer had open are re-opened in the new
 * process under their old ids, so the user's image, mask and parameters survive and the next run works.
 */
import { StudioError, fromWire } from '../../app/common/errors';
import { parseMessage } from '../../app/contract/messages';
import type { EventName, EventPayload, MethodName } from '../../app/contract/schemas';
import { RestartPolicy } from './restartPolicy';

/** The utility process as the bridge sees it (Electron's UtilityProcess fits; tests pass a fake). */
export interface EngineChild {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (message: unknown) => void): void;
  on(event: 'exit', listener: (code: number) => void): void;
  kill(): void;
}

export interface BridgeOptions {
  fork: () => EngineChild;
  /** Delivers an engine event to the renderer. */
  emit: <E extends EventName>(name: E, payload: EventPayload<E>) => void;
  policy?: RestartPolicy;
  now?: () => number;
  schedule?: (fn: () => void, ms: number) => void;
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

export class EngineBridge {
  private child: EngineChild | undefined;
  private next = 1;
  private readonly pending = new Map<number, Pending>();
  /** openImage requests by the id the renderer knows, to replay after a restart. */
  private readonly opened = new Map<string, { method: 'openImage' | 'openImageData'; params: unknown }>();
  /** The renderer's image id -> the current process's id (they differ after a restart). */
  private readonly idMap = new Map<string, string>();
  private readonly policy: RestartPolicy;
  private stopped = false;
  private failed = false;

  constructor(private readonly opts: BridgeOptions) {
    this.policy = opts.policy ?? new RestartPolicy();
    this.start();
  }

  private start(): void {
    const child = this.opts.fork();
    this.child = child;
    child.on('message', (raw) => this.onMessage(raw));
    child.on('exit', (code) => {
      if (this.child !== child || this.stopped) return;
      this.onCrash(code);
    });
  }

  private onMessage(raw: unknown): void {
    let msg;
    try {
      msg = parseMessage(raw);
    } catch {
      return;
    }
    if (msg.type === 'response') {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.result);
      else p.reject(fromWire(msg.error));
    } else if (msg.type === 'event') {
      this.opts.emit(msg.name as EventName, msg.payload as never);
    }
  }

  private onCrash(code: number): void {
    this.child = undefined;
    const message = `The engine stopped unexpectedly (exit code ${code}).`;
    for (const p of this.pending.values())
      p.reject(new StudioError('ENGINE_CRASHED', `${message} Your image and mask are kept; run again.`));
    this.pending.clear();
    const d = this.policy.onCrash((this.opts.now ?? Date.now)());
    if (!d.restart) {
      this.failed = true;
      this.opts.emit('onEngineState', {
        state: 'failed',
        message: `${message} It crashed ${d.crashes} times in a minute and was not restarted.`,
      });
      return;
    }
    this.opts.emit('onEngineState', { state: 'restarting', message });
    (this.opts.schedule ?? ((fn, ms) => setTimeout(fn, ms)))(() => void this.restart(), d.delayMs);
  }

  private async restart(): Promise<void> {
    this.start();
    for (const [rendererId, o] of this.opened) {
      try {
        const r = (await this.send(o.method, o.params)) as { imageId: string };
        this.idMap.set(rendererId, r.imageId);
      } catch {
        this.opened.delete(rendererId);
      }
    }
    this.opts.emit('onEngineState', { state: 'ready' });
  }

  private send(method: string, params: unknown): Promise<unknown> {
    const child = this.child;
    if (!child)
      return Promise.reject(
        new StudioError('ENGINE_CRASHED', 'The engine is restarting; try again in a moment.'),
      );
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      child.postMessage({ type: 'request', id, method, params });
    });
  }

  /** Sends a validated request (see ipcGuard) and resolves with the engine's result. */
  async request(method: MethodName, params: Record<string, unknown>): Promise<unknown> {
    if (this.failed)
      throw new StudioError(
        'ENGINE_CRASHED',
        'The engine keeps crashing and was stopped; restart the application.',
      );
    const p = { ...params };
    if (typeof p.imageId === 'string') p.imageId = this.idMap.get(p.imageId) ?? p.imageId;
    const result = await this.send(method, p);
    if (method === 'openImage' || method === 'openImageData') {
      const id = (result as { imageId: string }).imageId;
      this.opened.set(id, { method, params });
      this.idMap.set(id, id);
    }
    return result;
  }

  dispose(): void {
    this.stopped = true;
    this.child?.kill();
  }
}
