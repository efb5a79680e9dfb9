/**
 * A host's link to the engine running in another process (Electron's utility process, or the browser
 * host's Node child process): forwards requests, matches responses, forwards events, and survives
 * crashes. When the process dies, pending calls fail with ENGINE_CRASHED, the process is restarted per
 * the RestartPolicy, and the images the front end had open are re-opened in the new process under their
 * old ids, so the user's image, mask and parameters survive and the next run works. The front end hears
 * of it through onEngineState: 'restarting' (with the reason), then 'ready', or 'failed' after a crash
 * loop; from 'failed' the front end may ask for a new start (restartEngine). An image the front end
 * closes (closeImage), or that the engine evicted (IMAGE_CLOSED), is forgotten: a restart does not
 * re-open it. Transport-free (no Electron, no child_process): the caller supplies `fork`.
 */
import { StudioError, asStudioError, fromWire } from '../common/errors';
import { isMethod, parseMessage, parseParams } from '../contract/messages';
import type { RequestMessage, ResponseMessage } from '../contract/messages';
import type { EventName, EventPayload, MethodName } from '../contract/schemas';
import { RestartPolicy } from './restartPolicy';

/** The engine's process as the bridge sees it (Electron's UtilityProcess and Node's ChildProcess fit). */
export interface EngineChild {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (message: unknown) => void): void;
  /** `code` is null when a signal ended the process; `signal` names it when the platform says. */
  on(event: 'exit', listener: (code: number | null, signal?: string | null) => void): void;
  kill(): void;
}

export interface BridgeOptions {
  fork: () => EngineChild;
  /** Delivers an engine event (and the bridge's onEngineState) to the front end. */
  emit: <E extends EventName>(name: E, payload: EventPayload<E>) => void;
  policy?: RestartPolicy;
  now?: () => number;
  schedule?: (fn: () => void, ms: number) => void;
}

/** Images re-opened after a restart: the most recently opened ones. */
const MAX_REOPENED = 4;

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

/** "killed by SIGKILL" or "exit code 3": why a process stopped, in a few words. */
export function exitReason(code: number | null, signal?: string | null): string {
  if (signal) return `killed by ${signal}`;
  return code === null ? 'it stopped' : `exit code ${code}`;
}

export class EngineBridge {
  private child: EngineChild | undefined;
  private next = 1;
  private readonly pending = new Map<number, Pending>();
  /** openImage requests by the id the front end knows, to replay after a restart. */
  private readonly opened = new Map<string, { method: 'openImage' | 'openImageData'; params: unknown }>();
  /** The front end's image id -> the current process's id (they differ after a restart). */
  private readonly idMap = new Map<string, string>();
  private readonly policy: RestartPolicy;
  private stopped = false;
  private failed = false;
  /** The last onEngineState sent: what a front end that connects now must be told. */
  private current: EventPayload<'onEngineState'> = { state: 'ready' };

  constructor(private readonly opts: BridgeOptions) {
    this.policy = opts.policy ?? new RestartPolicy();
    this.start();
  }

  private start(): void {
    const child = this.opts.fork();
    this.child = child;
    child.on('message', (raw) => this.onMessage(raw));
    child.on('exit', (code, signal) => {
      if (this.child !== child || this.stopped) return;
      this.onCrash(exitReason(code, signal));
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

  private onCrash(reason: string): void {
    this.child = undefined;
    const message = `The engine stopped unexpectedly (${reason}).`;
    for (const p of this.pending.values())
      p.reject(new StudioError('ENGINE_CRASHED', `${message} Your image and mask are kept; run again.`));
    this.pending.clear();
    const d = this.policy.onCrash((this.opts.now ?? Date.now)());
    if (!d.restart) {
      this.failed = true;
      this.setState({
        state: 'failed',
        reason,
        message: `${message} It crashed ${d.crashes} times in a minute and was not restarted.`,
      });
      return;
    }
    this.setState({ state: 'restarting', reason, message });
    (this.opts.schedule ?? ((fn, ms) => setTimeout(fn, ms)))(() => void this.restart(), d.delayMs);
  }

  private async restart(): Promise<void> {
    if (this.stopped) return;
    this.start();
    for (const [frontEndId, o] of [...this.opened]) {
      try {
        const r = (await this.send(o.method, o.params)) as { imageId: string };
        if (!this.opened.has(frontEndId)) {
          // Closed by the front end while it was being re-opened: free it in the new process too.
          void this.send('closeImage', { imageId: r.imageId }).catch(() => {});
          continue;
        }
        this.idMap.set(frontEndId, r.imageId);
      } catch (e) {
        // Crashed again: the next restart re-opens it. Any other failure: the image cannot be opened.
        if ((e as StudioError).code === 'ENGINE_CRASHED') return;
        this.opened.delete(frontEndId);
        this.idMap.delete(frontEndId);
      }
    }
    // It may have died again while re-opening; that crash reported itself.
    if (this.child) this.setState({ state: 'ready' });
  }

  private setState(s: EventPayload<'onEngineState'>): void {
    this.current = s;
    this.opts.emit('onEngineState', s);
  }

  /**
   * The engine process's state now, as the last onEngineState said it: a front end that connects (a new
   * browser page) or loads (Electron's renderer) after a crash is told with this, not by its first call
   * failing.
   */
  engineState(): EventPayload<'onEngineState'> {
    return { ...this.current };
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
      try {
        child.postMessage({ type: 'request', id, method, params });
      } catch (e) {
        this.pending.delete(id);
        reject(new StudioError('ENGINE_CRASHED', `The engine cannot be reached: ${String(e)}`));
      }
    });
  }

  /**
   * After a crash loop ('failed'): starts the engine again with a fresh crash history and re-opens the
   * front end's images. Returns false when there is nothing to restart (ready, or already restarting).
   */
  private restartAfterFailure(): boolean {
    if (!this.failed || this.stopped) return false;
    this.failed = false;
    this.policy.reset();
    this.setState({ state: 'restarting', message: 'Starting the engine again, as asked.' });
    void this.restart();
    return true;
  }

  private forget(frontEndId: string): void {
    this.opened.delete(frontEndId);
    this.idMap.delete(frontEndId);
  }

  /** Sends a validated request (see ipcGuard) and resolves with the engine's result. */
  async request(method: MethodName, params: Record<string, unknown>): Promise<unknown> {
    // The bridge's own method: the engine process cannot restart itself.
    if (method === 'restartEngine') return { restarted: this.restartAfterFailure() };
    const p = { ...params };
    const frontEndId = typeof p.imageId === 'string' ? p.imageId : undefined;
    if (frontEndId) p.imageId = this.idMap.get(frontEndId) ?? frontEndId;
    if (method === 'closeImage' && frontEndId) {
      const known = this.opened.has(frontEndId);
      this.forget(frontEndId);
      // No process (restarting or stopped): it holds nothing, and a restart will not re-open it.
      if (!this.child || this.failed) return { closed: known };
    }
    if (this.failed)
      throw new StudioError(
        'ENGINE_CRASHED',
        'The engine keeps crashing and was stopped; use Restart engine, or restart the application.',
      );
    let result: unknown;
    try {
      result = await this.send(method, p);
    } catch (e) {
      // The engine freed it (its memory budget): nothing to re-open after a crash either.
      if (frontEndId && (e as StudioError).code === 'IMAGE_CLOSED') this.forget(frontEndId);
      throw e;
    }
    if (method === 'openImage' || method === 'openImageData') {
      const id = (result as { imageId: string }).imageId;
      this.opened.set(id, { method, params });
      this.idMap.set(id, id);
      // The editor holds one image at a time; a few recent ones are plenty to re-open.
      for (const old of [...this.opened.keys()].slice(0, -MAX_REOPENED)) this.forget(old);
    }
    return result;
  }

  /**
   * Answers one request from a front end (the browser host's socket): validates it against the
   * contract, forwards it and wraps the outcome; never throws.
   */
  async handle(req: RequestMessage): Promise<ResponseMessage> {
    try {
      if (!isMethod(req.method)) throw new StudioError('PARAM_INVALID', `Unknown method "${req.method}"`);
      const params = parseParams(req.method, req.params) as Record<string, unknown>;
      return { type: 'response', id: req.id, ok: true, result: await this.request(req.method, params) };
    } catch (e) {
      return { type: 'response', id: req.id, ok: false, error: asStudioError(e).toWire() };
    }
  }

  dispose(): void {
    this.stopped = true;
    this.child?.kill();
  }
}
