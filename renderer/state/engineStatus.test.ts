// The engine's health and banner from onEngineState events, without a DOM.
import { describe, expect, it } from 'vitest';
import { ENGINE_READY, applyEngineState, dismissEngineBanner } from './engineStatus';

describe('engine status', () => {
  it('crash, restart, back: the banner says why and that the work is kept, then can be closed', () => {
    const restarting = applyEngineState(ENGINE_READY, {
      state: 'restarting',
      reason: 'killed by SIGKILL',
      message: 'The engine stopped unexpectedly (killed by SIGKILL).',
    });
    expect(restarting).toMatchObject({ health: 'restarting', reason: 'killed by SIGKILL', crashes: 1 });
    expect(restarting.banner).toMatchObject({ tone: 'warning', dismissible: false });
    expect(restarting.banner!.text).toBe(
      'The engine stopped (killed by SIGKILL); restarting it… Your image, mask and parameters are kept.',
    );
    // Not closable while the engine is away.
    expect(dismissEngineBanner(restarting)).toBe(restarting);
    const back = applyEngineState(restarting, { state: 'ready' });
    expect(back).toMatchObject({ health: 'ready', crashes: 1 });
    expect(back.banner!.text).toBe(
      'The engine stopped (killed by SIGKILL); restarted — your image, mask and parameters are kept. ' +
        'Run again for a new result.',
    );
    expect(dismissEngineBanner(back)).toEqual({ ...back, banner: null });
    // A "ready" while ready changes nothing.
    expect(applyEngineState(ENGINE_READY, { state: 'ready' })).toBe(ENGINE_READY);
  });

  it('reads the reason from an older host message, and says when the engine was given up on', () => {
    const s = applyEngineState(ENGINE_READY, {
      state: 'restarting',
      message: 'The engine stopped unexpectedly (exit code 134).',
    });
    expect(s.reason).toBe('exit code 134');
    const failed = applyEngineState(s, { state: 'failed', message: 'It crashed 5 times in a minute' });
    expect(failed).toMatchObject({ health: 'failed', reason: 'exit code 134', crashes: 2 });
    expect(failed.banner).toMatchObject({ tone: 'error', dismissible: false });
    expect(failed.banner!.text).toMatch(/^The engine stopped \(exit code 134\) and keeps crashing/);
  });

  it('offers Restart engine once the engine was given up on; the restart asked for is not a crash', () => {
    const failed = applyEngineState(ENGINE_READY, { state: 'failed', reason: 'exit code 1' });
    expect(failed.banner).toMatchObject({ action: 'restartEngine', dismissible: false });
    expect(failed.banner!.text).toMatch(/restart the engine to run again/);
    const restarting = applyEngineState(failed, {
      state: 'restarting',
      message: 'Starting the engine again',
    });
    expect(restarting).toMatchObject({ health: 'restarting', crashes: failed.crashes });
    expect(restarting.banner?.action).toBeUndefined();
    const ready = applyEngineState(restarting, { state: 'ready' });
    expect(ready).toMatchObject({ health: 'ready', banner: { dismissible: true } });
    expect(ready.banner?.action).toBeUndefined();
    // A crash while running still offers no button: the host restarts it by itself.
    expect(applyEngineState(ENGINE_READY, { state: 'restarting' }).banner?.action).toBeUndefined();
  });
});
