// main/'s logic in plain Node: the IPC gate, the file allow-list, the crash-restart policy and bridge.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { StudioError } from '../../app/common/errors';
import { EngineBridge, type EngineChild } from './engineBridge';
import { FileAccess } from './fileAccess';
import { guardInvoke, isTrustedSender } from './ipcGuard';
import { RestartPolicy } from './restartPolicy';

const APP = 'file:///opt/inpaint-studio/resources/app.asar/dist/renderer/index.html';

describe('ipc gate', () => {
  it('accepts only our page as sender', () => {
    expect(isTrustedSender(APP, APP)).toBe(true);
    expect(isTrustedSender('file:///tmp/evil.html', APP)).toBe(false);
    expect(isTrustedSender('https://example.com/', APP)).toBe(false);
    expect(isTrustedSender('http://127.0.0.1:5173/x', 'http://127.0.0.1:5173/')).toBe(true);
    expect(isTrustedSender('not a url', APP)).toBe(false);
  });

  it('rejects an unexpected sender, an unknown method and a bad payload by name', () => {
    const files = new FileAccess();
    expect(() => guardInvoke('https://evil.example/', APP, 'engineInfo', {}, files)).toThrow(
      /unexpected sender/,
    );
    expect(() => guardInvoke(APP, APP, 'deleteEverything', {}, files)).toThrow(
      /Unknown method "deleteEverything"/,
    );
    expect(() => guardInvoke(APP, APP, 'run', { jobId: 1 }, files)).toThrow(/Invalid parameters for run/);
  });

  it('lets the renderer touch only files the user chose', () => {
    const files = new FileAccess();
    expect(() => guardInvoke(APP, APP, 'openImage', { path: '/home/u/photo.jpg' }, files)).toThrow(
      /was not granted/,
    );
    files.grant('/home/u/photo.jpg', 'read');
    expect(guardInvoke(APP, APP, 'openImage', { path: '/home/u/x/../photo.jpg' }, files).method).toBe(
      'openImage',
    );
    // A read grant is not a write grant.
    expect(() =>
      guardInvoke(APP, APP, 'exportImage', { resultId: 'r', path: '/home/u/photo.jpg' }, files),
    ).toThrow(/for writing was not granted/);
    files.grant('/home/u/photo-inpainted.png', 'write');
    expect(() =>
      guardInvoke(APP, APP, 'exportImage', { resultId: 'r', path: '/home/u/photo-inpainted.png' }, files),
    ).not.toThrow();
  });
});

describe('restart policy', () => {
  it('restarts at once, then backs off, and gives up on a crash loop', () => {
    const p = new RestartPolicy(3, 60_000, 100);
    expect(p.onCrash(0)).toMatchObject({ restart: true, delayMs: 0 });
    expect(p.onCrash(1000)).toMatchObject({ restart: true, delayMs: 100 });
    expect(p.onCrash(2000)).toMatchObject({ restart: true, delayMs: 200 });
    expect(p.onCrash(3000)).toMatchObject({ restart: false });
    // Crashes long ago no longer count.
    expect(p.onCrash(200_000)).toMatchObject({ restart: true, crashes: 1 });
  });
});

/** A fake utility process that answers like the engine host. */
class FakeChild extends EventEmitter {
  static count = 0;
  readonly n = ++FakeChild.count;
  sent: { id: number; method: string; params: Record<string, unknown> }[] = [];
  postMessage(message: unknown): void {
    const m = message as { id: number; method: string; params: Record<string, unknown> };
    this.sent.push(m);
    queueMicrotask(() => {
      if (m.method === 'openImage')
        this.emit('message', { type: 'response', id: m.id, ok: true, result: { imageId: `img-${this.n}` } });
      else if (m.method === 'run') {
        if (m.params.imageId !== `img-${this.n}`) {
          this.emit('message', {
            type: 'response',
            id: m.id,
            ok: false,
            error: { code: 'PARAM_INVALID', message: 'No open image' },
          });
        } else
          this.emit('message', { type: 'response', id: m.id, ok: true, result: { ran: m.params.imageId } });
      } else if (m.method === 'hang') {
        // never answers
      }
    });
  }
  kill(): void {
    this.emit('exit', 0);
  }
}

describe('engine bridge', () => {
  it('after a crash: pending calls fail with ENGINE_CRASHED, the engine restarts, the image is re-opened and the next run works', async () => {
    const children: FakeChild[] = [];
    const states: string[] = [];
    const bridge = new EngineBridge({
      fork: () => {
        const c = new FakeChild();
        children.push(c);
        return c as unknown as EngineChild;
      },
      emit: (name, payload) => {
        if (name === 'onEngineState') states.push((payload as { state: string }).state);
      },
      schedule: (fn) => fn(),
    });
    const opened = (await bridge.request('openImage', { path: '/p.png' })) as { imageId: string };
    expect(opened.imageId).toBe('img-1');
    const pending = bridge.request('hang' as never, {});
    children[0].emit('exit', 139);
    await expect(pending).rejects.toMatchObject({ code: 'ENGINE_CRASHED' });
    await new Promise((r) => setTimeout(r, 10));
    expect(states).toEqual(['restarting', 'ready']);
    expect(children).toHaveLength(2);
    // The renderer still uses img-1; the bridge maps it to the new process's id.
    await expect(bridge.request('run', { imageId: 'img-1' })).resolves.toEqual({ ran: 'img-2' });
    bridge.dispose();
  });

  it('stops restarting after a crash loop and says so', async () => {
    const states: string[] = [];
    const bridge = new EngineBridge({
      fork: () => new FakeChild() as unknown as EngineChild,
      emit: (name, payload) => name === 'onEngineState' && states.push((payload as { state: string }).state),
      policy: new RestartPolicy(1, 60_000, 0),
      schedule: (fn) => fn(),
    });
    const internals = bridge as unknown as { child: FakeChild };
    internals.child.emit('exit', 1);
    await new Promise((r) => setTimeout(r, 5));
    internals.child.emit('exit', 1);
    expect(states.at(-1)).toBe('failed');
    await expect(bridge.request('engineInfo', {})).rejects.toBeInstanceOf(StudioError);
  });
});
