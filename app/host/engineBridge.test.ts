// The crash-restart bridge shared by Electron's main and the browser host, against fake engine processes.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { StudioError } from '../common/errors';
import { EngineBridge, exitReason, type EngineChild } from './engineBridge';
import { RestartPolicy } from './restartPolicy';

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

describe('engine bridge, more', () => {
  it('names why the process stopped', () => {
    expect(exitReason(null, 'SIGKILL')).toBe('killed by SIGKILL');
    expect(exitReason(3)).toBe('exit code 3');
  });

  it('tells the front end the reason, and a crash while re-opening keeps the image for the next restart', async () => {
    const children: FakeChild[] = [];
    const events: { state: string; reason?: string }[] = [];
    const scheduled: (() => void)[] = [];
    const bridge = new EngineBridge({
      fork: () => {
        const c = new FakeChild();
        children.push(c);
        return c as unknown as EngineChild;
      },
      emit: (name, payload) => name === 'onEngineState' && events.push(payload as never),
      schedule: (fn) => scheduled.push(fn),
    });
    const { imageId } = (await bridge.request('openImage', { path: '/p.png' })) as { imageId: string };
    children[0].emit('exit', null, 'SIGKILL');
    expect(events).toEqual([expect.objectContaining({ state: 'restarting', reason: 'killed by SIGKILL' })]);
    // While restarting, requests fail at once with ENGINE_CRASHED.
    await expect(bridge.request('engineInfo', {})).rejects.toMatchObject({ code: 'ENGINE_CRASHED' });
    // The new process dies before it answers the re-open.
    const restart = scheduled.shift()!;
    restart();
    children[1].emit('exit', 1);
    await new Promise((r) => setTimeout(r, 5));
    expect(events.map((e) => e.state)).toEqual(['restarting', 'restarting']);
    scheduled.shift()!();
    await new Promise((r) => setTimeout(r, 5));
    expect(events.map((e) => e.state)).toEqual(['restarting', 'restarting', 'ready']);
    const opened = children[0].sent[0].params.path;
    expect(children[2].sent[0]).toMatchObject({ method: 'openImage', params: { path: opened } });
    await expect(bridge.request('run', { imageId })).resolves.toEqual({
      ran: `img-${children[2].n}`,
    });
    bridge.dispose();
  });

  it('answers a front end request envelope, validating it against the contract', async () => {
    const bridge = new EngineBridge({
      fork: () => new FakeChild() as unknown as EngineChild,
      emit: () => {},
      schedule: (fn) => fn(),
    });
    const bad = await bridge.handle({ type: 'request', id: 7, method: 'openImage', params: { path: 5 } });
    expect(bad).toMatchObject({ id: 7, ok: false, error: { code: 'PARAM_INVALID' } });
    const unknown = await bridge.handle({ type: 'request', id: 8, method: 'rm', params: {} });
    expect(unknown).toMatchObject({ ok: false, error: { message: 'Unknown method "rm"' } });
    const ok = await bridge.handle({
      type: 'request',
      id: 9,
      method: 'openImage',
      params: { path: '/a.png' },
    });
    expect(ok).toMatchObject({ id: 9, ok: true, result: { imageId: expect.stringMatching(/^img-/) } });
    bridge.dispose();
  });

  it('keeps its current state for a front end that connects or loads later', async () => {
    const scheduled: (() => void)[] = [];
    const children: FakeChild[] = [];
    const bridge = new EngineBridge({
      fork: () => {
        const c = new FakeChild();
        children.push(c);
        return c as unknown as EngineChild;
      },
      emit: () => {},
      policy: new RestartPolicy(1, 60_000, 0),
      schedule: (fn) => scheduled.push(fn),
    });
    expect(bridge.engineState()).toEqual({ state: 'ready' });
    children[0].emit('exit', null, 'SIGSEGV');
    expect(bridge.engineState()).toMatchObject({ state: 'restarting', reason: 'killed by SIGSEGV' });
    scheduled.shift()!();
    await new Promise((r) => setTimeout(r, 5));
    expect(bridge.engineState()).toEqual({ state: 'ready' });
    children[1].emit('exit', 134);
    expect(bridge.engineState()).toMatchObject({
      state: 'failed',
      reason: 'exit code 134',
      message: expect.stringMatching(/was not restarted/),
    });
    bridge.dispose();
  });
});

/** A fake engine process that gives each opened image its own id and frees it on closeImage. */
class HoldingChild extends EventEmitter {
  static count = 0;
  readonly n = ++HoldingChild.count;
  readonly held = new Set<string>();
  readonly opens: string[] = [];
  private k = 0;
  postMessage(message: unknown): void {
    const m = message as { id: number; method: string; params: Record<string, unknown> };
    const answer = (result: unknown) =>
      this.emit('message', { type: 'response', id: m.id, ok: true, result });
    const fail = (code: string, message: string) =>
      this.emit('message', { type: 'response', id: m.id, ok: false, error: { code, message } });
    queueMicrotask(() => {
      if (m.method === 'openImage') {
        const id = `p${this.n}-i${++this.k}`;
        this.held.add(id);
        this.opens.push(m.params.path as string);
        answer({ imageId: id });
      } else if (m.method === 'closeImage') answer({ closed: this.held.delete(m.params.imageId as string) });
      else if (m.method === 'evict') {
        this.held.clear();
        answer({});
      } else if (m.method === 'run') {
        if (this.held.has(m.params.imageId as string)) answer({ ran: m.params.imageId });
        else fail('IMAGE_CLOSED', `Image "${String(m.params.imageId)}" was freed`);
      } else if (m.method === 'engineInfo') answer({ process: this.n });
    });
  }
  kill(): void {
    this.emit('exit', 0);
  }
}

function holdingBridge(policy?: RestartPolicy) {
  const children: HoldingChild[] = [];
  const states: string[] = [];
  const bridge = new EngineBridge({
    fork: () => {
      const c = new HoldingChild();
      children.push(c);
      return c as unknown as EngineChild;
    },
    emit: (name, payload) => {
      if (name === 'onEngineState') states.push((payload as { state: string }).state);
    },
    ...(policy ? { policy } : {}),
    schedule: (fn) => fn(),
  });
  return { bridge, children, states };
}

const settle = () => new Promise((r) => setTimeout(r, 10));

describe('engine bridge: closed images and restartEngine', () => {
  it('forgets a closed image: the engine frees it and a crash does not re-open it', async () => {
    const { bridge, children } = holdingBridge();
    const a = (await bridge.request('openImage', { path: '/a.png' })) as { imageId: string };
    const b = (await bridge.request('openImage', { path: '/b.png' })) as { imageId: string };
    await expect(bridge.request('closeImage', { imageId: a.imageId })).resolves.toEqual({ closed: true });
    expect([...children[0].held]).toEqual([b.imageId]);
    children[0].emit('exit', 139);
    await settle();
    // Only b is re-opened, under its old id.
    expect(children[1].opens).toEqual(['/b.png']);
    await expect(bridge.request('run', { imageId: b.imageId })).resolves.toEqual({
      ran: `p${children[1].n}-i1`,
    });
    bridge.dispose();
  });

  it('forgets an image the engine evicted (IMAGE_CLOSED), and one closed while the engine was down', async () => {
    const scheduled: (() => void)[] = [];
    const children: HoldingChild[] = [];
    const bridge = new EngineBridge({
      fork: () => {
        const c = new HoldingChild();
        children.push(c);
        return c as unknown as EngineChild;
      },
      emit: () => {},
      schedule: (fn) => scheduled.push(fn),
    });
    const a = (await bridge.request('openImage', { path: '/a.png' })) as { imageId: string };
    const b = (await bridge.request('openImage', { path: '/b.png' })) as { imageId: string };
    await bridge.request('evict' as never, {});
    await expect(bridge.request('run', { imageId: a.imageId })).rejects.toMatchObject({
      code: 'IMAGE_CLOSED',
    });
    children[0].emit('exit', 139);
    // Down (the restart is scheduled): closing b is answered here and b is not re-opened either.
    await expect(bridge.request('closeImage', { imageId: b.imageId })).resolves.toEqual({ closed: true });
    scheduled.shift()!();
    await settle();
    expect(children[1].opens).toEqual([]);
    bridge.dispose();
  });

  it('restartEngine starts a given-up engine again with a fresh crash history and its images re-opened', async () => {
    const { bridge, children, states } = holdingBridge(new RestartPolicy(1, 60_000, 0));
    const a = (await bridge.request('openImage', { path: '/a.png' })) as { imageId: string };
    // Nothing to restart while it runs.
    await expect(
      bridge.handle({ type: 'request', id: 1, method: 'restartEngine', params: {} }),
    ).resolves.toMatchObject({
      ok: true,
      result: { restarted: false },
    });
    expect(children).toHaveLength(1);
    children[0].emit('exit', 1);
    await settle();
    children[1].emit('exit', 1);
    expect(bridge.engineState().state).toBe('failed');
    await expect(bridge.request('run', { imageId: a.imageId })).rejects.toMatchObject({
      code: 'ENGINE_CRASHED',
    });
    await expect(bridge.request('restartEngine', {})).resolves.toEqual({ restarted: true });
    await settle();
    expect(states.slice(-2)).toEqual(['restarting', 'ready']);
    expect(children).toHaveLength(3);
    expect(children[2].opens).toEqual(['/a.png']);
    await expect(bridge.request('run', { imageId: a.imageId })).resolves.toEqual({
      ran: `p${children[2].n}-i1`,
    });
    // Its history is fresh: one crash is restarted again, not given up on.
    children[2].emit('exit', 1);
    await settle();
    expect(bridge.engineState().state).toBe('ready');
    expect(children).toHaveLength(4);
    bridge.dispose();
  });
});
