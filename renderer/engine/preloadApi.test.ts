// Electron's preload envelopes become results or StudioErrors, validated against the contract.
import { describe, expect, it } from 'vitest';
import { StudioError } from '../../app/common/errors';
import { studioFromPreload, type PreloadStudio } from './preloadApi';

function preload(answers: Record<string, unknown>, events: ((name: string, p: unknown) => void)[] = []) {
  const p: PreloadStudio = {
    on: (event, listener) => {
      const h = (name: string, payload: unknown) => name === event && listener(payload);
      events.push(h);
      return () => events.splice(events.indexOf(h), 1);
    },
  };
  for (const [m, a] of Object.entries(answers)) p[m] = async () => a;
  return p;
}

describe('preload API', () => {
  it('unwraps results and rebuilds errors with their code', async () => {
    const api = studioFromPreload(
      preload({
        engineInfo: { ok: true, result: { version: '1', modelsDir: '/m', providers: ['cpu'] } },
        cancel: { ok: false, error: { code: 'CANCELLED', message: 'stopped' } },
        listStages: { ok: true, result: [{ name: 'lama' }] },
        showOpenDialog: { ok: true, result: { path: null } },
      }),
    );
    await expect(api.engineInfo({})).resolves.toEqual({ version: '1', modelsDir: '/m', providers: ['cpu'] });
    await expect(api.cancel({ jobId: 'j' })).rejects.toMatchObject({ code: 'CANCELLED', message: 'stopped' });
    // A result that does not match the contract is refused.
    await expect(api.listStages({})).rejects.toBeInstanceOf(StudioError);
    await expect(api.showOpenDialog({ kind: 'model' })).resolves.toEqual({ path: null });
    await expect(api.openImage({ path: '/x' })).rejects.toMatchObject({ code: 'INTERNAL' });
  });

  it('passes on only events that match the contract', () => {
    const events: ((name: string, p: unknown) => void)[] = [];
    const api = studioFromPreload(preload({}, events));
    const seen: unknown[] = [];
    const off = api.on('onEngineState', (e) => seen.push(e));
    for (const h of [...events]) h('onEngineState', { state: 'restarting', reason: 'exit code 1' });
    for (const h of [...events]) h('onEngineState', { state: 'exploded' });
    expect(seen).toEqual([{ state: 'restarting', reason: 'exit code 1' }]);
    off();
  });
});
